"""The open stories beside the output, so that later runs and windows add to them.

A run reads `_state/stories/current.json.gz`, stages what it leaves under a token of its
own (`pending/`), and the caller makes that current once the run's files are written: a
run that fails leaves the stories as the last complete run left them, like the feed
states. State older than `--state-expiry` is not resumed (its stories are long closed; its
word frequencies stale). Through Beam's file systems, so a `gs://` or `s3://` output works.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import time
from collections.abc import Container, Iterable

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from newsbeam.schemas import ARTICLES, RUNS, STORIES
from newsbeam.schemas.layout import story_state_path
from newsbeam.transforms.stories.story_batches import StoryState
from newsbeam.transforms.write.parquet_files import table_rows

__all__ = [
    "commit_story_state",
    "discard_story_state",
    "load_story_state",
    "recover_story_state",
    "staged_story_tokens",
    "stage_story_state",
    "written_story_ids",
]

_LOG = logging.getLogger(__name__)

_STAGED_SUFFIX = ".json.gz"


def load_story_state(output_dir: str, expiry_s: float, now: float | None = None) -> StoryState:
    """The stories the last complete run left open, or none if it is older than `expiry_s`."""
    saved = _read_saved(story_state_path(output_dir))
    if saved is None:
        return StoryState()
    if saved["saved_at"] < (time.time() if now is None else now) - expiry_s:
        return StoryState()
    return StoryState.from_json(saved["state"])


def written_story_ids(
    output_dir: str, article_ids: Iterable[str], written_since: float, finished_only: bool = False
) -> dict[str, str]:
    """The story each article was written with, for those in `articles` files written since
    `written_since` (epoch seconds): a copy whose article's story has closed (the state
    keeps open stories only) takes the story its article has on disk. Copies are found
    within `--state-expiry` of their article's ingestion, so older files are not read.

    `finished_only`: not an article of a killed run, which wrote it before its `stories`
    rows and open stories were saved: no `runs` row spans its ingestion and no row of its
    story was written after it (a rerun's; an earlier run's row of the same story, from
    before it, does not count). It is left to be assigned again: from the same open
    stories, the same input gets the same stories, so its story gets its row and the
    articles after it join it, as in a run never killed."""
    wanted = set(article_ids)
    found: dict[str, str] = {}
    unspanned: dict[str, tuple[str, float]] = {}
    columns = ["id", "story_id", "ingested_at"] if finished_only else ["id", "story_id"]
    spans: list[tuple[float, float]] | None = None  # read once a row needs them
    # Newest partitions first: most copies are of recent articles, and the read stops
    # once every article is found.
    for rows in table_rows(output_dir, ARTICLES, columns, written_since, newest_first=True):
        if not wanted:
            break
        for row in rows:
            if row["id"] not in wanted or not row.get("story_id"):  # none before schema 6
                continue
            wanted.discard(row["id"])
            if not finished_only:
                found[row["id"]] = row["story_id"]
                continue
            spans = _finished_spans(output_dir, written_since) if spans is None else spans
            ingested = row["ingested_at"].timestamp()
            if _within(ingested, spans):
                found[row["id"]] = row["story_id"]
            else:
                unspanned[row["id"]] = (row["story_id"], ingested)
    if unspanned:
        stories = {story for story, _ in unspanned.values()}
        latest = _latest_story_rows(output_dir, stories, written_since)
        for article, (story, ingested) in unspanned.items():
            if latest.get(story, -1.0) >= ingested:
                found[article] = story
    return found


def _finished_spans(output_dir: str, written_since: float) -> list[tuple[float, float]]:
    """(started, ended) of each run whose `runs` row is in a file written since then."""
    return [
        (row["started_at"].timestamp(), row["ended_at"].timestamp())
        for rows in table_rows(output_dir, RUNS, ["started_at", "ended_at"], written_since)
        for row in rows
    ]


def _within(moment: float, spans: list[tuple[float, float]]) -> bool:
    return any(started <= moment <= ended for started, ended in spans)


def _latest_story_rows(output_dir: str, story_ids: set[str], written_since: float) -> dict:
    """Story id -> when its newest `stories` row was written (epoch seconds), for those of
    `story_ids` with a row in a file written since then."""
    latest: dict[str, float] = {}
    for rows in table_rows(output_dir, STORIES, ["story_id", "ingested_at"], written_since):
        for row in rows:
            if row["story_id"] in story_ids:
                at = row["ingested_at"].timestamp()
                latest[row["story_id"]] = max(at, latest.get(row["story_id"], at))
    return latest


def stage_story_state(output_dir: str, token: str, state: StoryState) -> str:
    """Writes the run's stories under its token; `commit_story_state` makes them current."""
    path = story_state_path(output_dir, token)
    data = gzip.compress(json.dumps({"saved_at": time.time(), "state": state.to_json()}).encode())
    _make_parent(path)
    temporary = f"{path}.tmp"
    with FileSystems.create(temporary, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.write(data)
    FileSystems.rename([temporary], [path])
    return path


def commit_story_state(output_dir: str, token: str) -> bool:
    """Makes the run's staged stories current; False if it staged none (no articles)."""
    staged, current = story_state_path(output_dir, token), story_state_path(output_dir)
    if not FileSystems.exists(staged):
        return False
    if FileSystems.get_scheme(current) is None:
        os.replace(staged, current)  # atomic: a reader sees the old stories or the new
        return True
    if FileSystems.exists(current):
        FileSystems.delete([current])
    FileSystems.rename([staged], [current])
    return True


def discard_story_state(output_dir: str, token: str) -> None:
    """Deletes a failed run's staged stories, if it staged any."""
    staged = story_state_path(output_dir, token)
    if FileSystems.exists(staged):
        FileSystems.delete([staged])


def recover_story_state(output_dir: str, finished_runs: Container[str]) -> str | None:
    """Makes current the stories a finished run staged but did not commit (it was killed
    between its `runs` row and the commit): the token of the run whose stories these are,
    or None. A run stages under its run id, so `finished_runs` (the ids with a `runs` row)
    tells a finished run's stories from a failed one's, which stay pending and unread.
    Only stories newer than the current ones are made current; the finished run's other
    staged copies, superseded, are deleted."""
    finished = [token for token in staged_story_tokens(output_dir) if token in finished_runs]
    if not finished:
        return None
    saved_at = {token: _saved_at(story_state_path(output_dir, token)) for token in finished}
    newest = max(finished, key=lambda token: saved_at[token])
    current = _saved_at(story_state_path(output_dir))
    recovered = newest if saved_at[newest] > current else None
    superseded = [token for token in finished if token != recovered]
    if superseded:
        FileSystems.delete([story_state_path(output_dir, token) for token in superseded])
    if recovered is not None:
        commit_story_state(output_dir, recovered)
        _LOG.warning("stories of run %s, killed before it made them current, recovered", newest)
    return recovered


def staged_story_tokens(output_dir: str) -> dict[str, float]:
    """The tokens (run ids) of the stories staged and not made current, each with when
    its file was written (epoch seconds)."""
    pattern = story_state_path(output_dir, "*")
    if FileSystems.get_scheme(pattern) is None:
        folder = os.path.dirname(pattern)
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        files = [(name, os.path.getmtime(os.path.join(folder, name))) for name in names]
    else:
        try:
            matched = FileSystems.match([pattern])[0].metadata_list
        except Exception:  # noqa: BLE001 - Beam raises BeamIOError for a missing folder
            matched = []
        files = [(m.path.rsplit("/", 1)[-1], m.last_updated_in_seconds) for m in matched]
    return {
        name.removesuffix(_STAGED_SUFFIX): written
        for name, written in files
        if name.endswith(_STAGED_SUFFIX)
    }


def _saved_at(path: str) -> float:
    """When the stories at `path` were saved; minus infinity where there are none."""
    saved = _read_saved(path)
    return float("-inf") if saved is None else saved["saved_at"]


def _read_saved(path: str) -> dict | None:
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return json.loads(gzip.decompress(handle.read()))


def _make_parent(path: str) -> None:
    if FileSystems.get_scheme(path) is None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
