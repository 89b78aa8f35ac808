"""Two writers into one output directory: the second is refused before it writes a row."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from newsbeam.output_lock import lock_holder
from newsbeam.query import connect
from tests.support.news_site import NewsSite
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam, newsbeam_command, stream_command

pytestmark = pytest.mark.e2e


def _wait_for_holder(output: Path, process: subprocess.Popen, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        holder = lock_holder(str(output))
        if holder and holder["pid"] == process.pid:
            return holder
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    pytest.fail("the first writer never took the output's lock")


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=120)


def test_a_run_beside_a_stream_is_refused_and_writes_nothing(server, tmp_path):
    site = NewsSite(server)
    site.publish("world", "kenya-water")
    output = tmp_path / "out"
    stream = subprocess.Popen(
        stream_command(
            site.feed_url("world"),
            output,
            "--window",
            "2",
            "--poll-interval",
            "1",
            "--duration",
            "120",
        ),  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        holder = _wait_for_holder(output, stream)
        assert holder["command"] == "stream"
        second = newsbeam("run", "--input", str(SAMPLES), "--output", str(output), check=False)
    finally:
        out, err = _stop(stream)
    assert stream.returncode == 0, err

    assert second.returncode == 2, second.stderr
    assert f"another newsbeam is writing to {output}" in second.stderr
    assert f"pid {stream.pid}" in second.stderr and "newsbeam stream" in second.stderr
    db = connect(str(output))
    # Only the stream's rows: not one of the refused run's inputs, not one runs row of it.
    assert db.execute("SELECT count(*) FROM articles WHERE input NOT LIKE 'http%'").fetchone() == (
        0,
    )
    assert {mode for (mode,) in db.execute("SELECT mode FROM runs").fetchall()} == {"stream_window"}


def test_two_runs_at_once_give_each_article_once(tmp_path):
    output = tmp_path / "out"
    command = [*newsbeam_command(), "run", "--input", str(SAMPLES), "--output", str(output)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_holder(output, first)
        second = newsbeam("run", "--input", str(SAMPLES), "--output", str(output), check=False)
    finally:
        out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert second.returncode == 2 and "one writer per output directory" in second.stderr

    db = connect(str(output))
    assert db.execute("SELECT count(*) = count(DISTINCT id) FROM articles").fetchone() == (True,)
    assert db.execute("SELECT count(*) FROM runs").fetchone() == (1,)
    # The lock is released with the run: the next writer is welcome.
    assert lock_holder(str(output)) is None
    newsbeam("run", "--input", str(SAMPLES), "--output", str(output))
