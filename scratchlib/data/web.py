"""One URL into one file: the timeouts, the progress bar, the byte count, and why it failed.

A mirror that cannot be reached is given ``$SCRATCHLIB_CONNECT_TIMEOUT`` seconds to accept the
connection (default 10) and then ``$SCRATCHLIB_READ_TIMEOUT`` seconds for each read (default
30). A download is written all at once (:func:`scratchlib.files.atomic_write`): a body shorter
than its ``Content-Length``, a timeout or an interrupt leaves nothing behind.
"""

from __future__ import annotations

import http.client
import os
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from scratchlib.data.errors import DatasetError
from scratchlib.files import atomic_write

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "Settings",
    "describe",
    "fetch",
    "host_failed",
]

#: Seconds a mirror has to accept the connection (``$SCRATCHLIB_CONNECT_TIMEOUT``).
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds a connected mirror may stay silent during a read (``$SCRATCHLIB_READ_TIMEOUT``).
DEFAULT_READ_TIMEOUT = 30.0

_CHUNK = 1 << 16


class _ConnectTimeout(OSError):
    """The mirror did not accept the connection within the connect timeout."""


def _connection(base: type[http.client.HTTPConnection], read_timeout: float):
    class Connection(base):
        """Connect within ``timeout`` (the connect timeout), then allow ``read_timeout``."""

        def connect(self) -> None:
            try:
                super().connect()
            except TimeoutError as exc:
                raise _ConnectTimeout(str(exc)) from exc
            self.sock.settimeout(read_timeout)

    return Connection


def _opener(read_timeout: float) -> urllib.request.OpenerDirector:
    http_conn = _connection(http.client.HTTPConnection, read_timeout)
    https_conn = _connection(http.client.HTTPSConnection, read_timeout)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_conn, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_conn, req, context=self._context)

    return urllib.request.build_opener(HTTPHandler(), HTTPSHandler())


def _seconds(variable: str, default: float) -> float:
    env = os.environ.get(variable)
    try:
        value = float(env) if env else default
    except ValueError:
        value = -1.0
    if not value > 0:
        raise DatasetError(f"${variable} must be a number of seconds > 0, found {env!r}.")
    return value


@dataclass
class Settings:
    """The two timeouts, in seconds, and the opener that applies them."""

    connect: float
    read: float
    opener: urllib.request.OpenerDirector

    @classmethod
    def from_environment(cls) -> Settings:
        """Read ``$SCRATCHLIB_READ_TIMEOUT`` and ``$SCRATCHLIB_CONNECT_TIMEOUT``."""
        read = _seconds("SCRATCHLIB_READ_TIMEOUT", DEFAULT_READ_TIMEOUT)
        connect = _seconds("SCRATCHLIB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)
        return cls(connect, read, _opener(read))


def _progress(total: int | None, dest: Path):
    """A tqdm bar naming the destination if tqdm is installed, else one line per file."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _PlainProgress(dest)
    return tqdm(total=total, desc=f"{dest.parent.name}/{dest.name}", unit="B", unit_scale=True)


class _PlainProgress:
    def __init__(self, dest: Path) -> None:
        self.dest, self.size = dest, 0

    def update(self, n: int) -> None:
        self.size += n

    def close(self) -> None:
        print(f"{self.dest.parent.name}/{self.dest.name}: {self.size / 1e6:.1f} MB", flush=True)


def fetch(url: str, dest: Path, settings: Settings) -> None:
    """Download ``url`` into ``dest`` atomically; raise on any failure (nothing left)."""

    def copy(out) -> None:
        with settings.opener.open(url, timeout=settings.connect) as r:
            length = r.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            bar = _progress(total, dest)
            size = 0
            try:
                while chunk := r.read(_CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
                    size += len(chunk)
            except http.client.IncompleteRead as exc:
                size += len(exc.partial)
            finally:
                bar.close()
        if total is not None and size != total:
            raise DatasetError(f"truncated: got {size} of {total} bytes")

    atomic_write(dest, copy)


def describe(exc: BaseException, settings: Settings) -> str:
    """One short line saying why a download failed."""
    if isinstance(exc, DatasetError):
        return exc.reason
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, _ConnectTimeout):
        return (
            f"no connection within {settings.connect:g} s "
            f"(raise $SCRATCHLIB_CONNECT_TIMEOUT on a slow network)"
        )
    if isinstance(reason, TimeoutError):
        return f"no data for {settings.read:g} s (raise $SCRATCHLIB_READ_TIMEOUT on a slow network)"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot connect ({reason.strerror})"
    return str(reason) or type(reason).__name__


def host_failed(exc: BaseException) -> bool:
    """Whether the mirror itself failed (no connection, timeout), not just this file."""
    if isinstance(exc, urllib.error.HTTPError):
        return False
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))
