"""Run ONE stripped submission and its probes, inside the sandbox, and stream what happens.

    python runner.py NOTEBOOK PROBES --result-fd FD --max-processes N --cell-timeout S
        [--sandboxed]

This is the per-submission side of ``make grade`` (``batch.py`` starts it, inside the sandbox
of ``sandbox.py``). It needs only the standard library, nbformat and nbclient (with
ipykernel), so the sandbox shows it nothing of the repository. Nothing is judged here: this
process shares the sandbox with the submission's kernel, so what it reports is only data, and
the judge outside compares that data with the master's solution.

1. Lowers the process-count limit (``RLIMIT_NPROC``) for itself and everything it starts and,
   in the sandbox's own PID namespace, watches the number of processes (past the limit, all
   of them but this one are killed).
2. Executes NOTEBOOK (already stripped outside: no outputs, no metadata) with nbclient in a
   fresh ``python3`` kernel, cell by cell: a cell that raises does not stop the others; a cell
   that runs longer than ``--cell-timeout`` seconds is interrupted, and the next one runs.
   Outputs are dropped as they arrive (only errors are kept, in a line each).
3. Executes the probe cell: PROBES (JSON: the harness ``probe.py``'s source, the probes'
   sources and parameters, the per-probe time limit) run in the same kernel, after the
   student's last cell, each probe in a namespace of its own.
4. Writes newline-delimited JSON records to the file descriptor ``--result-fd`` as things
   happen (the batch reads them as they come)::

       {"event": "start"}
       {"event": "cell", "cell": 12}                          before cell 12 (1-based) runs
       {"event": "cell_error", "cell": 12, "ename": "NameError", "evalue": "..."}
       {"event": "cell_timeout", "cell": 12, "seconds": 60}
       {"event": "kernel_died", "cell": 12}
       {"event": "probing"}
       {"event": "probe", "probe": "loss_one_hot"}            a probe starts
       {"event": "probe_result", "probe": "loss_one_hot", "result": {...}}
       {"event": "too_many_processes", "limit": 64}
       {"event": "failed", "text": "..."}                     the runner itself failed
       {"event": "done"}                                      the last record

Everything else (each cell's number as it starts, the errors' tracebacks) goes to standard
output, the instructor's log.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import re
import resource
import signal
import sys
import threading
import time

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: The largest probe result forwarded (bytes of JSON); a larger one is {"too_large": ...}.
MAX_RESULT_BYTES = 32 * 2**20


class Records:
    """The result pipe: one JSON document per line, written whole, from any thread."""

    def __init__(self, fd: int):
        self.fd, self.lock, self.done = fd, threading.Lock(), False

    def finish(self) -> None:
        """The last record, once."""
        if not self.done:
            self.send(event="done")
            self.done = True

    def send(self, **record) -> None:
        line = (json.dumps(record, allow_nan=False) + "\n").encode("utf-8")
        with self.lock:
            view = memoryview(line)
            while view:
                view = view[os.write(self.fd, view) :]


def _not_dumpable() -> None:
    """No ptrace and no /proc/<pid>/fd of this process for the kernel (same uid)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4


class ProcessWatch(threading.Thread):
    """Counts the sandbox's processes; past the limit, kills all of them but this one."""

    def __init__(self, limit: int, records: Records):
        super().__init__(daemon=True)
        self.limit, self.records, self.tripped = limit, records, False

    def run(self) -> None:
        while True:
            count = sum(name.isdigit() for name in os.listdir("/proc"))
            if count >= self.limit:
                if not self.tripped:
                    self.records.send(event="too_many_processes", limit=self.limit)
                self.tripped = True
                for _ in range(50):  # kill(-1): every process this uid may signal here, not us
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(-1, signal.SIGKILL)
                    time.sleep(0.01)
            time.sleep(0.2)


def _in_own_pid_namespace() -> bool:
    """Pid 1 here is bubblewrap's init: kill(-1) cannot reach anything outside."""
    try:
        with open("/proc/1/cmdline", "rb") as f:
            return os.path.basename(f.read().split(b"\0")[0]) == b"bwrap"
    except OSError:
        return False


def make_client(nb, records: Records, *, cell_timeout: int, probe_index: int, mime: str, cwd):
    """An nbclient NotebookClient that keeps no outputs: errors become records, and the probe
    cell's messages (display data of type ``mime``) become probe records."""
    from nbclient import NotebookClient

    class Client(NotebookClient):
        def output(self, outs, msg, display_id, cell_index):
            msg_type, content = msg["msg_type"], msg["content"]
            if msg_type == "error":
                trace = _ANSI.sub("", "\n".join(content.get("traceback") or []))[-4000:]
                print(f"--- cell {cell_index + 1} raised:\n{trace}", flush=True)
                if cell_index != probe_index:
                    records.send(
                        event="cell_error",
                        cell=cell_index + 1,
                        ename=str(content.get("ename", ""))[:200],
                        evalue=str(content.get("evalue", ""))[:500],
                    )
            elif cell_index == probe_index and msg_type == "display_data":
                text = (content.get("data") or {}).get(mime)
                if isinstance(text, str):
                    self.probe_message(text)
            return None  # nothing is stored

        def probe_message(self, text: str) -> None:
            try:
                message = json.loads(text)
            except ValueError:
                return
            if not isinstance(message, dict):
                return
            if isinstance(message.get("start"), str):
                records.send(event="probe", probe=message["start"])
            elif isinstance(message.get("probe"), str):
                result = message.get("result")
                if len(text) > MAX_RESULT_BYTES:
                    result = {"too_large": len(text)}
                records.send(event="probe_result", probe=message["probe"], result=result)

        def handle_comm_msg(self, outs, msg, cell_index):
            return None  # widgets: nothing to keep

        def _update_display_id(self, display_id, msg):
            return None

        async def _async_handle_timeout(self, timeout, cell=None):
            if self.current != probe_index:
                records.send(event="cell_timeout", cell=self.current + 1, seconds=timeout)
            return await super()._async_handle_timeout(timeout, cell)

    client = Client(
        nb,
        timeout=cell_timeout,
        interrupt_on_timeout=True,
        allow_errors=True,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=False,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(cwd)}},
    )
    client.current = -1  # the index of the cell running
    return client


def run(args, records: Records, watch: ProcessWatch | None) -> None:
    import nbformat
    from nbclient.exceptions import DeadKernelError

    with open(args.probes, encoding="utf-8") as f:
        spec = json.load(f)
    with open(args.notebook, encoding="utf-8") as f:
        nb = nbformat.read(f, as_version=4)
    probes, probe_timeout = spec["probes"], spec["probe_timeout"]
    cell = nbformat.v4.new_code_cell(spec["cell"])
    nb.cells.append(cell)
    probe_index = len(nb.cells) - 1
    work = os.path.join(os.getcwd(), "work")
    os.makedirs(work, exist_ok=True)
    client = make_client(
        nb,
        records,
        cell_timeout=args.cell_timeout,
        probe_index=probe_index,
        mime=spec["mime"],
        cwd=work,
    )
    records.send(event="start")
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            if index == probe_index:
                records.send(event="probing")
                # the harness stops each probe after probe_timeout; this is the backstop
                client.timeout = int(probe_timeout * (len(probes) + 1) + 30)
            else:
                records.send(event="cell", cell=index + 1)
            print(f"cell {index + 1}", flush=True)
            client.current = index
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                if watch is None or not watch.tripped:
                    records.send(event="kernel_died", cell=index + 1)
                break
            cell.outputs = []
        # the row is complete now: the batch ends the sandbox on this record, whatever the
        # kernel's leftovers (a forked process holding its sockets) would do at shutdown
        records.finish()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", help="the stripped notebook (JSON)")
    parser.add_argument("probes", help="the probe cell and the probes (JSON)")
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument("--max-processes", type=int, required=True)
    parser.add_argument("--cell-timeout", type=int, required=True)
    parser.add_argument("--sandboxed", action="store_true")
    args = parser.parse_args(argv)
    os.set_inheritable(args.result_fd, False)
    records = Records(args.result_fd)
    _not_dumpable()
    watch = None
    if args.sandboxed:
        tasks = 4 * args.max_processes  # threads count; the watch turns a fork bomb into a record
        resource.setrlimit(resource.RLIMIT_NPROC, (tasks, tasks))
        if _in_own_pid_namespace():
            watch = ProcessWatch(args.max_processes, records)
            watch.start()
    try:
        run(args, records, watch)
    except Exception as e:  # noqa: BLE001 - reported, then the batch decides
        if watch is None or not watch.tripped:
            import traceback

            traceback.print_exc()
            records.send(event="failed", text=f"{type(e).__name__}: {e}"[:500])
    records.finish()
    os.close(args.result_fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
