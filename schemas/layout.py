"""Where things live in an output directory: the tables, and newsbeam's own bookkeeping.

    DIR/articles/date=2020-10-19/region=western-asia/part-<hash>.parquet
    DIR/duplicates/, DIR/rejects/, DIR/entity_variants/, DIR/runs/   (flat tables)
    DIR/_temporary/        files being written; renamed into place once complete
    DIR/_state/minhash/    the MinHash index later runs compare new articles against
    DIR/_state/feeds/      a local stream's per-feed state, one JSON file a feed
    DIR/_state/pending/    a stream window's feed states, made current once its files are in
    DIR/_state/stories/    the open stories later runs add to (current.json.gz), and each
                           run's staged copy (pending/), made current once its files are in
    DIR/_state/writer.lock who is writing into DIR now (one `run` or `stream` at a time)
    DIR/_quarantine/       unreadable files `newsbeam check --repair` moved aside, each under
                           its path relative to DIR (read by nothing)

Every module that reads or writes one of these paths asks this one; names starting with
`_` keep newsbeam's own folders out of the way of a `*/*.parquet` glob over the tables.
"""

from __future__ import annotations

__all__ = [
    "QUARANTINE",
    "TEMPORARY",
    "feed_state_dir",
    "pending_feed_state_dir",
    "pending_feed_states_dir",
    "quarantine_dir",
    "state_dir",
    "story_state_path",
    "temporary_dir",
    "writer_lock_path",
]

TEMPORARY = "_temporary"
QUARANTINE = "_quarantine"
_STATE = "_state"
_FEEDS = "feeds"
_PENDING = "pending"
_WRITER_LOCK = "writer.lock"
_STORIES = "stories"


def _join(*parts: str) -> str:
    """Beam's join, imported when first used: naming a path should not load Beam."""
    from apache_beam.io.filesystems import FileSystems

    return FileSystems.join(*parts)


def temporary_dir(output_dir: str) -> str:
    """Where a file is written before it is renamed into its table (local, gs://, s3://)."""
    return _join(output_dir, TEMPORARY)


def state_dir(output_dir: str) -> str:
    """The root of newsbeam's state; the MinHash index is a table under it."""
    return _join(output_dir, _STATE)


def feed_state_dir(output_dir: str) -> str:
    return _join(output_dir, _STATE, _FEEDS)


def pending_feed_state_dir(output_dir: str, run_id: str) -> str:
    return _join(output_dir, _STATE, _PENDING, run_id)


def story_state_path(output_dir: str, pending_token: str | None = None) -> str:
    """The open stories later runs resume from; with `pending_token`, a run's staged copy."""
    if pending_token is None:
        return _join(output_dir, _STATE, _STORIES, "current.json.gz")
    return _join(output_dir, _STATE, _STORIES, _PENDING, f"{pending_token}.json.gz")


def writer_lock_path(output_dir: str) -> str:
    """The file a `run` or `stream` locks while it writes into `output_dir` (local only)."""
    return _join(output_dir, _STATE, _WRITER_LOCK)


def pending_feed_states_dir(output_dir: str) -> str:
    """The folder of every window's pending folder (`pending_feed_state_dir`)."""
    return _join(output_dir, _STATE, _PENDING)


def quarantine_dir(output_dir: str) -> str:
    """Where `newsbeam check --repair` moves unreadable files, keeping their relative path."""
    return _join(output_dir, QUARANTINE)
