"""The judge: decides a submission's grade outside the sandbox, from plain data.

What a submission's run sends out of the sandbox is untrusted text: the probes' results as
tagged JSON (``probe.py``). This module

1. **decodes** it strictly (:func:`loads`: no ``NaN``/``Infinity`` literals, no number that
   overflows to infinity; :func:`decode`: every node one known tag, arrays of an allowed dtype
   whose shape matches their data, nesting and sizes capped). Anything malformed is *no data*
   for that probe: its checks fail;
2. runs every **check** (``checks.py``) of the assignment's checks file against the
   **reference data**: the same probes run, with the same harness, on the master's own
   solution, in this process (:class:`Assignment`); expected values never enter the sandbox;
3. **scores** each question: its points (from the master's ``BEGIN QUESTION`` config) if
   every check of the question passes, else 0 (every auto-graded question is all-or-nothing);
   manual questions (the *Explain* cells) get points from the instructor only;
4. writes the **verdict** (:func:`verdict`), plain data from which the CSV, the student's
   feedback and the instructor's report are made (``feedback.py``, ``report.py``).

The verdict (one JSON document per submission, ``OUT/verdicts/<stem>.json``)::

    {
      "file": "ada.ipynb", "assignment": "01_minibatch",
      "sha256": "<of the submitted bytes>", "grading_key": "<of the master, checks, tools>",
      "status": "ok" | "error" | "timeout",
      "problem": null | {"kind": "too-large" | "unreadable" | "other-assignment" | "timeout"
                                 | "crashed" | "ended" | "too-many-processes" | "no-data"
                                 | "sandbox",
                         "question": "q3" | null, "cell": 12 | null,
                         "during": "checks" (while the grader called the student's code),
                         "text": "<one plain sentence for the student: what and what to do,
                                  written by feedback.kind_sentence from the other keys>",
                         "seconds": 300 (timeout), "size": bytes and "limit": bytes
                         (too-large), "limit": processes (too-many-processes),
                         "why": "not valid JSON" (unreadable),
                         "found", "expected": assignment names (other-assignment)},
      "questions": {
        "q1": {"points": 3.0, "max": 3.0, "manual": false,
               "answered": true,   (false: every cell of the answer is as handed out)
               "checks": [{"name": "integer labels", "passed": false,
                           "message": "<what was expected, and a hint>",
                           "why": null | "<what the probe met: 'raised IndexError',
                                  'q4_reason is not defined', 'ran for more than 10 s', ...>"}]},
        "q4_explain": {"points": null, "max": 0.0, "manual": true, "answer": "<markdown>"}
      },
      "cell_errors": [{"question": "q2" | null, "cell": 9, "ename": "NameError",
                       "evalue": "name 'rng' is not defined"}],
      "flags": ["doctest", "pickle"],
      "stripped_bytes": 78643200,
      "sandboxed": true
    }

``checks`` is empty when the submission's code never reached the probes (it could not be
read, or the time ran out in its own cells); ``problem`` then says why. ``cell`` numbers count
every cell of the submitted notebook from 1, as a student sees them from the top.
``stripped_bytes``: the size of the saved outputs removed before running (they never count).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exercises.tools import master as masters_
from exercises.tools.build import MASTERS
from exercises.tools.checks import Check, Other, as_rule
from exercises.tools.probe import ARRAY_DTYPES, MAX_DEPTH, MAX_ITEMS, run_probes

TOOLS = Path(__file__).resolve().parent
#: The tools whose code decides a verdict (a change to one makes earlier verdicts stale).
VERDICT_TOOLS = (
    "batch.py",
    "checks.py",
    "feedback.py",
    "flags.py",
    "judge.py",
    "master.py",
    "probe.py",
    "runner.py",
    "submission.py",
)
#: The verdict's problem kinds.
PROBLEM_KINDS = (
    "too-large",
    "unreadable",
    "other-assignment",
    "timeout",
    "crashed",
    "ended",
    "too-many-processes",
    "no-data",
    "sandbox",
)
NO_DATA = "no usable result came back from this check's call"


class Malformed(ValueError):
    """Data from a submission's run that is not what the harness sends."""


# ----------------------------------------------------------------------------------- decoding


def _no_constant(name: str):
    raise Malformed(f"{name} is not allowed in the data")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Malformed(f"the number {text[:20]} overflows")
    return value


def loads(text: str | bytes):
    """Parse JSON strictly (NaN, Infinity and overflowing numbers are Malformed)."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except Malformed:
        raise
    except (ValueError, RecursionError, TypeError) as e:
        raise Malformed(f"not JSON: {type(e).__name__}") from None


_FLOAT_WORDS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class _Decoder:
    def __init__(self) -> None:
        self.items = 0

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise Malformed("too many values")

    @staticmethod
    def tag(node) -> tuple[str, object]:
        if not isinstance(node, dict) or len(node) != 1:
            raise Malformed("a node is not a one-key object")
        ((tag, body),) = node.items()
        return tag, body

    @staticmethod
    def element(kind: str, x, dtype: str):
        if kind == "b":
            if type(x) is not bool:
                raise Malformed(f"a {dtype} element is not a boolean")
            return x
        if kind in "iu":
            info = np.iinfo(dtype)
            if type(x) is not int or not info.min <= x <= info.max:
                raise Malformed(f"a {dtype} element is not an integer in its range")
            return x
        if type(x) is str and x in _FLOAT_WORDS:
            return _FLOAT_WORDS[x]
        if type(x) not in (int, float):
            raise Malformed(f"a {dtype} element is not a number")
        return float(x)

    def __call__(self, node, depth: int = 0):
        if depth > MAX_DEPTH + 1:
            raise Malformed("nested too deeply")
        self.count()
        tag, body = self.tag(node)
        if tag == "none" and body is None:
            return None
        if tag == "bool" and type(body) is bool:
            return body
        if tag == "int" and type(body) is int:
            return body
        if tag == "float":
            return self.element("f", body, "float")
        if tag == "str" and type(body) is str:
            self.count(len(body) // 100)
            return body
        if tag in ("list", "tuple") and type(body) is list:
            items = [self(v, depth + 1) for v in body]
            return items if tag == "list" else tuple(items)
        if tag == "dict" and type(body) is list:
            out: dict = {}
            for pair in body:
                if type(pair) is not list or len(pair) != 2:
                    raise Malformed("a dict entry is not a [key, value] pair")
                key, value = self(pair[0], depth + 1), self(pair[1], depth + 1)
                try:
                    if key in out:
                        raise Malformed("a dict key appears twice")
                except TypeError:
                    raise Malformed("a dict key is not hashable") from None
                out[key] = value
            return out
        if tag == "ndarray" and type(body) is dict:
            return self.array(body)
        if tag == "npscalar" and type(body) is dict and set(body) == {"dtype", "value"}:
            dtype = body["dtype"]
            if dtype not in ARRAY_DTYPES:
                raise Malformed("a scalar of a dtype that is not allowed")
            value = self.element(np.dtype(dtype).kind, body["value"], dtype)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                return np.dtype(dtype).type(value)
        if tag == "other" and type(body) is str:
            return Other(body[:200])
        raise Malformed(f"an unknown or ill-formed node {tag[:20]!r}")

    def array(self, body: dict) -> np.ndarray:
        if set(body) != {"dtype", "shape", "data"}:
            raise Malformed("an array without exactly dtype, shape and data")
        dtype, shape, data = body["dtype"], body["shape"], body["data"]
        if dtype not in ARRAY_DTYPES:
            raise Malformed("an array of a dtype that is not allowed")
        if (
            type(shape) is not list
            or len(shape) > MAX_DEPTH
            or not all(type(n) is int and n >= 0 for n in shape)
        ):
            raise Malformed("an array's shape is not a list of sizes")
        if type(data) is not list or len(data) != math.prod(shape):
            raise Malformed("an array's data does not match its shape")
        self.count(len(data))
        kind = np.dtype(dtype).kind
        values = [self.element(kind, x, dtype) for x in data]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return np.array(values, dtype=dtype).reshape(shape)


def decode(node):
    """The value a tagged-JSON node stands for (raises Malformed)."""
    return _Decoder()(node)


@dataclass(frozen=True)
class Outcome:
    """What one probe produced: a value, or why there is none (``why``, for the student)."""

    value: object = None
    why: str | None = None


def _name(text) -> str:
    """A name from the submission's data, made harmless (an identifier, at most 60 chars)."""
    return re.sub(r"[^\w.]", "", str(text))[:60] or "?"


def decode_outcome(node) -> Outcome:
    """One probe's result ({"value": ...}, {"raised": ...}, ...) as an Outcome."""
    try:
        tag, body = _Decoder.tag(node)
        if tag == "value":
            return Outcome(decode(body))
        if tag == "raised" and type(body) is str:
            return Outcome(why=f"the call raised {_name(body)}")
        if tag == "missing" and type(body) is str:
            return Outcome(why=f"{_name(body)} is not defined")
        if tag == "timeout" and type(body) in (int, float):
            return Outcome(why=f"your code ran for more than {body:g} s and was stopped")
        if tag == "too_large" and type(body) is int:
            return Outcome(why=f"your code returned more than {MAX_ITEMS:,} values")
    except Malformed:
        pass
    return Outcome(why=NO_DATA)


# ------------------------------------------------------------------------------ the assignment


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


@dataclass
class Assignment:
    """Everything the judge needs for one assignment, read and computed once per batch."""

    name: str
    master: masters_.Master
    checks: list[Check]
    probes: list[dict]  # the harness's specs: name, source, params
    reference: dict[str, Outcome]
    key: str  # changes when the master, its checks or the judging tools change

    @property
    def config(self) -> dict:
        return masters_.config(self.master, self.checks)

    @classmethod
    def load(cls, name: str, masters: Path = MASTERS, probe_timeout: float | None = None):
        """Read the master and its checks, and run the probes on the master's solution.

        Raises MasterError when the master or its checks file is broken, and when a probe
        gives no value on the solution (the checks file is then wrong, not the students)."""
        master = masters_.load_master(name, masters)
        checks = masters_.load_checks(master)
        probes = masters_.probe_specs(checks)
        reference = reference_data(master, checks, probe_timeout)
        key = _sha256(
            master.path.read_bytes(),
            master.checks_path.read_bytes(),
            *((TOOLS / tool).read_bytes() for tool in VERDICT_TOOLS),
        )
        return cls(name, master, checks, probes, reference, key)


def reference_data(
    master: masters_.Master, checks: list[Check], timeout: float | None = None
) -> dict[str, Outcome]:
    """The probes' results on the master's solution, through the same encoding and decoding
    as a submission's (raises MasterError if a probe gives no value there)."""
    namespace = masters_.execute(master.code)
    results = run_probes(namespace, masters_.probe_specs(checks), timeout)
    reference = {name: decode_outcome(loads(json.dumps(r))) for name, r in results.items()}
    for name, outcome in reference.items():
        if outcome.why is not None:
            questions = sorted({c.question for c in checks if c.probe_name == name})
            raise masters_.MasterError(
                f"the master's solution fails {', '.join(questions)}: it gives no value for "
                f"the probe {name} of {master.checks_path.name} ({outcome.why}): fix the "
                "solution or the probe"
            )
    return reference


# --------------------------------------------------------------------------------- judging


def judge_checks(assignment: Assignment, results: dict[str, Outcome]) -> dict[str, list[dict]]:
    """Question -> the outcome of each of its checks: {name, passed, message, why}."""
    by_question: dict[str, list[dict]] = {q: [] for q in assignment.master.graded}
    for check in assignment.checks:
        got = results.get(check.probe_name, Outcome(why=NO_DATA))
        ref = assignment.reference[check.probe_name]
        passed, why = False, got.why
        if why is None:
            value, expected = got.value, ref.value
            if check.key is not None:
                if isinstance(value, dict) and check.key in value:
                    value, expected = value[check.key], expected[check.key]
                else:
                    why = NO_DATA
            if why is None:
                try:
                    passed = as_rule(check.rule)(value, expected) is True
                except Exception:  # noqa: BLE001 - a rule that raises on malformed data: fail
                    passed = False
        by_question[check.question].append(
            {
                "name": check.name,
                "passed": bool(passed),
                "message": check.message,
                "why": None if passed else why,
            }
        )
    return by_question


def decode_results(raw: dict) -> dict[str, Outcome]:
    """Probe name -> Outcome, from the runner's records' ``result`` nodes (untrusted)."""
    return {str(name): decode_outcome(node) for name, node in raw.items()}


def verdict(
    assignment: Assignment,
    *,
    file: str,
    sha256: str,
    grading_key: str,
    status: str,
    problem: dict | None = None,
    results: dict[str, Outcome] | None = None,
    cell_errors: list[dict] | None = None,
    answers: dict[str, str] | None = None,
    answered: dict[str, bool] | None = None,
    flags: list[str] | None = None,
    stripped_bytes: int = 0,
    sandboxed: bool = True,
) -> dict:
    """The verdict of one submission (see the module docstring).

    results: the decoded probe results, or None when the submission never reached its probes
    (every check list is then empty and every score 0). answered: question -> whether the
    student changed anything of it (``submission.Submission.answered``)."""
    if status not in ("ok", "error", "timeout"):
        raise ValueError(f"status must be ok, error or timeout, not {status!r}")
    if problem is not None and problem.get("kind") not in PROBLEM_KINDS:
        raise ValueError(f"problem kind must be one of {PROBLEM_KINDS}, not {problem!r}")
    judged = judge_checks(assignment, results) if results is not None else {}
    questions: dict[str, dict] = {}
    for q, question in assignment.master.questions.items():
        if question.manual:
            questions[q] = {
                "points": None,
                "max": question.points,
                "manual": True,
                "answer": (answers or {}).get(q, ""),
            }
            continue
        checks = judged.get(q, [])
        full = bool(checks) and all(c["passed"] for c in checks)
        questions[q] = {
            "points": question.points if full else 0.0,
            "max": question.points,
            "manual": False,
            "answered": (answered or {}).get(q, True),
            "checks": checks,
        }
    return {
        "file": file,
        "assignment": assignment.name,
        "sha256": sha256,
        "grading_key": grading_key,
        "status": status,
        "problem": problem,
        "questions": questions,
        "cell_errors": cell_errors or [],
        "flags": flags or [],
        "stripped_bytes": stripped_bytes,
        "sandboxed": sandboxed,
    }


def auto_total(v: dict) -> float:
    """The points of a verdict's auto-graded questions."""
    return sum(q["points"] for q in v["questions"].values() if not q["manual"])
