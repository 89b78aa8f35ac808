"""One writer per output directory: the lock a `run` or `stream` holds while it writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from newsbeam.output_lock import OutputLocked, hold_output, lock_holder


def test_a_second_writer_is_refused_and_told_who_holds_the_output(tmp_path):
    with hold_output(str(tmp_path), "stream"):
        holder = lock_holder(str(tmp_path))
        assert holder["pid"] == os.getpid() and holder["command"] == "stream"
        with pytest.raises(OutputLocked, match=rf"newsbeam stream`, pid {os.getpid()} on host"):
            with hold_output(str(tmp_path), "run"):
                pytest.fail("two writers held one output")
    # Released: the next writer gets it, and the file no longer names a holder.
    assert lock_holder(str(tmp_path)) is None
    with hold_output(str(tmp_path), "run"):
        assert lock_holder(str(tmp_path))["command"] == "run"


def test_the_lock_of_a_killed_writer_is_stale_and_taken_over(tmp_path, caplog):
    # A writer that dies holding the lock (SIGKILL: no cleanup) leaves its name behind.
    script = (
        "import os, sys\n"
        "from newsbeam.output_lock import hold_output\n"
        "with hold_output(sys.argv[1], 'run'):\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    assert killed.returncode == -9
    left = lock_holder(str(tmp_path))
    assert left is not None and left["pid"] != os.getpid()

    with hold_output(str(tmp_path), "run"):
        assert lock_holder(str(tmp_path))["pid"] == os.getpid()
    assert f"pid {left['pid']}" in caplog.text and "did not finish" in caplog.text


def test_a_lock_file_that_is_not_json_does_not_stop_a_writer(tmp_path):
    lock = tmp_path / "_state" / "writer.lock"
    lock.parent.mkdir()
    lock.write_text("garbage\x00")
    with hold_output(str(tmp_path), "run"):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
