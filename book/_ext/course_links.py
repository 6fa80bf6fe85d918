"""Links from the chapters to the book's own pages are relative again in the built site.

The chapter notebooks link to book pages with the published book's absolute URLs
(``html.baseurl`` in ``_config.yml`` + ``book/exercises.html``), so that the links work where a
notebook is opened alone (Colab, a download). In the site those links become relative, like
every other link between its pages: they follow the site wherever it is served (a preview, a
fork, a local ``_build/html``). A link to a page the book does not have is a build warning
(an error under ``--warningiserror``). Registered in ``_config.yml`` (``sphinx.local_extensions``).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)


class RelativeBookLinks(SphinxPostTransform):
    """Rewrite ``<html_baseurl><page>.html[#anchor]`` references to relative ones."""

    default_priority = 900
    builders = ("html", "dirhtml", "singlehtml")

    def run(self, **kwargs) -> None:
        base = (self.config.html_baseurl or "").rstrip("/") + "/"
        if base == "/":
            return
        for ref in self.document.findall(nodes.reference):
            uri = ref.get("refuri", "")
            if not uri.startswith(base):
                continue
            path, _, anchor = uri.removeprefix(base).partition("#")
            page = path.removesuffix(".html") if path else "index"
            if page not in self.env.found_docs:
                logger.warning(
                    "link to %s: the book has no page %r (see _toc.yml)", uri, page, location=ref
                )
                continue
            relative = self.app.builder.get_relative_uri(self.env.docname, page)
            ref["refuri"] = relative + (f"#{anchor}" if anchor else "")
            ref["internal"] = True


def setup(app: Sphinx) -> dict:
    app.add_post_transform(RelativeBookLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
