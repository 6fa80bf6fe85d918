"""Sphinx extension: two fixes to the HTML that Jupyter Book 1.x writes, found by the browser
and accessibility tests (tests/test_browser.py).

1. Each page lists a script once. With Sphinx 7 and sphinx-thebe 0.3 the inline script that
   declares ``const THEBE_JS_URL = ...`` is written twice into every page, and the browser
   reports "Identifier 'THEBE_JS_URL' has already been declared" on each of them (Sphinx's
   check for duplicates misses it: one copy has filename ``''``, the other ``None``).
2. Bibliography entries are list items. Docutils writes the references as
   ``<div role="list">`` holding ``<div role="doc-biblioentry">``, a role that DPUB-ARIA 1.1
   deprecates and that is not a list item, so the list has no items for assistive technology
   (axe-core: aria-required-children, critical). They become ``role="listitem"``.
"""

from __future__ import annotations


def _unique_scripts(context: dict) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        filename = str(getattr(script, "filename", script) or "")
        attributes = getattr(script, "attributes", {})
        key = (filename, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def _citation_list_items(context: dict) -> None:
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _fix_page(app, pagename, templatename, context, doctree) -> None:
    _unique_scripts(context)
    _citation_list_items(context)


def setup(app):
    # late (priority > 500): after the theme and the other extensions filled the page context
    app.connect("html-page-context", _fix_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
