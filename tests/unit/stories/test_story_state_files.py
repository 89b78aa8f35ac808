"""The open stories beside the output: a failed run leaves them as they were, old state is
not resumed, a damaged file is named rather than read as no stories, and a copy of an
article whose story has closed finds that story in the written articles."""

import gzip
import os
import time

import pytest

from newsbeam.schemas.layout import story_state_path
from newsbeam.transforms.stories.story_batches import StoryState, assign_batch
from newsbeam.transforms.stories.story_state_files import (
    commit_story_state,
    load_story_state,
    recover_story_state,
    stage_story_state,
    staged_story_tokens,
    written_story_ids,
)
from tests.unit.stories.test_story_batches import SNOWDEN, _cards

DAY = 86_400.0


def _state_with(titles, prefix) -> StoryState:
    state = StoryState()
    assign_batch(state, _cards(titles, prefix=prefix))
    return state


def test_a_run_s_stories_become_current_only_when_committed(tmp_path):
    out = str(tmp_path)
    stage_story_state(out, "run1", _state_with(SNOWDEN[:1], "a"))
    assert load_story_state(out, 7 * DAY).index.story_ids() == set()  # staged, not current
    assert commit_story_state(out, "run1")
    assert load_story_state(out, 7 * DAY).index.story_ids() == {"a0"}
    # A second run fails after staging: the next one resumes from the first.
    stage_story_state(out, "run2", _state_with(SNOWDEN[1:2], "b"))
    assert load_story_state(out, 7 * DAY).index.story_ids() == {"a0"}
    assert not commit_story_state(out, "run3")  # staged nothing: the current stays


def test_a_finished_run_s_uncommitted_stories_are_recovered_and_a_failed_run_s_are_not(
    tmp_path,
):
    """A run killed between its runs row and its commit left its stories staged: the next
    run makes them current. A failed run (no runs row) and one whose stories are older
    than the current ones are not made current."""
    out = str(tmp_path)
    stage_story_state(out, "run1", _state_with(SNOWDEN[:1], "a"))
    commit_story_state(out, "run1")
    stage_story_state(out, "failed", _state_with(SNOWDEN[1:2], "f"))
    stage_story_state(out, "killed", _state_with(SNOWDEN[1:2], "k"))
    assert recover_story_state(out, {"run1", "killed"}) == "killed"
    assert load_story_state(out, 7 * DAY).index.story_ids() == {"k0"}
    assert list(staged_story_tokens(out)) == ["failed"]  # never made current
    assert recover_story_state(out, {"run1", "killed"}) is None  # nothing left to recover


def test_stories_older_than_the_current_ones_are_not_recovered(tmp_path):
    out = str(tmp_path)
    stage_story_state(out, "old", _state_with(SNOWDEN[:1], "o"))
    time.sleep(0.01)
    stage_story_state(out, "new", _state_with(SNOWDEN[1:2], "n"))
    commit_story_state(out, "new")
    assert recover_story_state(out, {"old", "new"}) is None
    assert load_story_state(out, 7 * DAY).index.story_ids() == {"n0"}
    assert staged_story_tokens(out) == {}  # superseded: deleted


def test_stories_saved_longer_ago_than_the_expiry_are_not_resumed(tmp_path):
    out = str(tmp_path)
    stage_story_state(out, "run1", _state_with(SNOWDEN[:1], "a"))
    commit_story_state(out, "run1")
    later = os.path.getmtime(story_state_path(out)) + 8 * DAY
    assert load_story_state(out, 7 * DAY, now=later).index.story_ids() == set()


def test_a_damaged_state_file_fails_loudly(tmp_path):
    out = str(tmp_path)
    stage_story_state(out, "run1", _state_with(SNOWDEN[:1], "a"))
    commit_story_state(out, "run1")
    with open(story_state_path(out), "r+b") as handle:
        handle.truncate(30)
    with pytest.raises((EOFError, OSError, gzip.BadGzipFile)):
        load_story_state(out, 7 * DAY)


def test_a_copy_s_closed_story_is_read_from_articles_written_within_the_expiry(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    def written(day: str, rows: list[tuple[str, str]], age_s: float) -> None:
        folder = tmp_path / "articles" / f"date={day}" / "region=africa"
        folder.mkdir(parents=True)
        path = folder / "part.parquet"
        ids, stories = zip(*rows, strict=True)
        pq.write_table(pa.table({"id": list(ids), "story_id": list(stories)}), path)
        os.utime(path, (time.time() - age_s, time.time() - age_s))

    written("2025-03-03", [("k1", "s1"), ("k2", "s1")], age_s=DAY)
    written("2025-02-01", [("old", "s0")], age_s=30 * DAY)
    damaged = tmp_path / "articles" / "date=2025-03-04" / "region=africa" / "part.parquet"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"PAR1 cut short")
    since = time.time() - 7 * DAY
    assert written_story_ids(str(tmp_path), {"k2", "old", "never"}, since) == {"k2": "s1"}


def test_an_article_of_a_killed_run_is_not_read_as_written_until_its_story_has_a_row(tmp_path):
    """A run killed after its articles files and before its stories files: no `runs` row
    spans the articles' ingestion and their stories have no row. Read as written, the rerun
    would leave those stories without rows (and the next articles in other stories); left
    out, they are assigned again. Once a row of its story is written after it (a rerun's),
    an article is read as written again; a row from before it (an earlier run's row of the
    same story) does not count."""
    from datetime import UTC, datetime, timedelta

    import pyarrow as pa
    import pyarrow.parquet as pq

    now = datetime.now(UTC)
    finished_run = (now - timedelta(hours=3), now - timedelta(hours=2))

    def table(folder: str, name: str, columns: dict) -> None:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table(columns), tmp_path / folder / f"{name}.parquet")

    killed_at = now - timedelta(hours=1)  # after the finished run: a run with no `runs` row
    table(
        "articles/date=2025-03-03/region=africa",
        "part",
        {
            "id": ["done", "killed", "added_to_older", "repaired"],
            "story_id": ["s1", "s2", "s1", "s3"],
            "ingested_at": [finished_run[0] + timedelta(minutes=5), *[killed_at] * 3],
        },
    )
    table("runs", "part", {"started_at": [finished_run[0]], "ended_at": [finished_run[1]]})
    # s1's row is the finished run's, from before the killed run added to s1; s3's row is a
    # rerun's, written after.
    table(
        "stories",
        "part",
        {
            "story_id": ["s1", "s3"],
            "ingested_at": [finished_run[0], now - timedelta(minutes=1)],
        },
    )
    since = time.time() - 7 * DAY
    ids = {"done", "killed", "added_to_older", "repaired"}
    assert written_story_ids(str(tmp_path), ids, since, finished_only=True) == {
        "done": "s1",
        "repaired": "s3",
    }
    assert written_story_ids(str(tmp_path), ids, since) == {
        "done": "s1",
        "killed": "s2",
        "added_to_older": "s1",
        "repaired": "s3",
    }
