"""Tests of scratchlib.data: IDX parsing, locations, downloads from a local server, caches.

No internet: the mirrors are a local HTTP server on 127.0.0.1 serving generated IDX fixtures,
with one base URL per failure mode (404, corrupted bytes, truncated body, stall).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import scratchlib
from scratchlib import data

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
MNIST_TEST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist-test"
PACKAGE_DIR = Path(data.__file__).resolve().parent
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


@pytest.fixture(scope="module")
def arrays() -> dict[str, np.ndarray]:
    return make_fixtures()


@pytest.fixture(scope="module")
def blobs(arrays) -> dict[str, bytes]:
    return {name: gz(a) for name, a in arrays.items()}


# --------------------------------------------------------------------------- local mirrors


class _Handler(http.server.BaseHTTPRequestHandler):
    """``/<mode>/<file>``; mode is good, slow, missing, corrupt, truncated or stall."""

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
                bad = bytearray(body)
                bad[len(bad) // 2] ^= 0xFF
                self._send(bytes(bad))
            elif mode == "truncated":
                self._send(body, length=len(body) + 1000)
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
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.release.set()
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch, blobs):
    """Never touch the real user cache; fixture checksums; a short timeout; no Debian dir."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("SCRATCHLIB_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("SCRATCHLIB_TIMEOUT", str(TIMEOUT))
    monkeypatch.delenv("SCRATCHLIB_MNIST_MIRRORS", raising=False)
    monkeypatch.delenv("SCRATCHLIB_FASHION_MNIST_MIRRORS", raising=False)
    sums = {name: md5(blob) for name, blob in blobs.items()}
    monkeypatch.setitem(data.CHECKSUMS, "mnist", sums)
    monkeypatch.setitem(data.CHECKSUMS, "fashion-mnist", sums)
    spec = dataclasses.replace(data._DATASETS["fashion-mnist"], system_dirs=(tmp_path / "deb",))
    monkeypatch.setitem(data._DATASETS, "fashion-mnist", spec)


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
    assert set(data.__all__) == {
        "load_mnist",
        "load_fashion_mnist",
        "FASHION_MNIST_CLASSES",
        "DatasetError",
        "read_idx",
    }
    for name in data.__all__:
        assert getattr(data, name) is not None
    assert len(data.FASHION_MNIST_CLASSES) == 10
    assert data.FASHION_MNIST_CLASSES[9] == "Ankle boot"
    assert issubclass(data.DatasetError, Exception)


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
        (b"", "magic number"),
        (b"\x00\x00\x08\x02\x00\x00\x00\x03", "cut short"),
        (b"\x50\x4b\x03\x04" + _GOOD[4:], "magic number"),
        (_GOOD[:-1], "promises 12 bytes of data, found 11 bytes"),
        (_GOOD + b"\x00", "found more bytes"),
        (gzip.compress(_GOOD)[:-12], "cannot be read"),
        (b"\x00\x00\x08\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", "header is corrupt"),
    ],
    ids=["empty", "short-header", "zip", "truncated", "extra", "bad-gzip", "huge"],
)
def test_read_idx_rejects_bad_files(tmp_path, content, expected):
    path = tmp_path / "bad-idx1-ubyte.gz"
    path.write_bytes(content)
    with pytest.raises(data.DatasetError) as info:
        data.read_idx(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message
    assert "Delete it" in message


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


def test_image_and_label_counts_must_agree(tmp_path, arrays):
    bad = dict(arrays)
    bad["train-labels-idx1-ubyte.gz"] = arrays["train-labels-idx1-ubyte.gz"][:59]
    home = write_dataset(tmp_path / "mine", bad)
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=home, download=False)
    message = str(info.value)
    assert "60 images" in message and "59 labels" in message
    assert str(home / "train-labels-idx1-ubyte.gz") in message


@pytest.mark.parametrize(
    ("name", "array", "expected"),
    [
        ("train-labels-idx1-ubyte.gz", np.full(60, 10, dtype=np.uint8), "labels must be 0..9"),
        ("t10k-images-idx3-ubyte.gz", np.zeros((20, 28, 27), np.uint8), "shape (N, 28, 28)"),
        ("t10k-labels-idx1-ubyte.gz", np.zeros(20, np.int32), "expected uint8 labels"),
    ],
)
def test_wrong_content_is_rejected(tmp_path, arrays, name, array, expected):
    home = write_dataset(tmp_path / "mine", {**arrays, name: array})
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=home, download=False)
    assert expected in str(info.value)
    assert str(home / name) in str(info.value)


def test_offline_missing_lists_files_places_urls_and_apt(tmp_path, monkeypatch, arrays):
    home = tmp_path / "mine"
    write_dataset(home, {"t10k-labels-idx1-ubyte.gz": arrays["t10k-labels-idx1-ubyte.gz"]})
    monkeypatch.setenv("SCRATCHLIB_FASHION_MNIST_MIRRORS", "http://a.example/x, http://b.example/")
    with pytest.raises(data.DatasetError) as info:
        data.load_fashion_mnist(data_home=home, download=False)
    message = str(info.value)
    first = message.splitlines()[0]
    for name in FILES[:3]:
        assert name in first
        assert f"http://a.example/x/{name}" in message
        assert f"http://b.example/{name}" in message
    assert "t10k-labels" not in first
    for place in (home / "fashion-mnist", home, tmp_path / "deb"):
        assert f"  {place}\n" in message
    assert "apt-get install dataset-fashion-mnist" in message
    assert not (home / "fashion-mnist").exists()  # offline: nothing created


# --------------------------------------------------------------------------- downloads


def test_download_falls_back_in_order(tmp_path, server, blobs, capsys):
    bad = ["missing", "corrupt", "truncated", "stall"]
    mirrors = [f"{server.url}/{mode}/" for mode in bad] + [f"{server.url}/good"]
    package_before = sorted((p, p.stat().st_mtime_ns) for p in PACKAGE_DIR.rglob("*"))

    (x, t), _ = data.load_mnist(normalize=False, mirrors=mirrors)

    folder = tmp_path / "data" / "mnist"
    for name in FILES:
        assert md5((folder / name).read_bytes()) == md5(blobs[name])
        assert [mode for mode, n in server.log if n == name] == [*bad, "good"]
    assert leftovers(folder) == []
    err = [line for line in capsys.readouterr().err.splitlines() if "scratchlib.data:" in line]
    assert len(err) == 4 * len(bad)
    for name in FILES:
        lines = [line for line in err if line.endswith(name) or f"/{name}:" in line]
        assert "HTTP 404" in lines[0]
        assert "checksum mismatch" in lines[1]
        assert "truncated" in lines[2]
        assert "timed out" in lines[3]
    assert sorted((p, p.stat().st_mtime_ns) for p in PACKAGE_DIR.rglob("*")) == package_before
    assert x.shape == (60, 784)


def test_all_mirrors_fail(tmp_path, server):
    mirrors = [f"{server.url}/missing", f"{server.url}/truncated"]
    with pytest.raises(data.DatasetError) as info:
        data.load_mnist(data_home=tmp_path / "mine", mirrors=mirrors)
    message = str(info.value)
    for name in FILES:
        assert f"{server.url}/missing/{name}: HTTP 404" in message
        assert f"{server.url}/truncated/{name}: truncated" in message
    assert "Download failed" in message
    assert leftovers(tmp_path / "mine" / "mnist") == []
    assert not any((tmp_path / "mine" / "mnist" / name).exists() for name in FILES)


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


def test_interrupted_download_leaves_no_partial_file(tmp_path, server, monkeypatch):
    class Interrupting:
        def update(self, n):
            raise KeyboardInterrupt

        def close(self):
            pass

    monkeypatch.setattr(data, "_progress", lambda total, desc: Interrupting())
    with pytest.raises(KeyboardInterrupt):
        data.load_mnist(mirrors=[f"{server.url}/good"])
    folder = tmp_path / "data" / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == [".lock"]


_CHILD = """
import hashlib, json, sys
from scratchlib import data
data.CHECKSUMS["mnist"] = json.loads(sys.argv[1])
(x, t), (xt, tt) = data.load_mnist(data_home=sys.argv[2], mirrors=[sys.argv[3]])
print(hashlib.md5(x.tobytes() + t.tobytes() + xt.tobytes() + tt.tobytes()).hexdigest())
"""


def test_two_processes_load_at_once(tmp_path, server, blobs, arrays):
    sums = json.dumps({name: md5(blob) for name, blob in blobs.items()})
    home = tmp_path / "shared-home"
    args = [sys.executable, "-c", _CHILD, sums, str(home), f"{server.url}/slow"]
    env = {**os.environ, "SCRATCHLIB_TIMEOUT": "10"}
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
    assert [out.strip() for out, _ in results] == [expected, expected]
    folder = home / "mnist"
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
        m.setattr(data, "read_idx", no_parsing)
        (x2, t2), _ = data.load_mnist(data_home=home, download=False)
        np.testing.assert_array_equal(x2, x1)
        x2[:] = 7.0
        t2[:] = 3
        (x3, t3), _ = data.load_mnist(data_home=home, download=False)
    np.testing.assert_array_equal(x3, x1)
    np.testing.assert_array_equal(t3, t1)

    # A changed source file invalidates the parsed cache.
    new_labels = (arrays["train-labels-idx1-ubyte.gz"] + 1) % 10
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


def test_cli(tmp_path, arrays):
    home = write_dataset(tmp_path / "mine", arrays)
    ok = subprocess.run(
        [sys.executable, "-m", "scratchlib", "mnist", "--data-home", str(home), "--offline"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == f"mnist: {home}"
    empty = tmp_path / "empty"
    bad = subprocess.run(
        [sys.executable, "-m", "scratchlib", "mnist", "--data-home", str(empty), "--offline"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "missing file(s)" in bad.stderr and "train-images-idx3-ubyte.gz" in bad.stderr


# --------------------------------------------------------------------------- real MNIST


def _need_mnist_test_dir() -> None:
    if MNIST_TEST_DIR.is_dir():
        return
    message = f"{MNIST_TEST_DIR} does not exist on this machine (real MNIST files)"
    # The course's CI always has ../shared beside its clone: never skip there. GitHub's
    # runners (the Pages workflow) have no ../shared at all.
    if os.environ.get("CI") and not os.environ.get("GITHUB_ACTIONS"):
        pytest.fail(message)
    pytest.skip(message)


MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_real_mnist_label_counts():
    _need_mnist_test_dir()
    train = data.read_idx(MNIST_TEST_DIR / "train-labels-idx1-ubyte.gz")
    test = data.read_idx(MNIST_TEST_DIR / "t10k-labels-idx1-ubyte.gz")
    assert np.bincount(train, minlength=10).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(test, minlength=10).tolist() == MNIST_TEST_COUNTS
    images = data.read_idx(MNIST_TEST_DIR / "t10k-images-idx3-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    raw = gzip.decompress((MNIST_TEST_DIR / "t10k-images-idx3-ubyte.gz").read_bytes())
    assert md5(raw) == "2646ac647ad5339dbf082846283269ea"


def test_real_mnist_without_train_images(tmp_path):
    _need_mnist_test_dir()
    copy = tmp_path / "mnist-copy"
    shutil.copytree(MNIST_TEST_DIR, copy)
    with pytest.raises(data.DatasetError) as info:
        scratchlib.data.load_mnist(data_home=copy, download=False)
    first = str(info.value).splitlines()[0]
    assert first == "mnist: missing file(s): train-images-idx3-ubyte.gz."
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in str(
        info.value
    )


# --------------------------------------------------------------------------- real Fashion-MNIST


def _real_fashion_dir() -> Path | None:
    """Where the setup put Fashion-MNIST: the Debian folder, else the user's cache."""
    env = os.environ.get("SCRATCHLIB_DATA")
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    candidates = [data.DEBIAN_FASHION_MNIST_DIR, Path(xdg) / "scratchlib" / "fashion-mnist"]
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
