"""Tests of scratchlib.data: IDX parsing, locations, downloads from a local server, caches.

No internet: the mirrors are a local HTTP server on 127.0.0.1 serving generated IDX fixtures,
with one base URL per failure mode (404, corrupted bytes, other content, truncated body, stall)
and per container (the fixtures recompressed, xz, uncompressed).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import http.server
import importlib.util
import inspect
import json
import lzma
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import imported_names

import scratchlib
from scratchlib import data
from scratchlib.data import cli, idx, loaders, registry, verify, web

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
# ../shared/data/mnist-test beside the clone (or beside a folder holding it, for worktrees)
MNIST_TEST_DIR = next(
    (
        p / "shared" / "data" / "mnist-test"
        for p in Path(__file__).resolve().parents[2:]
        if (p / "shared" / "data" / "mnist-test").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist-test",
)
PACKAGE_DIR = Path(scratchlib.__file__).resolve().parent
TIMEOUT = 0.5  # seconds, for the stalling mirror


# --------------------------------------------------------------------------- IDX fixtures

_IDX_CODES = {"|u1": 0x08, "|i1": 0x09, ">i2": 0x0B, ">i4": 0x0C, ">f4": 0x0D, ">f8": 0x0E}


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode an array as an (uncompressed) IDX file."""
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    code = _IDX_CODES[dtype.str]
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.astype(dtype).tobytes()


def make_fixtures(n_train: int = 60, n_test: int = 20, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def gz(array: np.ndarray) -> bytes:
    return gzip.compress(idx_bytes(array), mtime=0)


def write_dataset(folder: Path, arrays: dict[str, np.ndarray]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        (folder / name).write_bytes(gz(array))
    return folder


def md5(blob: bytes) -> str:
    return hashlib.md5(blob).hexdigest()


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def content_sums(arrays: dict[str, np.ndarray]) -> dict[str, str]:
    """base name -> SHA-256 of the decompressed IDX bytes (what the loader verifies)."""
    return {name.removesuffix(".gz"): sha256(idx_bytes(a)) for name, a in arrays.items()}


@pytest.fixture(scope="module")
def arrays() -> dict[str, np.ndarray]:
    return make_fixtures()


@pytest.fixture(scope="module")
def blobs(arrays) -> dict[str, bytes]:
    return {name: gz(a) for name, a in arrays.items()}


# --------------------------------------------------------------------------- local mirrors

OTHER_CONTENT = np.zeros(4, np.uint8)  # what the "other" mirror serves for every file


def corrupted(blob: bytes) -> bytes:
    """What the "corrupt" mirror serves: one byte in the middle flipped."""
    bad = bytearray(blob)
    bad[len(bad) // 2] ^= 0xFF
    return bytes(bad)


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/<mode>/<file>``; mode is good, slow, missing, corrupt, other, truncated, stall,
    and for the containers: recompressed (gzip level 1, another header), xz, raw."""

    def do_GET(self) -> None:
        srv = self.server
        mode, _, name = self.path.strip("/").partition("/")
        srv.log.append((mode, name))
        body = srv.blobs.get(name)
        try:
            if mode == "missing" or body is None:
                self.send_error(404)
            elif mode == "stall":
                srv.release.wait(10 * TIMEOUT)  # never answers within the timeout
            elif mode == "corrupt":
                self._send(corrupted(body))
            elif mode == "other":  # a valid file of other content
                self._send(gz(OTHER_CONTENT))
            elif mode == "truncated":
                self._send(body, length=len(body) + 1000)
            elif mode in ("recompressed", "xz", "raw"):
                self._send(srv.containers[mode][name])
            else:
                self._send(body, delay=0.002 if mode == "slow" else 0.0)
        except OSError:  # the client gave up (timeout): nothing to do
            pass

    def _send(self, body: bytes, length: int | None = None, delay: float = 0.0) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length or len(body)))
        self.end_headers()
        for start in range(0, len(body), 4096):
            self.wfile.write(body[start : start + 4096])
            if delay:
                time.sleep(delay)
        self.close_connection = True

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def server(blobs):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.blobs, srv.log, srv.release = blobs, [], threading.Event()
    contents = {name: gzip.decompress(blob) for name, blob in blobs.items()}
    srv.containers = {
        "recompressed": {
            n: gzip.compress(c, compresslevel=1, mtime=9) for n, c in contents.items()
        },
        "xz": {n: lzma.compress(c) for n, c in contents.items()},
        "raw": contents,
    }
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.release.set()
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, arrays, blobs):
    """Never touch the real user cache; fixture checksums; a short timeout; no Debian dir."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SCRATCHLIB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("SCRATCHLIB_READ_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("SCRATCHLIB_CONNECT_TIMEOUT", str(TIMEOUT))
    monkeypatch.delenv("SCRATCHLIB_MNIST_MIRRORS", raising=False)
    monkeypatch.delenv("SCRATCHLIB_FASHION_MNIST_MIRRORS", raising=False)
    gz_sums = {name.removesuffix(".gz"): md5(blob) for name, blob in blobs.items()}
    for dataset in ("mnist", "fashion-mnist"):
        patch_dataset(monkeypatch, dataset, content_sha256=content_sums(arrays), gz_md5=gz_sums)
    patch_dataset(monkeypatch, "fashion-mnist", system_dirs=(tmp_path / "deb",))


def patch_dataset(monkeypatch, name: str, **fields) -> None:
    """Replace fields of a dataset's record (its checksums, its system folders) for one test."""
    spec = dataclasses.replace(registry.DATASETS[name], **fields)
    monkeypatch.setitem(registry.DATASETS, name, spec)


def leftovers(folder: Path) -> list[str]:
    """Files that are neither a complete dataset file, the lock nor a parsed cache."""
    allowed = set(FILES) | {".lock"}
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name not in allowed and not (p.name.startswith("parsed-") and p.suffix == ".npz")
    )


# --------------------------------------------------------------------------- API and read_idx


def test_public_names():
    """The names the chapters import, the same objects from ``scratchlib`` and from
    ``scratchlib.data``, and both loaders with the book's arguments and defaults."""
    assert set(data.__all__) == {
        "load_mnist",
        "load_fashion_mnist",
        "FASHION_MNIST_CLASSES",
        "DatasetError",
        "read_idx",
    }
    for name in data.__all__:
        assert getattr(scratchlib, name) is getattr(data, name), name
    assert len(data.FASHION_MNIST_CLASSES) == 10
    assert data.FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert issubclass(data.DatasetError, Exception)
    book = {"normalize": True, "flatten": True, "one_hot_label": False}  # dataset.mnist.load_mnist
    for loader in (data.load_mnist, data.load_fashion_mnist):
        params = list(inspect.signature(loader).parameters.values())
        assert {p.name: p.default for p in params[:3]} == book, loader.__name__
        assert all(p.kind is p.POSITIONAL_OR_KEYWORD for p in params[:3]), loader.__name__
        assert [(p.name, p.kind) for p in params[3:]] == [
            ("data_home", inspect.Parameter.KEYWORD_ONLY),
            ("download", inspect.Parameter.KEYWORD_ONLY),
            ("mirrors", inspect.Parameter.KEYWORD_ONLY),
        ], loader.__name__


def _package_imports(path: Path) -> set[str]:
    """The modules of scratchlib.data that the module at ``path`` imports."""
    prefix = "scratchlib.data."
    return {
        n.removeprefix(prefix).split(".")[0] for n in imported_names(path) if n.startswith(prefix)
    }


def test_each_module_of_the_package_imports_only_those_above_it():
    """The package docstring lists its modules in order; each imports only modules listed above
    it (so the package reads bottom-up, and no import cycle can form)."""
    listed = re.findall(r"^- :mod:`scratchlib\.data\.(\w+)`", data.__doc__, re.M)
    folder = Path(data.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__"}
    assert sorted(listed) == sorted(modules), (
        f"scratchlib/data/__init__.py's list of modules {listed} is not the folder's {sorted(modules)}"
    )
    for index, module in enumerate(listed):
        imports = _package_imports(folder / f"{module}.py")
        later = imports - set(listed[:index])
        assert not later, (
            f"scratchlib/data/{module}.py imports {sorted(later)}, listed after it in the "
            "package docstring: a module builds only on those above it"
        )


@pytest.mark.parametrize("compressed", [True, False])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([-5, 0, 7], dtype=np.int8),
        np.array([[1, -2], [300, -40000]], dtype=np.int32),
        np.array([1000, -2], dtype=np.int16),
        np.array([0.5, -1.25, 3e30], dtype=np.float32),
        np.array([np.pi], dtype=np.float64),
    ],
    ids=["uint8-3d", "int8", "int32-2d", "int16", "float32", "float64"],
)
def test_read_idx_roundtrip(tmp_path, array, compressed):
    raw = idx_bytes(array)
    path = tmp_path / "x.idx"
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    out = data.read_idx(path)
    np.testing.assert_array_equal(out, array)
    assert out.shape == array.shape
    assert out.dtype == array.dtype and out.dtype.isnative
    assert out.flags.writeable


_GOOD = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", ["0x000008nn..0x00000Enn"]),  # the magic numbers of IDX
        (b"\x00\x00\x08\x02\x00\x00\x00\x03", ["2 dimensions"]),
        (b"\x50\x4b\x03\x04" + _GOOD[4:], ["0x000008nn..0x00000Enn", "504b0304"]),  # a zip
        (_GOOD[:-1], ["11 of 12 bytes", "(3, 4)"]),
        (_GOOD + b"\x00", ["12 bytes", "(3, 4)"]),
        (gzip.compress(_GOOD)[:-12], []),  # the decompressor's own error, checked below
        (b"\x00\x00\x08\x03" + b"\xff" * 12, ["(4294967295, 4294967295, 4294967295)"]),
    ],
    ids=["empty", "short-header", "zip", "truncated", "extra", "bad-gzip", "huge"],
)
def test_read_idx_rejects_bad_files(tmp_path, content, expected):
    path = tmp_path / "bad-idx1-ubyte.gz"
    path.write_bytes(content)
    with pytest.raises(data.DatasetError) as info:
        data.read_idx(path)
    message = str(info.value)
    assert info.value.path == path and message.startswith(f"{path}: ")
    assert f"rm '{path}'" in message  # what to do
    assert info.value.reason in message and str(path) not in info.value.reason
    for fact in expected:
        assert fact in info.value.reason
    if content[:2] == b"\x1f\x8b":  # a file the decompressor refused: its words are kept
        with pytest.raises(EOFError) as refused:
            gzip.decompress(content)
        assert isinstance(info.value.__cause__, EOFError), info.value.__cause__
        assert str(refused.value) in info.value.reason


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(data.DatasetError, match="nope.gz"):
        data.read_idx(tmp_path / "nope.gz")


# --------------------------------------------------------------------------- local files


def test_load_local_folder_all_variants(tmp_path, arrays):
    home = write_dataset(tmp_path / "mine", arrays)
    x_img, x_lbl = arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"]
    t_img, t_lbl = arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]

    (x, t), (xt, tt) = data.load_mnist(data_home=home, download=False)
    assert x.shape == (60, 784) and x.dtype == np.float32
    assert xt.shape == (20, 784) and t.shape == (60,) and tt.shape == (20,)
    assert t.dtype == np.uint8
    np.testing.assert_array_equal(x, x_img.reshape(60, 784).astype(np.float32) / 255)
    np.testing.assert_array_equal(tt, t_lbl)
    assert x.min() >= 0.0 and x.max() <= 1.0

    (x, t), (xt, tt) = data.load_mnist(
        normalize=False, flatten=False, one_hot_label=True, data_home=home, download=False
    )
    assert x.shape == (60, 1, 28, 28) and x.dtype == np.uint8
    np.testing.assert_array_equal(x[:, 0], x_img)
    np.testing.assert_array_equal(xt[:, 0], t_img)
    assert t.shape == (60, 10) and t.dtype == np.float32
    np.testing.assert_array_equal(t.argmax(axis=1), x_lbl)
    np.testing.assert_array_equal(t.sum(axis=1), np.ones(60))


def test_files_in_dataset_subfolder_and_env(tmp_path, monkeypatch, arrays):
    write_dataset(tmp_path / "envdata" / "fashion-mnist", arrays)
    monkeypatch.setenv("SCRATCHLIB_DATA", str(tmp_path / "envdata"))
    (x, _), _ = data.load_fashion_mnist(normalize=False, download=False)
    np.testing.assert_array_equal(x.reshape(60, 28, 28), arrays["train-images-idx3-ubyte.gz"])


def test_debian_folder_is_used(tmp_path, arrays):
    write_dataset(tmp_path / "deb", arrays)  # the patched Debian folder
    (_, t), _ = data.load_fashion_mnist(download=False)
    np.testing.assert_array_equal(t, arrays["train-labels-idx1-ubyte.gz"])


def test_image_and_label_counts_must_agree(tmp_path, monkeypatch, arrays):
    bad = dict(arrays)
    bad["train-labels-idx1-ubyte.gz"] = arrays["train-labels-idx1-ubyte.gz"][:59]
    patch_dataset(monkeypatch, "mnist", content_sha256=content_sums(bad))
    home = write_dataset(tmp_path / "mine", bad)
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=home, download=False)
    message = str(info.value)
    assert "60 images" in message and "59 labels" in message
    assert str(home / "train-labels-idx1-ubyte.gz") in message


@pytest.mark.parametrize(
    ("name", "array", "expected"),
    [
        ("train-labels-idx1-ubyte.gz", np.full(60, 10, dtype=np.uint8), ["0..9", "found 10"]),
        (
            "t10k-images-idx3-ubyte.gz",
            np.zeros((20, 28, 27), np.uint8),
            ["(N, 28, 28)", "(20, 28, 27)"],
        ),
        ("t10k-labels-idx1-ubyte.gz", np.zeros(20, np.int32), ["uint8", "int32 (20,)"]),
    ],
)
def test_wrong_shapes_are_rejected(tmp_path, monkeypatch, arrays, name, array, expected):
    """Even with checksums that accept them (a dataset of one's own), shapes are checked."""
    bad = {**arrays, name: array}
    patch_dataset(monkeypatch, "mnist", content_sha256=content_sums(bad))
    home = write_dataset(tmp_path / "mine", bad)
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=home, download=False)
    assert info.value.path == home / name and str(info.value).startswith(f"{home / name}: ")
    for fact in expected:  # what was expected, what was found
        assert fact in info.value.reason


def test_local_file_with_other_content_is_rejected(tmp_path, arrays):
    other = arrays["t10k-labels-idx1-ubyte.gz"][::-1].copy()  # valid IDX, other labels
    home = write_dataset(tmp_path / "mine", {**arrays, "t10k-labels-idx1-ubyte.gz": other})
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=home, download=False)
    message = str(info.value)
    path = home / "t10k-labels-idx1-ubyte.gz"
    assert info.value.path == path and message.startswith(f"{path}: ")
    assert sha256(idx_bytes(other)) in message
    assert registry.DATASETS["mnist"].content_sha256["t10k-labels-idx1-ubyte"] in message
    assert f"rm '{path}'" in message


@pytest.mark.parametrize("container", ["recompressed", "xz", "raw", "raw-no-suffix"])
def test_local_copy_verifies_whatever_its_compression(tmp_path, arrays, container):
    home = tmp_path / "mine"
    home.mkdir()
    for name, array in arrays.items():
        content = idx_bytes(array)
        if container == "recompressed":
            content = gzip.compress(content, compresslevel=9, mtime=999)
        elif container == "xz":
            content = lzma.compress(content)
        target = name.removesuffix(".gz") if container == "raw-no-suffix" else name
        (home / target).write_bytes(content)
    (x, t), _ = data.load_mnist(normalize=False, data_home=home, download=False)
    np.testing.assert_array_equal(x.reshape(60, 28, 28), arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(t, arrays["train-labels-idx1-ubyte.gz"])


def test_official_gz_verifies_a_file_without_content_hash(tmp_path, monkeypatch, arrays):
    """MNIST's training images: only the publisher's .gz MD5 is known; a recompressed copy of
    that file cannot be verified and is refused with the MD5s."""
    sums = dict(registry.DATASETS["mnist"].content_sha256)
    sums["train-images-idx3-ubyte"] = None
    patch_dataset(monkeypatch, "mnist", content_sha256=sums)
    home = write_dataset(tmp_path / "mine", arrays)
    data.load_mnist(data_home=home, download=False)  # the official bytes: verified
    path = home / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(arrays[path.name]), compresslevel=1))
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=home, download=False)
    expected = registry.DATASETS["mnist"].gz_md5["train-images-idx3-ubyte"]
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_verification_is_remembered(tmp_path, arrays, monkeypatch):
    """The second load neither decompresses nor hashes: the parsed cache stands for both."""
    home = write_dataset(tmp_path / "mine", arrays)
    data.load_mnist(data_home=home, download=False)

    def no_verifying(*args):
        raise AssertionError("verified again")

    with monkeypatch.context() as m:
        m.setattr(idx, "read_idx_hashed", no_verifying)
        m.setattr(verify, "md5", no_verifying)
        data.load_mnist(data_home=home, download=False)
    # new checksums (another release of the table) invalidate the memory
    sums = {**registry.DATASETS["mnist"].content_sha256, "t10k-labels-idx1-ubyte": "0" * 64}
    patch_dataset(monkeypatch, "mnist", content_sha256=sums, gz_md5={})
    with pytest.raises(data.DatasetError, match="t10k-labels-idx1-ubyte"):
        data.load_mnist(data_home=home, download=False)


def test_offline_missing_lists_files_places_mirror_setting_and_apt(tmp_path, monkeypatch, arrays):
    home = tmp_path / "mine"
    write_dataset(home, {"t10k-labels-idx1-ubyte.gz": arrays["t10k-labels-idx1-ubyte.gz"]})
    monkeypatch.setenv("SCRATCHLIB_FASHION_MNIST_MIRRORS", "http://a.example/x, http://b.example/")
    with pytest.raises(data.DatasetError) as info:
        data.load_fashion_mnist(data_home=home, download=False)
    message = str(info.value)
    first = message.splitlines()[0]
    for name in FILES[:3]:
        assert name in first
    assert "t10k-labels" not in first
    for name in FILES[:3]:  # where to fetch them by hand: the publisher's files
        assert f"{registry.DATASETS['fashion-mnist'].mirrors[0]}{name}" in message
    for place in (home / "fashion-mnist", home, tmp_path / "deb"):
        assert str(place) in message
    assert (
        "SCRATCHLIB_FASHION_MNIST_MIRRORS" in message and "load_fashion_mnist(mirrors=" in message
    )
    assert "apt-get install dataset-fashion-mnist" in message
    assert not (home / "fashion-mnist").exists()  # offline: nothing created


# --------------------------------------------------------------------------- downloads


def _quiet(monkeypatch):
    """Plain progress lines instead of tqdm bars (which write to stderr)."""
    monkeypatch.setattr(web, "_progress", lambda total, dest: web._PlainProgress(dest))


def test_download_falls_back_in_order_with_one_quiet_line_each(
    tmp_path, server, blobs, capsys, monkeypatch
):
    _quiet(monkeypatch)
    bad = ["missing", "corrupt", "other", "truncated", "stall"]
    mirrors = [f"{server.url}/{mode}/" for mode in bad] + [f"{server.url}/good"]
    package_before = sorted((p, p.stat().st_mtime_ns) for p in PACKAGE_DIR.rglob("*"))

    (x, t), _ = data.load_mnist(normalize=False, mirrors=mirrors)

    folder = tmp_path / "data" / "mnist"
    for i, name in enumerate(FILES):
        assert md5((folder / name).read_bytes()) == md5(blobs[name])
        # a mirror that timed out is not asked again for the next files
        tried = [*bad, "good"] if i == 0 else [*bad[:-1], "good"]
        assert [mode for mode, n in server.log if n == name] == tried
    assert leftovers(folder) == []
    out, err = capsys.readouterr()
    assert err == ""  # nothing red in a notebook
    lines = out.splitlines()
    assert str(folder) in lines[0]
    fallbacks = [line for line in lines if line.startswith(server.url)]  # one per failed URL
    assert len(fallbacks) == 4 * len(bad) - 3
    for name in FILES:
        mine = [line.split(": ", 1)[1] for line in fallbacks if f"/{name}: " in line]
        assert mine[0].startswith("HTTP 404")
        broken = tmp_path / "broken" / name  # the corrupt mirror's file, read here
        broken.parent.mkdir(exist_ok=True)
        broken.write_bytes(corrupted(blobs[name]))
        with pytest.raises(data.DatasetError) as parsing:
            data.read_idx(broken)
        assert mine[1].startswith(parsing.value.reason)  # the parser's reason, without path
        base = name.removesuffix(".gz")
        assert sha256(idx_bytes(OTHER_CONTENT)) in mine[2]  # found, and expected:
        assert registry.DATASETS["mnist"].content_sha256[base] in mine[2]
        assert f"got {len(blobs[name])} of {len(blobs[name]) + 1000} bytes" in mine[3]
    (stall,) = [line for line in fallbacks if "/stall/" in line]
    assert f"{TIMEOUT:g} s" in stall and "SCRATCHLIB_READ_TIMEOUT" in stall
    assert sorted((p, p.stat().st_mtime_ns) for p in PACKAGE_DIR.rglob("*")) == package_before
    assert x.shape == (60, 784)


@pytest.mark.parametrize("mode", ["recompressed", "xz", "raw"])
def test_mirror_with_other_compression_verifies(tmp_path, server, arrays, mode):
    (x, t), _ = data.load_mnist(normalize=False, mirrors=[f"{server.url}/{mode}"])
    np.testing.assert_array_equal(x.reshape(60, 28, 28), arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(t, arrays["train-labels-idx1-ubyte.gz"])
    assert sorted(name for _, name in server.log) == sorted(FILES)  # each from the first mirror


def test_all_mirrors_fail(tmp_path, server, blobs):
    mirrors = [f"{server.url}/missing", f"{server.url}/truncated"]
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=tmp_path / "mine", mirrors=mirrors)
    message = str(info.value)
    assert "mnist" in message.splitlines()[0]
    for name in FILES:
        assert f"{server.url}/missing/{name}: HTTP 404" in message
        n = len(blobs[name])
        assert f"{server.url}/truncated/{name}: truncated: got {n} of {n + 1000} bytes" in message
    for setting in ("SCRATCHLIB_MNIST_MIRRORS", "load_mnist(mirrors=", "SCRATCHLIB_READ_TIMEOUT"):
        assert setting in message
    assert str(tmp_path / "mine" / "mnist") in message
    assert f"https://ossci-datasets.s3.amazonaws.com/mnist/{FILES[0]}" in message  # not the failed
    assert leftovers(tmp_path / "mine" / "mnist") == []
    assert not any((tmp_path / "mine" / "mnist" / name).exists() for name in FILES)


@pytest.fixture
def unanswering_port():
    """A listening socket whose backlog is full: new connections are never accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(listener.getsockname())
        fillers.append(c)
    time.sleep(0.05)
    yield listener.getsockname()[1]
    for c in fillers:
        c.close()
    listener.close()


def test_connect_timeout_names_its_setting_and_the_mirror_is_not_asked_again(
    tmp_path, unanswering_port, monkeypatch
):
    monkeypatch.setenv("SCRATCHLIB_CONNECT_TIMEOUT", "0.3")
    monkeypatch.setenv("SCRATCHLIB_READ_TIMEOUT", "5")
    attempts = []

    def counting(address, *args, **kwargs):
        attempts.append(address)
        return create_connection(address, *args, **kwargs)

    create_connection = socket.create_connection
    monkeypatch.setattr(socket, "create_connection", counting)
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(mirrors=[f"http://127.0.0.1:{unanswering_port}/"])
    assert attempts == [("127.0.0.1", unanswering_port)]  # one attempt, not one per file
    message = str(info.value)
    assert "0.3" in message and "SCRATCHLIB_CONNECT_TIMEOUT" in message
    assert all(name in message for name in FILES)


@pytest.mark.parametrize("variable", ["SCRATCHLIB_CONNECT_TIMEOUT", "SCRATCHLIB_READ_TIMEOUT"])
def test_bad_timeout_setting(server, monkeypatch, variable):
    monkeypatch.setenv(variable, "soon")
    with pytest.raises(data.DatasetError, match=f"{variable}.*soon|soon.*{variable}"):
        data.load_mnist(mirrors=[f"{server.url}/good"])


def test_mirrors_from_environment(tmp_path, server, monkeypatch):
    monkeypatch.setenv("SCRATCHLIB_MNIST_MIRRORS", f"{server.url}/missing,{server.url}/good/")
    data.load_mnist()
    assert [m for m, n in server.log if n == FILES[0]] == ["missing", "good"]
    assert (tmp_path / "data" / "mnist" / FILES[0]).is_file()


def test_default_cache_is_xdg(tmp_path, server, monkeypatch):
    monkeypatch.delenv("SCRATCHLIB_DATA")
    data.load_mnist(mirrors=[f"{server.url}/good"])
    assert sorted(p.name for p in (tmp_path / "xdg" / "scratchlib" / "mnist").glob("*.gz")) == (
        sorted(FILES)
    )


@pytest.mark.parametrize("with_tqdm", [True, False], ids=["tqdm", "no-tqdm"])
def test_progress_names_the_destination(tmp_path, server, monkeypatch, capsys, blobs, with_tqdm):
    """A tqdm bar per file, labelled with it; tqdm is optional: without it, one plain line per
    file with its size, and nothing on stderr."""
    if with_tqdm:
        assert importlib.util.find_spec("tqdm"), "tqdm (the book extra) is missing: make setup"
    else:
        monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # `from tqdm.auto import ...` fails
    monkeypatch.setenv("SCRATCHLIB_DATA", str(tmp_path / "dest"))
    data.load_mnist(mirrors=[f"{server.url}/good"])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert str(tmp_path / "dest" / "mnist") in lines[0]
    for name in FILES:
        if with_tqdm:
            assert f"mnist/{name}" in err  # tqdm's bar, labelled with the file
        else:
            assert f"mnist/{name}: {len(blobs[name]) / 1e6:.1f} MB" in lines
    assert (err == "") is not with_tqdm


def test_interrupted_download_leaves_no_partial_file(tmp_path, server, monkeypatch):
    class Interrupting:
        def update(self, n):
            raise KeyboardInterrupt

        def close(self):
            pass

    monkeypatch.setattr(web, "_progress", lambda total, dest: Interrupting())
    with pytest.raises(KeyboardInterrupt):
        data.load_mnist(mirrors=[f"{server.url}/good"])
    folder = tmp_path / "data" / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == [".lock"]


_CHILD = """
import dataclasses, hashlib, json, sys
from scratchlib import data
from scratchlib.data import registry
spec = registry.DATASETS["mnist"]
registry.DATASETS["mnist"] = dataclasses.replace(spec, content_sha256=json.loads(sys.argv[1]))
(x, t), (xt, tt) = data.load_mnist(data_home=sys.argv[2], mirrors=[sys.argv[3]])
print(hashlib.md5(x.tobytes() + t.tobytes() + xt.tobytes() + tt.tobytes()).hexdigest())
"""


def test_two_processes_load_at_once(tmp_path, server, blobs, arrays):
    sums = json.dumps(content_sums(arrays))
    home = tmp_path / "shared-home"
    args = [sys.executable, "-c", _CHILD, sums, str(home), f"{server.url}/slow"]
    env = {**os.environ, "SCRATCHLIB_READ_TIMEOUT": "10"}
    procs = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    x = arrays["train-images-idx3-ubyte.gz"].reshape(60, 784).astype(np.float32) / 255
    t = arrays["train-labels-idx1-ubyte.gz"]
    xt = arrays["t10k-images-idx3-ubyte.gz"].reshape(20, 784).astype(np.float32) / 255
    tt = arrays["t10k-labels-idx1-ubyte.gz"]
    expected = md5(x.tobytes() + t.tobytes() + xt.tobytes() + tt.tobytes())
    assert [out.splitlines()[-1] for out, _ in results] == [expected, expected]
    folder = home / "mnist"
    assert [str(folder) in out for out, _ in results].count(True) == 1  # one says it downloads
    assert leftovers(folder) == []
    for name in FILES:
        assert md5((folder / name).read_bytes()) == md5(blobs[name])
    assert len(list(folder.glob("parsed-*.npz"))) == 1
    assert sorted(name for _, name in server.log) == sorted(FILES)  # the lock: one download each


# --------------------------------------------------------------------------- parsed cache


def test_parsed_cache_is_used_and_results_are_private(tmp_path, arrays, monkeypatch):
    home = write_dataset(tmp_path / "mine", arrays)
    (x1, t1), _ = data.load_mnist(data_home=home, download=False)
    assert len(list((home / "mnist").glob("parsed-*.npz"))) == 1

    def no_parsing(path):
        raise AssertionError(f"parsed {path} again")

    with monkeypatch.context() as m:
        m.setattr(idx, "read_idx_hashed", no_parsing)
        (x2, t2), _ = data.load_mnist(data_home=home, download=False)
        np.testing.assert_array_equal(x2, x1)
        x2[:] = 7.0
        t2[:] = 3
        (x3, t3), _ = data.load_mnist(data_home=home, download=False)
    np.testing.assert_array_equal(x3, x1)
    np.testing.assert_array_equal(t3, t1)

    # A changed source file invalidates the parsed cache.
    new_labels = (arrays["train-labels-idx1-ubyte.gz"] + 1) % 10
    sums = content_sums({**arrays, "train-labels-idx1-ubyte.gz": new_labels})
    patch_dataset(monkeypatch, "mnist", content_sha256=sums)
    (home / FILES[1]).write_bytes(gz(new_labels))
    os.utime(home / FILES[1], ns=(1, 1))
    (_, t4), _ = data.load_mnist(data_home=home, download=False)
    np.testing.assert_array_equal(t4, new_labels)
    assert len(list((home / "mnist").glob("parsed-*.npz"))) == 1


def test_corrupt_parsed_cache_is_rebuilt(tmp_path, arrays):
    home = write_dataset(tmp_path / "mine", arrays)
    data.load_mnist(data_home=home, download=False)
    (cache,) = (home / "mnist").glob("parsed-*.npz")
    cache.write_bytes(cache.read_bytes()[:1000])
    (x, _), _ = data.load_mnist(normalize=False, data_home=home, download=False)
    np.testing.assert_array_equal(x.reshape(60, 28, 28), arrays[FILES[0]])
    assert cache.stat().st_size > 1000


# --------------------------------------------------------------------------- command line


def test_cli(tmp_path, arrays, capsys):
    home = write_dataset(tmp_path / "mine", arrays)
    assert cli.main(["mnist", "--data-home", str(home), "--offline"]) == 0  # fixture checksums
    assert str(home) in capsys.readouterr().out
    assert list((home / "mnist").glob("parsed-*.npz"))  # verified and remembered
    empty = tmp_path / "empty"
    bad = subprocess.run(
        [sys.executable, "-m", "scratchlib", "mnist", "--data-home", str(empty), "--offline"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "train-images-idx3-ubyte.gz" in bad.stderr


# --------------------------------------------------------------------------- real MNIST


#: the library's own record, with its checksums (the autouse fixture replaces it)
REAL_MNIST = registry.DATASETS["mnist"]
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def real_mnist() -> dict[str, Path]:
    """Real MNIST files by base name: ``../shared/data/mnist-test`` where it is (three files, the
    course's CI), else the four files downloaded and verified by the library into the user's
    cache, as ``python -m scratchlib mnist`` does (GitHub's runners, a contributor's machine).

    Module-scoped, so it runs before the autouse fixture: the real checksums and cache."""
    if MNIST_TEST_DIR.is_dir():
        return {p.name.removesuffix(".gz"): p for p in MNIST_TEST_DIR.glob("*-ubyte.gz")}
    try:
        loaders.load_arrays(REAL_MNIST, None, True, None)
        return loaders.locate(REAL_MNIST, None, False, None)
    except data.DatasetError as exc:
        pytest.fail(f"real MNIST is neither in {MNIST_TEST_DIR} nor downloadable:\n{exc}")


def test_real_mnist_label_counts(real_mnist):
    train = data.read_idx(real_mnist["train-labels-idx1-ubyte"])
    test = data.read_idx(real_mnist["t10k-labels-idx1-ubyte"])
    assert np.bincount(train, minlength=10).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(test, minlength=10).tolist() == MNIST_TEST_COUNTS
    images = data.read_idx(real_mnist["t10k-images-idx3-ubyte"])
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    with idx.open_decompressed(real_mnist["t10k-images-idx3-ubyte"]) as f:
        assert md5(f.read()) == "2646ac647ad5339dbf082846283269ea"


def test_real_mnist_without_train_images(tmp_path, real_mnist):
    copy = tmp_path / "mnist-copy"
    copy.mkdir()
    for base, path in real_mnist.items():
        if base != "train-images-idx3-ubyte":
            shutil.copy(path, copy / path.name)
    with pytest.raises(data.DatasetError) as info:
        scratchlib.data.load_mnist(data_home=copy, download=False)
    first = str(info.value).splitlines()[0]
    assert "train-images-idx3-ubyte.gz" in first
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in str(
        info.value
    )


def test_real_mnist_files_verify_by_content(tmp_path, real_mnist):
    """The library's checksums verify the real files, and a copy recompressed here verifies by
    its content although its .gz bytes are not the publisher's."""
    spec = REAL_MNIST
    for base, path in real_mnist.items():
        content_sha = idx.read_idx_hashed(path)[1]
        assert verify.content_problem(spec, base, path, content_sha) == "", base
        if spec.content_sha256[base] is None:
            continue  # MNIST's training images: only the publisher's .gz verifies them
        recompressed = tmp_path / path.name
        with idx.open_decompressed(path) as f:
            recompressed.write_bytes(gzip.compress(f.read(), compresslevel=1, mtime=1))
        assert verify.md5(recompressed) != spec.gz_md5[base]
        again = idx.read_idx_hashed(recompressed)[1]
        assert verify.content_problem(spec, base, recompressed, again) == "", base
    images = real_mnist["t10k-images-idx3-ubyte"]
    other = idx.read_idx_hashed(real_mnist["t10k-labels-idx1-ubyte"])[1]
    problem = verify.content_problem(spec, "t10k-images-idx3-ubyte", images, other)
    assert other in problem and spec.content_sha256["t10k-images-idx3-ubyte"] in problem


# --------------------------------------------------------------------------- real Fashion-MNIST


def _real_fashion_dir() -> Path | None:
    """Where the setup put Fashion-MNIST: the Debian folder, else the user's cache."""
    env = os.environ.get("SCRATCHLIB_DATA")
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    candidates = [registry.DEBIAN_FASHION_MNIST_DIR, Path(xdg) / "scratchlib" / "fashion-mnist"]
    if env:
        candidates.insert(1, Path(env) / "fashion-mnist")
    return next((d for d in candidates if all((d / f).is_file() for f in FILES)), None)


REAL_FASHION = _real_fashion_dir()  # computed before any test changes the environment


@pytest.fixture(scope="module")
def fashion(tmp_path_factory):
    """The real dataset, linked into a temporary data home (the parsed cache goes there)."""
    if REAL_FASHION is None:
        pytest.fail(
            "Fashion-MNIST is not installed (neither /usr/share/datasets/fashion-mnist nor the "
            "user cache): run `make setup` or `python -m scratchlib fashion-mnist`."
        )
    home = tmp_path_factory.mktemp("fashion")
    for name in FILES:
        (home / name).symlink_to(REAL_FASHION / name)
    with pytest.MonkeyPatch.context() as m:
        m.setenv("SCRATCHLIB_DATA", str(home))
        yield {
            key: data.load_fashion_mnist(download=False, data_home=home, **kwargs)
            for key, kwargs in {
                "default": {},
                "raw": {"normalize": False, "flatten": False},
                "one_hot": {"one_hot_label": True},
            }.items()
        }


def test_real_fashion_shapes_and_ranges(fashion):
    (x, t), (xt, tt) = fashion["default"]
    assert x.shape == (60000, 784) and xt.shape == (10000, 784)
    assert x.dtype == xt.dtype == np.float32
    assert t.shape == (60000,) and tt.shape == (10000,) and t.dtype == np.uint8
    assert x.min() == 0.0 and x.max() == 1.0
    assert np.bincount(t, minlength=10).tolist() == [6000] * 10
    assert np.bincount(tt, minlength=10).tolist() == [1000] * 10


def test_real_fashion_raw_and_one_hot(fashion):
    (x, t), (xt, _) = fashion["default"]
    (xr, tr), (xrt, _) = fashion["raw"]
    assert xr.shape == (60000, 1, 28, 28) and xr.dtype == np.uint8 and xrt.dtype == np.uint8
    assert xr.max() == 255
    assert np.array_equal(xr.reshape(60000, 784).astype(np.float32) / 255, x)
    assert np.array_equal(tr, t)
    (_, t1), (_, tt1) = fashion["one_hot"]
    assert t1.shape == (60000, 10) and tt1.shape == (10000, 10)
    assert set(np.unique(t1).tolist()) == {0.0, 1.0}
    np.testing.assert_array_equal(t1.argmax(axis=1), t)
    assert t1.sum(axis=0).tolist() == [6000.0] * 10


REAL_FASHION_MNIST = registry.DATASETS["fashion-mnist"]


def test_real_fashion_verifies_by_content_not_container(fashion):
    """Debian's copies are recompressed (other .gz bytes than Zalando's): they verify."""
    spec = REAL_FASHION_MNIST
    recompressed = 0
    for name in FILES:
        base = name.removesuffix(".gz")
        path = REAL_FASHION / name
        recompressed += md5(path.read_bytes()) != spec.gz_md5[base]
        content_sha = idx.read_idx_hashed(path)[1]
        assert verify.content_problem(spec, base, path, content_sha) == ""
    if REAL_FASHION == registry.DEBIAN_FASHION_MNIST_DIR:
        assert recompressed == 4
