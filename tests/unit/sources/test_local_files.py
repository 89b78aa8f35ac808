"""Only regular files are opened: a FIFO, a socket or a device is refused without blocking."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from newsbeam.transforms.sources.bounded_read import read_at_most
from newsbeam.transforms.sources.local_files import (
    NotARegularFileError,
    is_within,
    open_regular_file,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def _within_seconds(call, seconds: float = 10.0):
    """`call()`'s outcome, failing the test (instead of hanging it) if it blocks."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_special_files_are_refused_unopened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="FIFO"):
        _within_seconds(lambda: open_regular_file(str(fifo)))
    with pytest.raises(NotARegularFileError, match="FIFO"):
        _within_seconds(lambda: read_at_most(str(fifo), 100))
    sock = tmp_path / "sock.txt"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock))
    with pytest.raises(NotARegularFileError, match="socket"):
        open_regular_file(str(sock))
    with pytest.raises(NotARegularFileError, match="character device"):
        open_regular_file(os.devnull)


def test_regular_files_and_links_to_them_are_read(tmp_path):
    story = tmp_path / "story.txt"
    story.write_bytes(b"text")
    (tmp_path / "link.txt").symlink_to(story)
    with open_regular_file(str(tmp_path / "link.txt")) as handle:
        assert handle.read() == b"text"
    with pytest.raises(FileNotFoundError):
        open_regular_file(str(tmp_path / "missing.txt"))


def test_is_within_compares_whole_folder_names():
    assert is_within("/data/in/a.txt", "/data/in")
    assert is_within("/data/in", "/data/in")
    assert not is_within("/data/input/a.txt", "/data/in")
    assert is_within("/a.txt", "/")


def test_a_path_is_spelt_one_way_unless_dot_dot_would_change_what_it_names(tmp_path):
    """ "./samples/" and "samples//" are "samples"; "year/.." where `year` is a link is
    the parent of the link's target, which spelling it "." would not read."""
    from newsbeam.transforms.sources.local_files import one_spelling

    assert one_spelling("./samples/") == one_spelling("samples//") == "samples"
    assert one_spelling("s3://bucket/./a/") == "s3://bucket/./a/"
    (tmp_path / "data" / "2025").mkdir(parents=True)
    (tmp_path / "data" / "a.txt").write_text("a")
    (tmp_path / "year").symlink_to(tmp_path / "data" / "2025")
    spelt = one_spelling(str(tmp_path / "year" / ".."))
    assert sorted(os.listdir(spelt)) == ["2025", "a.txt"]  # the target's parent, not tmp_path
