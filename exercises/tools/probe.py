"""The probe harness: calls a submission's functions on hidden inputs and encodes what comes
back as plain, tagged JSON (standard library and numpy only).

The same source runs in two places:

* **in the submission's kernel**, inside the sandbox: the runner (``runner.py``) appends one
  last cell, made by :func:`probe_cell`, that executes this file's source in a namespace of its
  own and calls :func:`run_cell` with the probes' sources;
* **outside, on the master's solution** (trusted): ``judge.reference_data`` and
  ``check_planted`` call :func:`run_probes` in-process, so the reference data goes through the
  very encoding the submissions' data goes through.

A *probe* is a top-level function of an assignment's checks file
(``exercises/masters/<name>.checks.py``): its parameters are names the student defines, it
calls them on inputs the student never saw and returns plain data. Each probe is executed from
its source in a fresh namespace holding only ``np`` (numpy) and the builtins; the student's
values are passed in by parameter name. What a probe produced is one of::

    {"value": <encoded>}              the probe returned
    {"raised": "TypeError"}           it raised (the exception's type only: its message could
                                      quote the hidden inputs)
    {"missing": "q4_reason"}          the submission does not define a parameter's name
    {"timeout": 10}                   it ran longer than its time limit (seconds)
    {"too_large": 1200000}            its result holds more than MAX_ITEMS values

and ``<encoded>`` is tagged JSON (``encode``): ``{"int": 3}``, ``{"float": 0.5}`` (``"nan"``,
``"inf"``, ``"-inf"`` as strings), ``{"str": "B"}``, ``{"bool": true}``, ``{"none": null}``,
``{"list": [...]}``, ``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}``,
``{"ndarray": {"dtype": "float64", "shape": [2, 3], "data": [...]}}`` (data flattened in C
order), ``{"npscalar": {"dtype": "int64", "value": 3}}``, ``{"other": "<type name>"}`` for
anything else. Nothing here decides a grade: ``judge.py`` decodes and validates this data
outside the sandbox, whatever the submission did to this code.
"""

from __future__ import annotations

import json
import math
import signal
import threading
import warnings

import numpy as np

#: Values (numbers, strings, containers) one probe's result may hold.
MAX_ITEMS = 1_000_000
#: Containers nested deeper than this are encoded as {"other": ...}.
MAX_DEPTH = 32
#: The dtypes an array may have (the judge accepts no other).
ARRAY_DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
)
#: The MIME type of the probe cell's messages to the runner (one JSON document each).
MIME = "application/vnd.course-grading.probe"


class TooLarge(Exception):
    """The result holds more than MAX_ITEMS values."""

    def __init__(self, items: int):
        super().__init__(items)
        self.items = items


class ProbeTimeout(BaseException):
    """Raised in a probe that ran past its time limit (a BaseException, so that a submission's
    ``except Exception`` does not swallow it)."""


def _float(x: float) -> float | str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


class _Encoder:
    def __init__(self) -> None:
        self.items = 0

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise TooLarge(self.items)

    def __call__(self, value, depth: int = 0) -> dict:
        self.count()
        kind = type(value)
        if value is None:
            return {"none": None}
        if kind is bool:
            return {"bool": value}
        if kind is int:
            return {"int": value}
        if kind is float:
            return {"float": _float(value)}
        if kind is str:
            self.count(len(value) // 100)
            return {"str": value}
        if isinstance(value, np.ndarray) and value.dtype.name in ARRAY_DTYPES:
            self.count(value.size)
            flat = value.ravel(order="C").tolist()
            if value.dtype.kind == "f":
                flat = [_float(v) for v in flat]
            return {
                "ndarray": {"dtype": value.dtype.name, "shape": list(value.shape), "data": flat}
            }
        if isinstance(value, np.generic) and value.dtype.name in ARRAY_DTYPES:
            item = value.item()
            return {
                "npscalar": {
                    "dtype": value.dtype.name,
                    "value": _float(item) if value.dtype.kind == "f" else item,
                }
            }
        if depth < MAX_DEPTH:
            if kind is list:
                return {"list": [self(v, depth + 1) for v in value]}
            if kind is tuple:
                return {"tuple": [self(v, depth + 1) for v in value]}
            if kind is dict:
                return {
                    "dict": [[self(k, depth + 1), self(v, depth + 1)] for k, v in value.items()]
                }
        if isinstance(value, np.ndarray):
            return {"other": f"numpy.ndarray of dtype {value.dtype.name}"}
        return {"other": f"{kind.__module__}.{kind.__qualname__}"}


def encode(value) -> dict:
    """Tagged JSON for ``value`` (see the module docstring); raises TooLarge."""
    return _Encoder()(value)


def _timer(seconds: float | None):
    """Arm a SIGALRM timer that raises ProbeTimeout; returns how to disarm it (or None when
    signals cannot be used here: not the main thread)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        return None

    def expire(signum, frame):
        raise ProbeTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)

    def disarm() -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    return disarm


def run_probe(name: str, source: str, params: list[str], user_ns: dict, timeout: float | None):
    """Run one probe (its source defines the function ``name``) on the values of user_ns."""
    missing = [p for p in params if p not in user_ns]
    if missing:
        return {"missing": missing[0]}
    namespace = {"np": np, "__name__": "probe"}
    disarm = None
    try:
        exec(compile(source, f"<probe {name}>", "exec"), namespace)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a warning is the student's output, not a result
            disarm = _timer(timeout)
            try:
                value = namespace[name](**{p: user_ns[p] for p in params})
            finally:
                if disarm is not None:
                    disarm()
        return {"value": encode(value)}
    except ProbeTimeout:
        return {"timeout": timeout}
    except TooLarge as e:
        return {"too_large": e.items}
    except BaseException as e:  # noqa: BLE001 - whatever the submission raised is data
        return {"raised": type(e).__name__}


def run_probes(user_ns: dict, probes: list[dict], timeout: float | None = None) -> dict:
    """Every probe's result (name -> {"value": ...} or another outcome) for one namespace.

    probes: [{"name": str, "source": str, "params": [str, ...]}, ...]."""
    return {
        p["name"]: run_probe(p["name"], p["source"], p["params"], user_ns, timeout) for p in probes
    }


def run_cell(probes: list[dict], timeout: float | None, user_ns: dict) -> None:
    """The probe cell's work, in the submission's kernel: run each probe, and tell the runner
    (one display message of type MIME per event) when a probe starts and what it produced."""
    from IPython.display import display

    def send(message: dict) -> None:
        display({MIME: json.dumps(message, allow_nan=False)}, raw=True)

    for p in probes:
        send({"start": p["name"]})
        result = run_probe(p["name"], p["source"], p["params"], user_ns, timeout)
        send({"probe": p["name"], "result": result})


def probe_cell(harness: str, probes: list[dict], timeout: float | None) -> str:
    """The source of the last cell the runner executes: this module's source (``harness``)
    run in a namespace of its own, then :func:`run_cell` on the kernel's namespace."""
    spec = json.dumps({"probes": probes, "timeout": timeout})
    return (
        "def __grading_probes__():\n"
        "    import json as _json\n"
        "    namespace = {'__name__': 'grading_probe'}\n"
        f"    exec(compile({harness!r}, 'probe.py', 'exec'), namespace)\n"
        f"    spec = _json.loads({spec!r})\n"
        "    namespace['run_cell'](spec['probes'], spec['timeout'], globals())\n"
        "\n"
        "\n"
        "__grading_probes__()\n"
    )
