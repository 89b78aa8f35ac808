"""`newsbeam run`'s progress: plain lines off a terminal, a redrawn bar on one."""

from __future__ import annotations

import io

from newsbeam.progress import RunProgress
from newsbeam.transforms.progress import note_extracted


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_each_chunk_is_one_plain_line_with_rate_and_time_left():
    log = io.StringIO()
    with RunProgress(files=4, total_bytes=400, interval=3600, stream=log) as progress:
        progress.chunk_done(files=1, chunk_bytes=100, articles=30)
        note_extracted(5)  # articles past NER in the chunk under way count at once
        assert progress.articles() == 35
        progress.chunk_done(files=3, chunk_bytes=300, articles=90)
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and all(line.startswith("newsbeam: progress: ") for line in lines)
    assert "files 1/4 (25%)" in lines[0] and "30 articles" in lines[0] and "left" in lines[0]
    assert "files 4/4 (100%)" in lines[1] and "120 articles" in lines[1]
    assert "left" not in lines[1] and "articles/s" in lines[1]
    assert "\r" not in log.getvalue() and "\x1b" not in log.getvalue()


def test_on_a_terminal_a_bar_is_redrawn_in_place():
    screen = _Terminal()
    with RunProgress(files=2, total_bytes=2_000, interval=60, stream=screen) as progress:
        progress.chunk_done(files=1, chunk_bytes=1_000, articles=12)
    drawn = screen.getvalue()
    assert drawn.count("\r") >= 2 and "files 1/2, 12 articles" in drawn and "50%" in drawn


def test_interval_zero_shows_nothing_in_a_log_or_on_a_terminal():
    for stream in (io.StringIO(), _Terminal()):
        with RunProgress(files=2, total_bytes=10, interval=0, stream=stream) as progress:
            progress.chunk_done(files=2, chunk_bytes=10, articles=3)
        assert stream.getvalue() == ""


def test_files_measure_the_run_where_their_bytes_are_unknown():
    """Remote inputs are not sized on a cluster runner: files stand in for bytes."""
    log = io.StringIO()
    with RunProgress(files=4, total_bytes=0, interval=3600, stream=log) as progress:
        progress.chunk_done(files=1, chunk_bytes=0, articles=5)
    assert "files 1/4 (25%)" in log.getvalue() and "left" in log.getvalue()
