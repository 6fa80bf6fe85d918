"""The bubblewrap sandbox that every submission is graded in (see exercises/README.md).

``wrap(argv, ...)`` turns a command into a ``bwrap`` command line that runs it:

* with its own network namespace (no network, only its own loopback), PID namespace, IPC and
  UTS namespaces, in a new session, killed when the grader dies (``--die-with-parent``);
* as an unprivileged user: without root, inside a user namespace as uid 65534 (the grader's
  user outside); started by root, as a throw-away uid (one per parallel slot, no capabilities)
  so that nothing in the sandbox is root on the host and the slots cannot signal each other;
* seeing only: ``/usr`` and the few ``/etc`` files programs need, read-only; the Python
  environment and the library read-only at their own paths; the runner script and the
  submission's staging folder (the notebook and this assignment's autograder zip) read-only;
  a private, size-limited ``/tmp`` and an empty private ``HOME``, the only writable places.
  Not the instructor's home, the repository, the submissions, the output folder or the other
  submissions' folders.

The process-count limit is set by the runner inside the sandbox (``RLIMIT_NPROC`` counts per
user namespace, or per throw-away uid), the memory and file-size limits by the caller.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("runner.py")
# Where the pieces appear inside the sandbox.
GRADING = "/grading"  # the staging folder: submission.ipynb, autograder.zip (read-only)
RUNNER_IN_SANDBOX = "/opt/grader/runner.py"
HOME = "/home/student"
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

UNAVAILABLE = """\
make grade runs every submission in a bubblewrap sandbox (no network, no access to your \
files), and that sandbox cannot start on this machine: {reason}. \
On Debian or Ubuntu install it with `sudo apt-get install bubblewrap` (Fedora: `sudo dnf \
install bubblewrap`; `make setup` does it when run as root). If bwrap is installed but \
cannot create a user namespace, unprivileged user namespaces are disabled: on Ubuntu 23.10 \
and later (24.04 included) AppArmor restricts them, which `sudo sysctl -w \
kernel.apparmor_restrict_unprivileged_userns=0` lifts (add that line to \
/etc/sysctl.d/60-userns.conf to keep it), or install an AppArmor profile for /usr/bin/bwrap \
as in /etc/apparmor.d/bwrap-userns-restrict; elsewhere set `sysctl -w \
kernel.unprivileged_userns_clone=1` or `user.max_user_namespaces=15000`. On macOS or \
Windows there is no bubblewrap: grade in Docker instead (`otter grade -a \
exercises/autograder/<name>.zip --no-network -o OUT SUBMISSIONS`) or on Gradescope. To grade \
without any sandbox anyway (the submissions' code then runs as you, with your files and your \
network), run `make grade ... SANDBOX=none`: every row is then marked `unsandboxed`."""


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create its namespaces here (message: what to do)."""


def is_root() -> bool:
    return os.geteuid() == 0


def _readonly_paths() -> list[Path]:
    """What the runner needs to read: the Python installation, the venv, the library."""
    paths = [Path(sys.base_prefix), Path(sys.prefix), ROOT / "scratchlib"]
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.append(Path(sysconfig.get_paths()[key]))
    # the interpreter's real location (a venv's python is a symlink to it)
    paths.append(Path(os.path.realpath(sys.executable)).parent)
    kept: list[Path] = []
    for p in sorted({p for p in paths if p.exists()}, key=lambda p: len(p.parts)):
        if p == Path("/") or any(p.is_relative_to(k) for k in kept):
            continue
        kept.append(p)
    return kept


SYSTEM_FILES = ("hosts", "passwd", "group")


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


def wrap(
    argv: list[str],
    *,
    staging: Path,
    slot: int,
    env: dict[str, str],
    tmp_mb: int = 256,
    home_mb: int = 64,
) -> list[str]:
    """The bwrap command line that runs argv in the sandbox (cwd: /tmp, the private tmpfs).

    staging: a folder prepared by `stage`, shown read-only at /grading."""
    bwrap = shutil.which("bwrap") or "bwrap"
    cmd = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts"]
    cmd += ["--unshare-cgroup-try", "--new-session", "--die-with-parent", "--clearenv"]
    if not is_root():
        cmd += ["--unshare-user", "--uid", "65534", "--gid", "65534"]
    binds = [("/usr", "/usr")]
    links = []
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        top = Path("/", name)
        if top.is_symlink():
            links += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            binds.append((str(top), str(top)))
    binds += [(f"/etc/{n}", f"/etc/{n}") for n in ETC_FILES if Path("/etc", n).exists()]
    binds += [(str(p), str(p)) for p in _readonly_paths() if not p.is_relative_to("/usr")]
    binds += [(str(staging / name), f"/etc/{name}") for name in SYSTEM_FILES]
    binds += [(str(staging), GRADING), (str(RUNNER), RUNNER_IN_SANDBOX)]
    # bwrap would create the mount points' parents 0700 (unreadable for the sandbox's user)
    parents = sorted({str(a) for _, dst in binds for a in Path(dst).parents if str(a) != "/"})
    for parent in sorted(parents, key=lambda p: p.count("/")):
        cmd += ["--perms", "0755", "--dir", parent]
    cmd += links
    for src, dst in binds:
        cmd += ["--ro-bind", src, dst]
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    cmd += ["--perms", "1777", "--size", str(tmp_mb * 2**20), "--tmpfs", "/tmp"]
    cmd += ["--perms", "0777", "--size", str(home_mb * 2**20), "--tmpfs", HOME]
    cmd += ["--remount-ro", "/"]
    cmd += ["--chdir", "/tmp"]
    for key, value in {**env, "HOME": HOME, "TMPDIR": "/tmp", "USER": "student"}.items():
        cmd += ["--setenv", key, value]
    cmd.append("--")
    if is_root():
        uid = str(FIRST_UID + slot)
        cmd += ["setpriv", "--reuid", uid, "--regid", uid, "--clear-groups"]
        cmd += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        # bwrap keeps only the capabilities setpriv needs, setpriv drops them all
        caps = ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
        cmd[1:1] = caps
    return [*cmd, *argv]


def hide_arguments(cmd: list[str]) -> tuple[list[str], int]:
    """The same bwrap command with its arguments read from a pipe (``--args FD``), so that
    the sandbox's /proc/1/cmdline shows no path of the host; returns (command, fd to pass).
    """
    end = cmd.index("--")  # the command itself must stay on the command line
    read_fd, write_fd = os.pipe()
    with os.fdopen(write_fd, "wb") as f:  # a few kB: fits in the pipe's buffer
        f.write(b"".join(arg.encode() + b"\0" for arg in cmd[1:end]))
    return [cmd[0], "--args", str(read_fd), *cmd[end:]], read_fd


def check_available() -> None:
    """Raise SandboxUnavailable (with what to do) unless a sandbox starts here."""
    if sys.platform != "linux":
        raise SandboxUnavailable(UNAVAILABLE.format(reason=f"this is {sys.platform}, not Linux"))
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable(UNAVAILABLE.format(reason="the `bwrap` program is not installed"))
    if is_root() and shutil.which("setpriv") is None:
        raise SandboxUnavailable(
            UNAVAILABLE.format(reason="`setpriv` (util-linux) is missing to drop root")
        )
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        staging.chmod(0o755)
        stage(staging, 0)
        cmd = wrap([sys.executable, "-c", "pass"], staging=staging, slot=0, env={})
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        why = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise SandboxUnavailable(UNAVAILABLE.format(reason=f"bwrap says: {why}"))
