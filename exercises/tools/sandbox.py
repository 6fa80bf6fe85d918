"""The bubblewrap sandbox that every submission runs in (see exercises/README.md).

``wrap(argv, ...)`` turns a command into a ``bwrap`` command line that runs it:

* with its own network namespace (no network, only its own loopback), PID namespace, IPC and
  UTS namespaces, in a new session, killed when the grader dies (``--die-with-parent``);
* as an unprivileged user: without root, inside a user namespace as uid 65534 (the grader's
  user outside); started by root, as a throw-away uid (one per parallel slot, no capabilities)
  so that nothing in the sandbox is root on the host and the slots cannot signal each other;
* writable: only a private, size-limited ``/tmp`` and an empty private ``HOME``; mounted first,
  so that they never hide what must be seen, wherever it lives (a checkout under ``/tmp`` or
  under a home folder);
* seeing, read-only, at their own paths: ``/usr`` and the few ``/etc`` files programs need;
  what the interpreter imports (:func:`interpreter_paths`: the Python installation, whether
  from the system, pyenv, uv or conda, the environment, every folder on its ``sys.path``, the
  course library); the runner script and the submission's staging folder. Not the
  instructor's home, the repository, the submissions, the output folder or the other
  submissions' folders.

The process-count limit (:data:`MAX_PROCESSES`) is applied by the runner inside the sandbox
(``RLIMIT_NPROC`` counts per user namespace, or per throw-away uid), the memory and file-size
limits by the caller. When the sandbox cannot start, :func:`check_available` says which step
failed and the path involved.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from exercises.tools import ROOT

RUNNER = Path(__file__).with_name("runner.py")
#: Processes of one submission's sandbox (its runner and kernel included) at which all are
#: killed, status `error`.
MAX_PROCESSES = 64
# Where the pieces appear inside the sandbox.
GRADING = "/grading"  # the staging folder: the stripped notebook, the probes (read-only)
RUNNER_IN_SANDBOX = "/opt/grader/runner.py"
HOME = "/home/student"
TMP = "/tmp"
# Throw-away uids for the parallel slots when the grader runs as root (no account uses them).
FIRST_UID = 2_000_000_000
ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "alternatives",
    "fonts",
    "mime.types",
    "nsswitch.conf",
)
SYSTEM_FILES = ("hosts", "passwd", "group")
#: What the runner and the kernel import, checked inside the sandbox by check_available.
RUNNER_MODULES = ("nbformat", "nbclient", "ipykernel", "jupyter_client", "zmq", "numpy")

HELP = """\
make grade runs every submission in a bubblewrap sandbox (no network, no access to your \
files), and that sandbox cannot start on this machine: {reason}. \
{advice}To grade without any sandbox anyway (the submissions' code then runs as you, with \
your files and your network, and could change its own grade files), run \
`make grade ... SANDBOX=none`: every row is then marked `unsandboxed`."""

INSTALL = (
    "On Debian or Ubuntu install it with `sudo apt-get install bubblewrap` (Fedora: `sudo dnf "
    "install bubblewrap`; `make setup` does it when run as root). On macOS or Windows there is "
    "no bubblewrap: grade on a Linux machine or virtual machine. "
)
USERNS = (
    "Unprivileged user namespaces are what bubblewrap needs. On Ubuntu 23.10 and later (24.04 "
    "included) AppArmor restricts them: `sudo sysctl -w "
    "kernel.apparmor_restrict_unprivileged_userns=0` lifts that (add the line "
    "`kernel.apparmor_restrict_unprivileged_userns=0` to /etc/sysctl.d/60-userns.conf to keep "
    "it), or install an AppArmor profile for /usr/bin/bwrap as in "
    "/etc/apparmor.d/bwrap-userns-restrict. Elsewhere: `sudo sysctl -w "
    "kernel.unprivileged_userns_clone=1` or `sudo sysctl -w user.max_user_namespaces=15000`. "
)


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here (the message: which step failed, the path, what to do)."""


def is_root() -> bool:
    return os.geteuid() == 0


def _unavailable(reason: str, advice: str = "") -> SandboxUnavailable:
    return SandboxUnavailable(HELP.format(reason=reason, advice=advice))


# ---------------------------------------------------------------------------- what is shown


_DISCOVER = """\
import importlib.util, json, os, sys, sysconfig
paths = [("the Python installation", sys.base_prefix), ("the Python environment", sys.prefix),
         ("the Python interpreter", os.path.dirname(os.path.realpath(sys.executable)))]
paths += [("a folder Python imports from", p) for p in sys.path if p and os.path.isdir(p)]
paths += [("the Python standard library", sysconfig.get_paths()[k])
          for k in ("stdlib", "platstdlib", "purelib", "platlib")]
spec = importlib.util.find_spec("scratchlib")
if spec is not None and spec.submodule_search_locations:
    paths += [("the course library", p) for p in spec.submodule_search_locations]
print(json.dumps(paths))
"""


def interpreter_paths(python: str = sys.executable, env: dict | None = None) -> list[tuple]:
    """(what, path) for everything the interpreter imports from, asked of a fresh interpreter
    started as the runner is (its own sys.path, the installation its environment comes from,
    whatever .pth files add, the course library), minus the repository's other folders."""
    proc = subprocess.run(
        [python, "-c", _DISCOVER],
        capture_output=True,
        text=True,
        cwd="/",
        env=env if env is not None else {"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"},
        timeout=120,
    )
    if proc.returncode != 0:
        raise _unavailable(
            f"asking the Python interpreter {python} what it imports failed: "
            + (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        )
    found = [(what, Path(p)) for what, p in json.loads(proc.stdout)]
    # a folder reached through a symlink is shown at its real path too (a kernel spec, a
    # venv's python, name the real one)
    found += [(what, Path(os.path.realpath(p))) for what, p in found]
    env_prefix = next(p for what, p in found if what == "the Python environment")
    kept: list[tuple[str, Path]] = []
    for what, path in sorted(found, key=lambda wp: len(wp[1].parts)):
        if path == Path("/") or not path.exists() or path.is_relative_to("/usr"):
            continue
        if path.is_relative_to(ROOT) and not (
            path.is_relative_to(env_prefix) or what == "the course library"
        ):
            continue  # the repository itself, its tests/: never shown
        if any(path.is_relative_to(k) for _, k in kept):
            continue
        kept.append((what, path))
    return kept


def stage(staging: Path, slot: int) -> None:
    """Write the sandbox's own /etc/hosts, /etc/passwd and /etc/group into staging."""
    uid = FIRST_UID + slot if is_root() else 65534
    files = {
        "hosts": "127.0.0.1 localhost\n::1 localhost\n",
        "passwd": f"student:x:{uid}:{uid}:student:{HOME}:/usr/sbin/nologin\n",
        "group": f"student:x:{uid}:\n",
    }
    for name, text in files.items():
        (staging / name).write_text(text)
        (staging / name).chmod(0o644)


def _namespaces() -> list[str]:
    cmd = [shutil.which("bwrap") or "bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc"]
    cmd += ["--unshare-uts", "--unshare-cgroup-try", "--new-session", "--die-with-parent"]
    cmd += ["--clearenv"]
    if not is_root():
        cmd += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    return cmd


def _system() -> tuple[list[str], list[tuple[str, str, str]]]:
    """The symlinks (/bin -> usr/bin, ...) and binds of the system's own files."""
    links, binds = [], [("the system's /usr", "/usr", "/usr")]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        top = Path("/", name)
        if top.is_symlink():
            links += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            binds.append((f"the system's {top}", str(top), str(top)))
    binds += [
        (f"the system file /etc/{n}", f"/etc/{n}", f"/etc/{n}")
        for n in ETC_FILES
        if Path("/etc", n).exists()
    ]
    return links, binds


def _drop_root(slot: int) -> tuple[list[str], list[str]]:
    """(bwrap options, command prefix) that make a root grader's sandbox run as a throw-away
    uid without capabilities (bwrap keeps only those setpriv needs, setpriv drops them all)."""
    if not is_root():
        return [], []
    uid = str(FIRST_UID + slot)
    caps = ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    prefix = ["setpriv", "--reuid", uid, "--regid", uid, "--clear-groups"]
    prefix += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return caps, prefix


def wrap(
    argv: list[str],
    *,
    staging: Path,
    slot: int,
    env: dict[str, str],
    shown: list[tuple[str, Path]],
    tmp_mb: int = 256,
    home_mb: int = 64,
) -> list[str]:
    """The bwrap command line that runs argv in the sandbox (cwd: /tmp, the private tmpfs).

    staging: a folder prepared by `stage`, shown read-only at /grading; shown: what the
    interpreter imports (:func:`interpreter_paths`), shown read-only at the same paths."""
    for what, path in shown:
        if Path(TMP).is_relative_to(path) or Path(HOME).is_relative_to(path):
            raise _unavailable(
                f"{what} {path} is, or holds, the sandbox's own writable folder "
                f"{TMP if Path(TMP).is_relative_to(path) else HOME}",
                "Move it (or the checkout) elsewhere. ",
            )
    cmd = _namespaces()
    links, binds = _system()
    binds += [(what, str(p), str(p)) for what, p in shown]
    binds += [("the sandbox's " + n, str(staging / n), f"/etc/{n}") for n in SYSTEM_FILES]
    binds += [("the staging folder", str(staging), GRADING)]
    binds += [("the runner", str(RUNNER), RUNNER_IN_SANDBOX)]
    # The writable places first, then every read-only mount, parents before children: a
    # tmpfs mounted later would hide what was mounted under it.
    mounts = [(TMP, ["--perms", "1777", "--size", str(tmp_mb * 2**20), "--tmpfs", TMP])]
    mounts += [(HOME, ["--perms", "0777", "--size", str(home_mb * 2**20), "--tmpfs", HOME])]
    mounts += [(dst, ["--ro-bind", src, dst]) for _, src, dst in binds]
    cmd += links
    made = {"/"}
    for dst, args in sorted(mounts, key=lambda m: len(Path(m[0]).parts)):
        # bwrap would create missing mount points' parents 0700 (unreadable for the sandbox)
        for parent in reversed(Path(dst).parents):
            if str(parent) not in made:
                cmd += ["--perms", "0755", "--dir", str(parent)]
                made.add(str(parent))
        cmd += args
        made.add(dst)
    cmd += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/", "--chdir", TMP]
    for key, value in {**env, "HOME": HOME, "TMPDIR": TMP, "USER": "student"}.items():
        cmd += ["--setenv", key, value]
    caps, prefix = _drop_root(slot)
    cmd[1:1] = caps
    return [*cmd, "--", *prefix, *argv]


def hide_arguments(cmd: list[str]) -> tuple[list[str], int]:
    """The same bwrap command with its arguments read from a pipe (``--args FD``), so that
    the sandbox's /proc/1/cmdline shows no path of the host; returns (command, fd to pass).
    """
    end = cmd.index("--")  # the command itself must stay on the command line
    read_fd, write_fd = os.pipe()
    with os.fdopen(write_fd, "wb") as f:  # a few kB: fits in the pipe's buffer
        f.write(b"".join(arg.encode() + b"\0" for arg in cmd[1:end]))
    return [cmd[0], "--args", str(read_fd), *cmd[end:]], read_fd


# ------------------------------------------------------------------------- can it start here


def _sysctl(path: str) -> str | None:
    try:
        return Path("/proc/sys", path).read_text().strip()
    except OSError:
        return None


def _namespace_facts() -> str:
    """What this machine's settings say about unprivileged user namespaces (facts, not
    guesses: only the settings that exist and forbid them)."""
    facts = []
    if _sysctl("kernel/apparmor_restrict_unprivileged_userns") == "1":
        facts.append("AppArmor restricts them (kernel.apparmor_restrict_unprivileged_userns = 1)")
    if _sysctl("kernel/unprivileged_userns_clone") == "0":
        facts.append("they are disabled (kernel.unprivileged_userns_clone = 0)")
    if _sysctl("user/max_user_namespaces") == "0":
        facts.append("none are allowed (user.max_user_namespaces = 0)")
    return "; on this machine " + " and ".join(facts) if facts else ""


def _last_line(text: str, fallback: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else fallback


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


_CHECK = """\
import importlib, json, os, sys
out = {"missing": [p for p in sys.argv[1:] if not os.path.exists(p)], "imports": {}}
for name in %r:
    try:
        importlib.import_module(name)
    except Exception as e:
        out["imports"][name] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"""


def check_available(
    env: dict[str, str] | None = None, shown: list[tuple[str, Path]] | None = None
) -> None:
    """Raise SandboxUnavailable unless a sandbox starts here and shows the runner what it
    imports. The message names the step that failed (creating the namespaces, dropping root
    with setpriv, mounting one of the paths, starting the interpreter, importing the runner's
    modules) and the path involved."""
    if sys.platform != "linux":
        raise _unavailable(f"this is {sys.platform}, not Linux", INSTALL)
    if shutil.which("bwrap") is None:
        raise _unavailable("the `bwrap` program (bubblewrap) is not installed", INSTALL)
    if is_root() and shutil.which("setpriv") is None:
        raise _unavailable(
            "dropping root needs `setpriv` (util-linux), which is not installed",
            "Install util-linux (`apt-get install util-linux`). ",
        )
    env = {"PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1"} if env is None else env
    shown = interpreter_paths(sys.executable, env) if shown is None else shown
    links, binds = _system()
    base = _namespaces() + links
    for _, src, dst in binds:
        base += ["--ro-bind", src, dst]
    base += ["--proc", "/proc", "--dev", "/dev"]
    step = "creating a user namespace" if not is_root() else "creating the sandbox's namespaces"
    proc = _run([*base, "--", "/usr/bin/true"])
    if proc.returncode != 0:
        why = _last_line(proc.stderr, f"exit status {proc.returncode}")
        raise _unavailable(f"{step} failed: bwrap says: {why}{_namespace_facts()}", USERNS)
    caps, prefix = _drop_root(0)
    if prefix:
        proc = _run([base[0], *caps, *base[1:], "--", *prefix, "/usr/bin/true"])
        if proc.returncode != 0:
            why = _last_line(proc.stderr, f"exit status {proc.returncode}")
            raise _unavailable(f"dropping root with setpriv failed: {why}")
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        staging.chmod(0o755)
        stage(staging, 0)
        paths = [str(p) for _, p in shown]
        argv = [sys.executable, "-c", _CHECK % (RUNNER_MODULES,), *paths]
        cmd = wrap(argv, staging=staging, slot=0, env=env, shown=shown)
        proc = _run(cmd)
    if proc.returncode != 0 and not proc.stdout.strip():
        why = _last_line(proc.stderr, f"exit status {proc.returncode}")
        starting = "execvp" in why or "failed to execute" in why or sys.executable in why
        for what, path in shown:
            if str(path) in why and not starting:
                raise _unavailable(f"mounting {what} {path} failed: bwrap says: {why}")
        if proc.stderr.lstrip().startswith("bwrap:") and not starting:
            raise _unavailable(f"setting up the sandbox's mounts failed: bwrap says: {why}")
        raise _unavailable(
            f"starting the Python interpreter {sys.executable} inside the sandbox failed: "
            f"{why} (the sandbox shows {', '.join(paths) or 'no Python folder'})"
        )
    try:
        found = json.loads(proc.stdout)
    except ValueError:
        raise _unavailable(
            f"the sandbox's check program printed no result: {_last_line(proc.stderr, '?')}"
        ) from None
    for what, path in shown:
        if str(path) in found["missing"]:
            raise _unavailable(f"{what} {path} is not visible inside the sandbox")
    for name, error in found["imports"].items():
        raise _unavailable(
            f"importing {name} inside the sandbox failed ({error}); the sandbox shows "
            f"{', '.join(paths)}",
            "Install the grading packages in the Python environment (`make setup`). ",
        )
