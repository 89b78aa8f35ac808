"""The output directory before a run: can it take files, and what earlier runs left to tidy.

Both happen before any graph is built: a full disk or a read-only mount should stop a run
in a second, not on its first write after an hour of NLP.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from datetime import datetime

from newsbeam.schemas.layout import feed_state_dir, temporary_dir

__all__ = ["STALE_TEMPORARY_S", "check_writable", "finish_interrupted_runs", "tidy"]

_LOG = logging.getLogger(__name__)

STALE_TEMPORARY_S = 3600
"""A temporary file this old belongs to a killed run: no single file takes an hour to write."""

_CLOCK_SLACK_S = 60.0
"""How far file times of one output may disagree (an object store's clock, coarse mtimes)."""


def check_writable(output: str, min_free_bytes: int) -> None:
    """Raises ValueError when a local output directory cannot take a file, or its disk has
    less than `min_free_bytes` free."""
    probe_dir = temporary_dir(output)
    probe = os.path.join(probe_dir, f".probe-{os.getpid()}")
    try:
        os.makedirs(probe_dir, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"newsbeam")
        os.remove(probe)
    except OSError as error:
        raise ValueError(f"cannot write to --output {output}: {error.strerror or error}") from None
    free = shutil.disk_usage(output).free
    if free < min_free_bytes:
        raise ValueError(
            f"the disk of --output {output} is full: {free:,} bytes free, "
            f"--min-free-bytes={min_free_bytes:,}"
        )


def tidy(output: str, index_cutoff: datetime) -> None:
    """Deletes MinHash index files older than `index_cutoff`, and the temporary files of
    killed runs, so that neither grows without bound across runs."""
    # Here, not above: the probe runs before every run and stream, and needs neither.
    from newsbeam.transforms.dedupe.index_files import prune_index
    from newsbeam.transforms.write.parquet_files import remove_stale_temporary

    expired = prune_index(output, index_cutoff)
    if expired:
        _LOG.info("expired %d MinHash index files", expired)
    stale = remove_stale_temporary(output, STALE_TEMPORARY_S)
    if stale:
        _LOG.info("removed %d temporary files of killed runs", stale)
    finish_interrupted_runs(output)


def finish_interrupted_runs(output: str) -> None:
    """What a run killed after its `runs` row, before it made its staged state current,
    left undone: its rows are written and say so, so its open stories (and a local
    stream's feed states) become current now. Otherwise the next run would add to the
    stories as they were before it, and give the same article another story than a run
    that was never killed. What runs without a `runs` row staged (failed, or killed
    before it) is deleted: nothing would ever make it current."""
    from newsbeam.transforms.sources.feed_state import FeedStateStore
    from newsbeam.transforms.stories.story_state_files import (
        discard_story_state,
        recover_story_state,
        staged_story_tokens,
    )

    # Feed states are a local stream's, beside a local output.
    local = "://" not in output
    store = FeedStateStore(output) if local and os.path.isdir(feed_state_dir(output)) else None
    staged_feeds = store.staged_runs() if store else {}
    staged_stories = staged_story_tokens(output)
    if not (staged_feeds or staged_stories):
        return  # the usual case: the runs table is not read
    # A run's row is written after what it staged: older runs files cannot hold it.
    oldest = min([*staged_feeds.values(), *staged_stories.values()])
    started = _finished_runs(output, written_since=oldest - _CLOCK_SLACK_S)
    recover_story_state(output, started)
    for run_id in sorted(staged_feeds.keys() & started.keys(), key=started.get):
        store.commit(run_id)
        _LOG.warning("feed states of window %s, killed before their commit, recovered", run_id)
    # A local output's writer lock is held: a run without a row is dead. Elsewhere, one
    # may still be running: its staged file is young.
    dead_before = time.time() - (0 if local else STALE_TEMPORARY_S)
    for token, written in staged_stories.items():
        if token not in started and written < dead_before:
            discard_story_state(output, token)
    for run_id in staged_feeds.keys() - started.keys():
        store.discard(run_id)


def _finished_runs(output: str, written_since: float) -> dict[str, float]:
    """Each run with a `runs` row in a file written since `written_since` (epoch seconds):
    its id and when it started."""
    from newsbeam.schemas import RUNS
    from newsbeam.transforms.write.parquet_files import table_rows

    started: dict[str, float] = {}
    for rows in table_rows(output, RUNS, ["run_id", "started_at"], written_since):
        started.update((row["run_id"], row["started_at"].timestamp()) for row in rows)
    return started
