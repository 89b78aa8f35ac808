"""`WriteTable`: partitioned, atomic Parquet files; a re-run adds nothing."""

from __future__ import annotations

import re
from datetime import date

import apache_beam as beam
import duckdb
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline
from apache_beam.testing.util import assert_that, is_not_empty

from newsbeam.options import LOCAL_RUNNER
from newsbeam.schemas import ARTICLES, DUPLICATES
from newsbeam.transforms.write.parquet_files import UnreadableFile
from newsbeam.transforms.write.write_tables import WriteTable
from tests.support.builders import STORY, article_row, duplicate_row


def _article_row(article_id: str, day: date, region: str) -> dict:
    return article_row(id=article_id, input=article_id, date=day, region=region, text=STORY)


def _write(rows, output_dir, table=ARTICLES, max_rows=100_000):
    with BeamTestPipeline(runner=LOCAL_RUNNER) as p:
        written = p | beam.Create(rows) | WriteTable(str(output_dir), table, max_rows)
        assert_that(written, is_not_empty()) if rows else None


def test_write_table_partitions_atomically_and_reruns_add_nothing(tmp_path):
    rows = [
        _article_row("a1", date(2025, 3, 3), "eastern-africa"),
        _article_row("a2", date(2025, 3, 3), "eastern-africa"),
        _article_row("a3", date(2025, 3, 4), "../../escape"),
    ]
    _write(rows, tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet"))
    assert [f.rsplit("/", 1)[0] for f in files] == [
        "articles/date=2025-03-03/region=eastern-africa",
        "articles/date=2025-03-04/region=escape",
    ]
    assert not list(tmp_path.rglob("*.tmp"))

    _write(rows + [_article_row("a4", date(2025, 3, 3), "eastern-africa")], tmp_path)
    counts = duckdb.sql(
        f"SELECT id, count(*) FROM read_parquet('{tmp_path}/articles/*/*/*.parquet', hive_partitioning=true) GROUP BY id ORDER BY id"
    ).fetchall()
    assert counts == [("a1", 1), ("a2", 1), ("a3", 1), ("a4", 1)]


def test_write_table_splits_large_partitions_into_files(tmp_path):
    rows = [_article_row(f"id{i:02d}", date(2025, 3, 3), "eastern-africa") for i in range(25)]
    _write(rows, tmp_path, max_rows=10)
    files = list(tmp_path.rglob("*.parquet"))
    assert len(files) == 3
    total = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/articles/*/*/*.parquet')"
    ).fetchall()
    assert total == [(25,)]


def test_flat_tables_have_no_partitions(tmp_path):
    row = duplicate_row(id="d1", duplicate_of="a1", date=date(2025, 3, 3), input="x")
    _write([row], tmp_path, table=DUPLICATES)
    (path,) = tmp_path.rglob("*.parquet")
    assert path.parent == tmp_path / "duplicates"


def test_a_key_check_meeting_an_unreadable_file_names_it(tmp_path):
    """Where no check runs first (an object-store output), the step that reads the file
    fails with its path, not pyarrow's '<Buffer>'."""
    _write([_article_row("a1", date(2025, 3, 3), "eastern-africa")], tmp_path)
    empty = tmp_path / "articles" / "date=2025-03-03" / "region=eastern-africa" / "part-0.parquet"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match=re.escape(str(empty))):
        _write([_article_row("a2", date(2025, 3, 3), "eastern-africa")], tmp_path)


def _write_and_count(rows, output_dir, table, written_rows: int, already_written: int) -> int:
    """Runs the write, asserting how many rows it wrote and counted as already written;
    returns its `<table>_merged_in_run` counter."""
    from apache_beam.metrics.metric import MetricsFilter

    from newsbeam.transforms.write.write_tables import ALREADY_WRITTEN, WriteTables

    def tally(written):
        already = sum(sum(w.sources.values()) for w in written if w.target == ALREADY_WRITTEN)
        new = sum(sum(w.sources.values()) for w in written if w.target != ALREADY_WRITTEN)
        if (new, already) != (written_rows, already_written):
            raise AssertionError(f"written {new}, already written {already}")

    pipeline = BeamTestPipeline(runner=LOCAL_RUNNER)
    rows = pipeline | beam.Create(rows)
    written = {table.name: rows} | WriteTables({table.name: (str(output_dir), table)})
    assert_that(written, tally)
    result = pipeline.run()
    result.wait_until_finish()
    counters = result.metrics().query(MetricsFilter().with_name(f"{table.name}_merged_in_run"))
    return sum(counter.committed for counter in counters["counters"])


def test_two_rows_of_one_run_under_one_key_are_not_counted_as_written_before(tmp_path):
    """Two inputs merged into one row lose one of them: counted as merged, never as a row
    an earlier run wrote, so the run's accounting cannot balance on it."""
    rows = [
        duplicate_row(id="d1", duplicate_of="a1", date=date(2025, 3, 3), input=name)
        for name in ("first", "second")
    ]
    assert _write_and_count(rows, tmp_path, DUPLICATES, written_rows=1, already_written=0) == 1
    # A re-run: both rows' key is on disk, written before.
    assert _write_and_count(rows, tmp_path, DUPLICATES, written_rows=0, already_written=2) == 0


def test_one_article_twice_in_a_run_is_one_row_and_a_merge_not_written_before(tmp_path):
    """The articles table (with versions): the same id and text twice in one run is one row
    and one merge, never counted as written before; a re-run finds both on disk."""
    rows = [
        article_row(id="a1", input=name, date=date(2025, 3, 3), region="r", text=STORY)
        for name in ("first", "second")
    ]
    assert _write_and_count(rows, tmp_path, ARTICLES, written_rows=1, already_written=0) == 1
    assert _write_and_count(rows, tmp_path, ARTICLES, written_rows=0, already_written=2) == 0
