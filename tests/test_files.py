"""scratchlib.files.atomic_write: all or nothing, nothing left behind."""

import stat

import pytest
from conftest import raises_naming

from scratchlib.files import atomic_write


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_creates_the_file_and_returns_what_write_returns(tmp_path):
    target = tmp_path / "out.bin"
    assert atomic_write(target, lambda f: f.write(b"\x00\x01\x02")) == 3
    assert target.read_bytes() == b"\x00\x01\x02"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert leftovers(tmp_path) == []


def test_replaces_an_existing_file(tmp_path):
    target = tmp_path / "grades.csv"
    target.write_text("old\n")
    atomic_write(target, lambda f: f.write("a,b\r\n1,2\r\n"), mode="w", newline="")
    assert target.read_bytes() == b"a,b\r\n1,2\r\n"


def test_text_mode_is_utf8_by_default(tmp_path):
    target = tmp_path / "note.txt"
    atomic_write(target, lambda f: f.write("→ é\n"), mode="w")
    assert target.read_bytes() == "→ é\n".encode()


def test_permissions(tmp_path):
    target = tmp_path / "private"
    atomic_write(target, lambda f: f.write(b"x"), permissions=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path, error):
    target = tmp_path / "data.npz"
    target.write_bytes(b"complete old content")

    def half_then_fail(f):
        f.write(b"half of the new")
        raise error

    with pytest.raises(type(error)):
        atomic_write(target, half_then_fail)
    assert target.read_bytes() == b"complete old content"
    assert leftovers(tmp_path) == []


def test_a_failed_first_write_leaves_no_file(tmp_path):
    target = tmp_path / "new.gz"

    def bad_download(f):
        f.write(b"x")
        raise ValueError("checksum mismatch")

    with pytest.raises(ValueError, match="checksum"):
        atomic_write(target, bad_download)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_missing_folder_is_named(tmp_path):
    target = tmp_path / "no" / "such" / "file"
    with raises_naming(FileNotFoundError, target, target.parent, ".mkdir(parents=True)"):
        atomic_write(target, lambda f: f.write(b"x"))
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"mode": "a"}, ["mode", "'a'", "'wb'", "'w'"]),
        ({"mode": "wb", "newline": ""}, ["newline", "mode='w'"]),
        ({"encoding": "latin-1"}, ["encoding", "mode='w'"]),
    ],
)
def test_bad_arguments_name_the_argument_and_what_is_allowed(tmp_path, kwargs, names):
    with raises_naming(ValueError, *names):
        atomic_write(tmp_path / "x", lambda f: None, **kwargs)
    assert list(tmp_path.iterdir()) == []
