"""Flags: code in a submission worth a human look, read outside the sandbox from the stripped
notebook's own cells (the handed-out helper cells left out). Flags never change a score.

Each flag is a pattern over the code (:data:`PATTERNS`), except ``course-library``: the
submission imports from ``scratchlib`` something the handed-out notebook neither imports nor
names (it could call the library's own implementation instead of writing the answer).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

PATTERNS = {
    # the grading machinery: otter's internals, the probe harness and the kernel's hooks
    "otter-internals": r"otter\.(?!Notebook\b)\w+|\bChecker\b|\bGradingResults\b|_grading_mode",
    "harness": r"__grading|grading_probe|course-grading|\bprobe_cell\b|\brun_cell\b"
    r"|\bpublish_display_data\b|\bdisplay_pub\b|\bdisplayhook\b|\bevents\.register\b",
    "doctest": r"\bdoctest\b",
    "pickle": r"\b(c?[Pp]ickle|marshal|copyreg|shelve|dill|cloudpickle)\b"
    r"|__(reduce|reduce_ex|setstate|getstate)__",
    "ctypes": r"\b_?ctypes\b|\bcffi\b",
    "process-control": r"\b(fork|forkpty|vfork|ptrace|prctl|kill|killpg|tgkill|setsid|setpgid"
    r"|setpgrp|pthread_kill|pidfd_send_signal)\s*\(|\bsignal\.(signal|alarm|setitimer|SIG\w+)\b",
    "patches-library": r"\b(np|numpy|scratchlib|math|json|sys|os|signal|inspect|IPython|builtins"
    r"|io|time)(\.\w+)+\s*=(?!=)|\bsetattr\s*\(|\.__dict__\s*\[",
    "builtins": r"\b__builtins__\b|\bbuiltins\b|\bsys\.modules\b|\bimportlib\b|\b__import__\b",
    "file-access": r"\bopen\s*\(|\bpathlib\b|\bshutil\b|\bos\.(listdir|walk|scandir|remove|unlink"
    r"|rename|chmod|chdir|makedirs|mkdir)\b|\bglob\b|\.\./|/proc\b",
    "process-or-network": r"\bsubprocess\b|\bos\.(system|popen|exec\w*|spawn\w*|posix_spawn)\b"
    r"|\bsocket\b|\burllib\b|\brequests\b|\bhttp\.client\b|^\s*(!|%{1,2}[a-zA-Z])",
}

_FROM = re.compile(r"^\s*from\s+(scratchlib(?:\.\w+)*)\s+import\s+\(?([\w\s,]+)\)?", re.M)
_IMPORT = re.compile(r"^\s*import\s+(scratchlib(?:\.\w+)*)", re.M)
_ATTRIBUTE = re.compile(r"\bscratchlib((?:\.\w+)+)")


def library_names(text: str) -> set[str]:
    """The scratchlib names a text imports or mentions: "scratchlib.trainer.sgd_update",
    "scratchlib.gradient" (a module imported as a whole)."""
    names = set()
    for module, imported in _FROM.findall(text):
        for part in imported.split(","):
            name = part.split(" as ")[0].strip()
            if name:
                names.add(f"{module}.{name}")
    names.update(_IMPORT.findall(text))
    names.update(f"scratchlib{path}" for path in _ATTRIBUTE.findall(text))
    return names


def handed_out_names(student_notebook: Path) -> set[str]:
    """The scratchlib names the handed-out notebook imports or names (code and prose)."""
    nb = nbformat.read(student_notebook, as_version=4)
    return library_names("\n".join(c.source for c in nb.cells))


def code_flags(code: str, allowed_library: set[str] | None = None) -> list[str]:
    """The flags of a submission's code. allowed_library: the scratchlib names the handed-out
    notebook uses (None: no course-library flag)."""
    found = [k for k, rx in PATTERNS.items() if re.search(rx, code, flags=re.MULTILINE)]
    if allowed_library is not None and library_names(code) - allowed_library - {"scratchlib"}:
        found.append("course-library")
    return found
