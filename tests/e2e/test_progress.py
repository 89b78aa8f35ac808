"""`newsbeam run` over many files says how far it is: a bar on a terminal, plain lines in a
log. Runs the samples in chunks of a few files, so that progress moves several times."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time

import pytest

from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam, newsbeam_command

pytestmark = pytest.mark.e2e

_FILES = sum(1 for path in SAMPLES.rglob("*") if path.suffix in {".txt", ".html", ".jsonl"})
_CHUNKED = ["--input", str(SAMPLES), "--chunk-bytes", "6000"]


def test_in_a_log_progress_is_plain_lines_to_the_last_file(tmp_path):
    result = newsbeam("run", *_CHUNKED, "--output", str(tmp_path), "--progress-interval", "1")
    parts = int(re.search(r"part 1 of (\d+)", result.stdout).group(1))
    lines = [line for line in result.stderr.splitlines() if line.startswith("newsbeam: progress")]
    assert parts > 2 and len(lines) >= parts  # one per chunk at least
    files_done = [int(re.search(r"files (\d+)/", line).group(1)) for line in lines]
    assert files_done == sorted(files_done) and files_done[-1] == _FILES
    assert f"files {_FILES}/{_FILES} (100%)" in lines[-1] and "12 articles" in lines[-1]
    assert any("left" in line for line in lines) and "articles/s" in lines[-1]
    assert "\r" not in result.stderr and "\x1b[" not in result.stderr  # no terminal codes


def test_progress_interval_zero_is_silent(tmp_path):
    result = newsbeam(
        "run", "--input", str(SAMPLES), "--output", str(tmp_path), "--progress-interval", "0"
    )
    assert "newsbeam: progress" not in result.stderr and "%|" not in result.stderr


def test_on_a_terminal_a_bar_is_redrawn_in_place(tmp_path):
    screen, terminal = pty.openpty()
    run = subprocess.Popen(
        [*newsbeam_command(), "run", *_CHUNKED, "--output", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=terminal,
    )
    os.close(terminal)
    drawn, deadline = b"", time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            if select.select([screen], [], [], 1)[0]:
                try:
                    chunk = os.read(screen, 65536)
                except OSError:  # the run closed its end
                    break
                if not chunk:
                    break
                drawn += chunk
            elif run.poll() is not None:
                break
    finally:
        if run.poll() is None:
            run.kill()
        run.wait()
        os.close(screen)
    text = drawn.decode(errors="replace")
    assert run.returncode == 0
    assert text.count("\r") > 3 and f"files {_FILES}/{_FILES}, 12 articles" in text
    assert "100%" in text and "newsbeam: progress" not in text
