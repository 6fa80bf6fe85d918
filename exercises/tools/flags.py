"""Flags: code in a submission worth a human look, read outside the sandbox from the stripped
notebook's own cells (the handed-out helper cells left out). Flags never change a score.

Each flag is a pattern over the code (:data:`PATTERNS`), except ``course-library``
(:class:`CourseLibrary`): the submission takes from ``scratchlib`` more than the handed-out
notebook gives (it imports what the notebook neither hands out nor names, binds an answer's
name to the library, or uses the library inside an answer where the master's solution does
not): it could be calling the library's own implementation instead of writing the answer.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
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
    r"|rename|chmod|makedirs|mkdir)\b|\bglob\b|\.\./|/proc\b",
    "process-or-network": r"\bsubprocess\b|\bos\.(system|popen|exec\w*|spawn\w*|posix_spawn)\b"
    r"|\bsocket\b|\burllib\b|\brequests\b|\bhttp\.client\b|^\s*(!|%{1,2}[a-zA-Z])",
}

_ATTRIBUTE = re.compile(r"\bscratchlib((?:\.\w+)+)")


def _bindings(tree: ast.AST) -> dict[str, str]:
    """Local name -> the scratchlib object it is bound to by an import statement."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "scratchlib":
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "scratchlib":
                    found[alias.asname or alias.name.split(".")[0]] = alias.name
    return found


def _parse(cells: list[str]) -> list[ast.AST]:
    trees = []
    for source in cells:
        try:
            trees.append(ast.parse(source))
        except (SyntaxError, ValueError):
            continue  # a cell that is not Python (a magic, a syntax error) binds nothing
    return trees


def _uses(trees: list[ast.AST], answers: set[str]) -> dict[str, set[str]]:
    """Answer name -> the scratchlib objects its definition refers to (by a bound name or a
    scratchlib.x.y attribute chain)."""
    bound: dict[str, str] = {}
    for tree in trees:
        bound.update(_bindings(tree))
    uses: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in answers:
                name, body = node.name, node
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in answers for t in node.targets
            ):
                name = next(t.id for t in node.targets if isinstance(t, ast.Name))
                body = node.value
            else:
                continue
            used = uses.setdefault(name, set())
            for inner in ast.walk(body):
                if isinstance(inner, ast.Name) and inner.id in bound:
                    used.add(bound[inner.id])
                elif isinstance(inner, ast.ImportFrom | ast.Import):
                    used.update(_bindings(inner).values())
    return uses


@dataclass
class CourseLibrary:
    """What the handed-out notebook lets a submission take from scratchlib: the imports it
    hands out (under their names), the objects its prose names, and, for each answer, the
    library objects the master's own solution uses in it."""

    bindings: set[tuple[str, str]]
    mentioned: set[str]
    solution_uses: dict[str, set[str]]
    answers: set[str]

    @classmethod
    def of(cls, student_notebook: Path, solution_code: list[str], answers: set[str]):
        nb = nbformat.read(student_notebook, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        bindings = {pair for tree in _parse(code) for pair in _bindings(tree).items()}
        text = "\n".join(c.source for c in nb.cells)
        mentioned = {f"scratchlib{path}" for path in _ATTRIBUTE.findall(text)}
        mentioned |= {target for _, target in bindings}
        return cls(bindings, mentioned, _uses(_parse(solution_code), answers), answers)

    def takes_more(self, cells: list[str]) -> bool:
        """Does this code bind an answer's name to scratchlib, import what the notebook
        neither hands out nor names, or use the library in an answer where the solution
        does not?"""
        trees = _parse(cells)
        for tree in trees:
            for name, target in _bindings(tree).items():
                if (name, target) in self.bindings:
                    continue
                if name in self.answers or target not in self.mentioned:
                    return True
        return any(
            used - self.solution_uses.get(answer, set())
            for answer, used in _uses(trees, self.answers).items()
        )


def code_flags(code: str, library: CourseLibrary | None = None, cells=None) -> list[str]:
    """The flags of a submission's code (cells: the same code cell by cell, for the
    course-library flag, judged when library is given)."""
    found = [k for k, rx in PATTERNS.items() if re.search(rx, code, flags=re.MULTILINE)]
    if library is not None and library.takes_more(cells if cells is not None else [code]):
        found.append("course-library")
    return found
