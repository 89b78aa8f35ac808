"""`newsbeam stream` accounts for every poll, and says with its exit status what it lost."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from newsbeam.query import connect
from tests.support.local_server import Reply
from tests.support.news_site import NewsSite
from tests.support.run_cli import newsbeam_command

pytestmark = pytest.mark.e2e


def _stream(feeds_file, output, *extra: str) -> list[str]:
    return [
        *newsbeam_command(),
        "stream",
        "--feeds",
        str(feeds_file),
        "--output",
        str(output),
        "--poll-interval",
        "1",
        "--window",
        "1",
        "--host-interval",
        "0",
        "--allow-private-networks",
        *extra,
    ]


def test_a_feed_that_fails_in_several_windows_has_a_reject_row_per_failed_poll(server, tmp_path):
    """Each poll is an input: a feed down for three windows is three rejects, all written,
    so that the windows' balance is the table's and an operator sees how long it was down."""
    site = NewsSite(server)
    site.publish("world", "kenya-water")
    server.routes["/feeds/down.xml"] = Reply(404)
    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(
        f"feeds:\n  - url: {site.feed_url('world')}\n"
        f"  - url: {server.url('/feeds/down.xml')}\n    poll_interval: 1\n"
    )
    output = tmp_path / "out"
    # Stopped by Ctrl-C once the feed has failed twice, not after a fixed time: a first
    # window that loads the models can take longer than several windows on a busy machine.
    process = subprocess.Popen(
        _stream(feeds_file, output, "--duration", "120"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 100
        while server.hits["/feeds/down.xml"] < 2 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGINT)  # the window being run is finished and written
        out, err = process.communicate(timeout=120)
    assert process.returncode == 0, out + err
    polls = server.hits["/feeds/down.xml"]
    assert polls >= 2, out  # backing off, but polled again
    result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    db = connect(str(output))
    rows = db.execute(
        "SELECT count(*), count(DISTINCT reject_id), count(DISTINCT ingested_at) FROM rejects "
        "WHERE input = ? AND reason = 'feed_http_404'",
        [server.url("/feeds/down.xml")],
    ).fetchall()
    assert rows == [(polls, polls, polls)]
    windows = [line for line in result.stdout.splitlines() if line.startswith("window ")]
    assert windows and all(" = articles " in line for line in windows)
    assert "not accounted for" not in result.stdout + result.stderr
    assert "already written" not in result.stdout  # nothing was counted by its marker alone
    written = db.execute("SELECT sum(rejects) FROM runs").fetchall()[0][0]
    assert written == db.execute("SELECT count(*) FROM rejects").fetchall()[0][0]


def test_a_stream_aborted_before_its_window_was_written_exits_1(server, tmp_path):
    """A second Ctrl-C abandons the window being run: what it held is not written, so the
    stream did not complete and must not exit 0."""
    site = NewsSite(server)
    site.publish("world", "kenya-water")
    server.routes["/feeds/slow.xml"] = Reply(
        200, b"<rss><channel>" + b" " * 4096 + b"</channel></rss>", chunk_delay=1.0
    )
    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(
        f"feeds:\n  - url: {site.feed_url('world')}\n  - url: {server.url('/feeds/slow.xml')}\n"
    )
    output = tmp_path / "out"
    process = subprocess.Popen(
        _stream(feeds_file, output, "--duration", "120"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while server.hits["/feeds/slow.xml"] == 0 and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
        assert server.hits["/feeds/slow.xml"] == 1, "the first window never polled the feeds"
        process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, out + err
    assert "aborted: the window being run was not written" in out
