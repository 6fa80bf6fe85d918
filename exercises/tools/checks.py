"""Checks and rules: what an assignment's checks file (``exercises/masters/<name>.checks.py``)
is written with. Everything here runs outside the sandbox only.

A **check** is one requirement of one question, judged from plain data::

    Check("q1", "integer labels", batch_integer_labels, close(),
          "integer labels (shape (N,)) must give the same loss as one-hot labels: ...")

names the question, a short name, the *probe* (a top-level function of the checks file that
calls the student's code on hidden inputs, see ``probe.py``), the *rule* that judges what the
probe returned, and the message the student reads when the check fails. ``key`` picks one
entry of a probe that returns a dict.

A **rule** gets the decoded value the submission's probe returned (``got``) and, if it asks
for it, the value the same probe returned on the master's solution (``ref``); it answers True
(the check passes) or False. A rule that raises on malformed data means *fail*. The values a
rule can see are only those ``judge.decode`` builds: ``None``, ``bool``, ``int``, ``float``,
``str``, ``list``, ``tuple``, ``dict``, ``numpy.ndarray`` (the dtypes of
``probe.ARRAY_DTYPES``), numpy scalars and :class:`Other` (anything else, by type name).

Rules: :func:`close` (numbers close to the reference's, same shape), :func:`equal` (exactly
the reference's value, types included: a Python ``int`` is not a ``numpy.int64``),
:func:`choice` (a multiple-choice letter), :func:`within` (a number in a range), or a plain
function of the checks file, ``rule(got) -> bool`` or ``rule(got, ref) -> bool``, for
properties with no single right value; :func:`numbers` and :func:`integers` help such
functions read the data.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Other:
    """A value of a type the harness does not encode (``{"other": "<type name>"}``)."""

    type: str


class Rule:
    """A rule: ``rule(got, ref) -> bool``. ``uses_reference`` False: ``ref`` is ignored."""

    uses_reference = True
    description = "rule"

    def __call__(self, got, ref) -> bool:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.description


class _Function(Rule):
    """A plain function of the checks file used as a rule."""

    def __init__(self, function: Callable, arity: int):
        self.function, self.uses_reference = function, arity == 2
        self.description = function.__name__

    def __call__(self, got, ref) -> bool:
        return self.function(got, ref) if self.uses_reference else self.function(got)


def as_rule(rule: Rule | Callable) -> Rule:
    """A Rule for a Rule or a plain function of one (got) or two (got, ref) parameters."""
    if isinstance(rule, Rule):
        return rule
    if not callable(rule):
        raise TypeError(f"a check's rule must be a Rule or a function, not {rule!r}")
    arity = len(inspect.signature(rule).parameters)
    if arity not in (1, 2):
        raise TypeError(
            f"the rule {rule.__name__} takes {arity} parameters; a rule takes (got) or (got, ref)"
        )
    return _Function(rule, arity)


@dataclass(frozen=True)
class Check:
    """One requirement of one question, judged outside the sandbox.

    Parameters
    ----------
    question : str
        The question (``"q1"``), as named by the master's ``BEGIN QUESTION`` cell.
    name : str
        A short name, unique within the question (``"integer labels"``).
    probe : function
        The probe whose result is judged: a top-level function of the checks file.
    rule : Rule or function
        How the result is judged (see the module docstring).
    message : str
        For the student, shown when the check fails: what was expected and a hint. Never the
        hidden inputs, never the expected value.
    key : str or int, optional
        The entry of the probe's result (a dict) that is judged; default: the whole result.
    answer : bool, optional
        True for a check that grades the answer itself (a letter, a number to derive or to
        read from a table): no public test may give it away, so a planted wrong answer that
        fails only such checks need not fail a public test (``check_planted.py``).
    """

    question: str
    name: str
    probe: Callable
    rule: Rule | Callable
    message: str
    key: str | int | None = None
    answer: bool = False

    @property
    def probe_name(self) -> str:
        return self.probe.__name__


# ----------------------------------------------------------------------------------- reading


def numbers(value) -> np.ndarray | None:
    """value as a float array if it is numeric (numbers, numeric arrays, nested lists or tuples
    of them, all of one shape), else None. Booleans are not numbers here."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return np.asarray(value, dtype=float)
    if isinstance(value, np.ndarray):
        return value.astype(float) if value.dtype.kind in "iuf" else None
    if isinstance(value, list | tuple):
        parts = [numbers(v) for v in value]
        if any(p is None for p in parts):
            return None
        if len({p.shape for p in parts}) > 1:
            return None
        return np.array(parts, dtype=float).reshape((len(parts), *parts[0].shape) if parts else 0)
    return None


def integers(value) -> np.ndarray | None:
    """value as a 1-d int64 array if it is a sequence of integers (an integer array, or a list or
    tuple of ints or numpy integers), else None. Floats and booleans are not integers here."""
    if isinstance(value, np.ndarray):
        return value.astype(np.int64) if value.dtype.kind in "iu" and value.ndim == 1 else None
    if isinstance(value, list | tuple):
        ok = all(
            isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_) for v in value
        )
        return np.array([int(v) for v in value], dtype=np.int64) if ok else None
    return None


# ------------------------------------------------------------------------------------- rules


class _Close(Rule):
    def __init__(self, rtol: float, atol: float):
        self.rtol, self.atol = rtol, atol
        self.description = f"close(rtol={rtol:g}, atol={atol:g})"

    def __call__(self, got, ref) -> bool:
        a, b = numbers(got), numbers(ref)
        if a is None or b is None or a.shape != b.shape:
            return False
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            return False
        inf = np.isinf(b)
        if not np.array_equal(np.isinf(a), inf) or not np.array_equal(a[inf], b[inf]):
            return False
        finite = np.isfinite(b)
        gap = np.abs(a[finite] - b[finite])
        return bool(np.all(gap <= self.atol + self.rtol * np.abs(b[finite])))


def close(rtol: float = 1e-9, atol: float = 1e-12) -> Rule:
    """Numbers of the reference's shape, each within ``atol + rtol * |ref|`` of the
    reference's (NaN where it is NaN, the same infinities). Any numeric type passes: a Python
    float, a numpy float, a list of numbers. ``close(0, 0)``: the same numbers exactly."""
    return _Close(rtol, atol)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        if a.dtype != b.dtype or a.shape != b.shape:
            return False
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, float | np.floating):
        return bool(a == b or (np.isnan(a) and np.isnan(b)))
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


class _Equal(Rule):
    description = "equal()"

    def __call__(self, got, ref) -> bool:
        return _same(got, ref)


def equal() -> Rule:
    """Exactly the reference's value, types included: a Python ``int`` is not a ``numpy.int64``
    nor a ``float``, an array must have the reference's dtype and shape."""
    return _Equal()


class _Choice(Rule):
    description = "choice()"

    def __call__(self, got, ref) -> bool:
        return isinstance(got, str) and got.strip().upper() == ref.strip().upper()


def choice() -> Rule:
    """A multiple-choice letter: a string equal to the reference's, ignoring case and spaces."""
    return _Choice()


class _Within(Rule):
    uses_reference = False

    def __init__(self, low: float, high: float):
        self.low, self.high = low, high
        self.description = f"within({low:g}, {high:g})"

    def __call__(self, got, ref) -> bool:
        a = numbers(got)
        return a is not None and a.shape == () and self.low < float(a) < self.high


def within(low: float, high: float) -> Rule:
    """One number strictly between low and high (for answers right up to a factor)."""
    return _Within(low, high)
