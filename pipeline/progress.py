"""How far a `newsbeam run` over many files is: files and articles done, rate, time left.

On a terminal, a tqdm bar on stderr, redrawn in place. Anywhere else (a log file, a
scheduler's capture) no escape codes and no carriage returns: one plain line on stderr
when a chunk of files is done, and in between at most every `--progress-interval`
seconds while articles go through NER.

Files are counted when their chunk's run has written (`newsbeam.chunks`); articles as
they leave NER where the pipeline runs in this process (`newsbeam.transforms.progress`),
and as each chunk's `runs` row counts them written. Time left is estimated from the bytes
of the files done (from the files, where remote files are not sized), so a run of one
chunk shows none until it ends.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

from newsbeam.transforms.progress import extracted_so_far

__all__ = ["RunProgress"]


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"


def _terminal_columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 0


class RunProgress:
    """Progress of one `newsbeam run` over `files` input files of `total_bytes` bytes."""

    def __init__(
        self,
        files: int,
        total_bytes: int,
        interval: float = 60.0,
        stream: TextIO | None = None,
        terminal: bool | None = None,
    ) -> None:
        self.files, self.total_bytes, self.interval = files, total_bytes, interval
        # Bytes measure how far the run is; where they are unknown (0: files on a remote
        # file system, not sized), files do.
        self._by_bytes = total_bytes > 0
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.files_done = self.bytes_done = self.articles_done = 0
        self._extracted_at_chunk = extracted_so_far()
        self._started = time.monotonic()
        self._last_shown = (0, self.articles())  # off a terminal, a line only when these move
        self._stop = threading.Event()
        self._lock = threading.Lock()  # the ticker thread and chunk_done both show
        self._ticker: threading.Thread | None = None
        self._bar = None

    def __enter__(self) -> RunProgress:
        if self.interval <= 0:
            return self
        if self.terminal:
            from tqdm import tqdm

            # A terminal that reports no size (a bare pty) gets a bar of 100 columns, on
            # a screen of 24 lines: tqdm draws nothing on a screen of none.
            sized = _terminal_columns(self.stream) > 0
            self._bar = tqdm(
                total=self._total(),
                unit="B" if self._by_bytes else " files",
                unit_scale=self._by_bytes,
                desc="newsbeam",
                file=self.stream,
                dynamic_ncols=sized,
                ncols=None if sized else 100,
                nrows=None if sized else 24,
                mininterval=0.5,
            )
        self._ticker = threading.Thread(target=self._tick, name="newsbeam-progress", daemon=True)
        self._ticker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._ticker:
            self._ticker.join(timeout=5)
        if self._bar is not None:
            self._bar.close()

    def chunk_done(self, files: int, chunk_bytes: int, articles: int) -> None:
        """A chunk's run has written: its files, their bytes and the articles its `runs`
        row counts as written."""
        self.files_done += files
        self.bytes_done += chunk_bytes
        self.articles_done += articles
        self._extracted_at_chunk = extracted_so_far()
        self._show(force=True)

    def _done(self) -> int:
        return self.bytes_done if self._by_bytes else self.files_done

    def _total(self) -> int:
        return max(self.total_bytes if self._by_bytes else self.files, 1)

    def articles(self) -> int:
        """Articles written by finished chunks, plus articles past NER in the current one."""
        return self.articles_done + extracted_so_far() - self._extracted_at_chunk

    def line(self) -> str:
        """`files 3/13 (23%) · 1,204 articles · 40.1 articles/s · 2m05s left`."""
        elapsed = max(time.monotonic() - self._started, 1e-6)
        articles = self.articles()
        parts = [
            f"files {self.files_done}/{self.files} ({100 * self._done() // self._total()}%)",
            f"{articles:,} articles",
            f"{articles / elapsed:.1f} articles/s",
        ]
        if 0 < self._done() < self._total():
            left = elapsed * (self._total() - self._done()) / self._done()
            parts.append(f"about {_duration(left)} left")
        return " · ".join(parts)

    def _tick(self) -> None:
        wait = 1.0 if self.terminal else self.interval
        while not self._stop.wait(wait):
            self._show(force=False)

    def _show(self, force: bool) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            self._show_locked(force)

    def _show_locked(self, force: bool) -> None:
        if self._bar is not None:
            self._bar.n = self._done()
            self._bar.set_postfix_str(
                f"files {self.files_done}/{self.files}, {self.articles():,} articles",
                refresh=True,
            )
            return
        shown = (self.files_done, self.articles())
        if force or shown != self._last_shown:
            print(f"newsbeam: progress: {self.line()}", file=self.stream, flush=True)
            self._last_shown = shown
