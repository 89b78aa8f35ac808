"""`newsbeam.compaction` on real Parquet files: the same rows, once each, in fewer files,
from closed partitions only. (Killed at any step: tests/e2e/test_compaction.py.)"""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsbeam.compaction import STAGING_PREFIX, compact_output, plan_compaction
from newsbeam.folder_exchange import exchange_folders
from newsbeam.query import connect
from newsbeam.schemas import ARTICLES, RUNS
from newsbeam.schemas.layout import TEMPORARY
from newsbeam.transforms.write.parquet_files import partition_dir, write_rows
from tests.support.builders import article_row
from tests.support.window_files import REGIONS, age_files, all_rows, table_files, write_window

HOUR = 3600.0


@pytest.fixture
def stream_output(tmp_path) -> str:
    output = str(tmp_path / "out")
    for window in range(8):
        write_window(output, window)
    age_files(output, 2 * HOUR)
    return output


def test_every_row_is_kept_once_in_one_file_per_folder(stream_output):
    before = all_rows(stream_output)
    assert len(table_files(stream_output, "articles")) == 8 * len(REGIONS)

    result = compact_output(stream_output)

    assert all_rows(stream_output) == before
    # Two days of three regions: one file each; each flat table: one file.
    assert len(table_files(stream_output, "articles")) == 6
    for table in ("duplicates", "rejects", "runs"):
        assert len(table_files(stream_output, table)) == 1, table
    assert (result.folders, result.files_merged, result.files_written) == (9, 48, 9)
    assert result.rows == 8 * len(REGIONS) + 3 * 8
    staging = os.listdir(os.path.join(stream_output, TEMPORARY))
    assert not [name for name in staging if name.startswith(STAGING_PREFIX)]
    # Done: a second compaction finds nothing to merge.
    assert compact_output(stream_output).folders == 0


def test_a_partition_still_being_written_and_recent_files_stay_as_they_are(stream_output):
    # One more window now: its day's partitions are open again, its flat files are new.
    write_window(stream_output, 8)
    recent_day = "date=2025-03-01"
    before = all_rows(stream_output)

    compact_output(stream_output, quiet_for=HOUR)

    assert all_rows(stream_output) == before
    files = table_files(stream_output, "articles")
    assert len([f for f in files if f.startswith(recent_day)]) == 5 * len(REGIONS)
    assert len([f for f in files if not f.startswith(recent_day)]) == len(REGIONS)
    assert len(table_files(stream_output, "runs")) == 2  # the old seven merged, the new one left
    # --quiet-for 0 takes everything.
    compact_output(stream_output, quiet_for=0)
    assert len(table_files(stream_output, "articles")) == 6
    assert all_rows(stream_output) == before


def test_merged_files_stop_at_the_target_size_and_large_files_are_left(stream_output):
    sizes = [
        os.path.getsize(os.path.join(stream_output, "runs", name))
        for name in table_files(stream_output, "runs")
    ]
    target = 3 * max(sizes)  # three small files a group; none is over half of it
    before = all_rows(stream_output)
    compact_output(stream_output, target_bytes=target)
    assert all_rows(stream_output) == before
    # 8 files in groups of at most 3: 3 + 3 + 2.
    assert len(table_files(stream_output, "runs")) == 3
    # A file of at least half the target is left as it is: nothing to merge.
    merged = [
        os.path.join(stream_output, "runs", name) for name in table_files(stream_output, "runs")
    ]
    target = 2 * min(map(os.path.getsize, merged))
    assert not [plan for plan in plan_compaction(stream_output, target, 0) if plan.table is RUNS]
    assert [plan for plan in plan_compaction(stream_output, target + 2, 0) if plan.table is RUNS]


def test_a_row_repeated_whole_is_written_once_rows_that_differ_are_all_kept(tmp_path):
    output = str(tmp_path / "out")
    first = article_row(id="1" * 32)
    revision = article_row(id="1" * 32, content_hash="d" * 32, title="Corrected")
    # Same key and text hash, another column different (as a streaming runner that writes
    # without the key check can leave): compaction does not choose between them.
    differing = article_row(id="1" * 32, title="Other headline")
    folder = os.path.join(output, "articles", partition_dir(ARTICLES, first))
    write_rows(output, ARTICLES, partition_dir(ARTICLES, first), [first])
    write_rows(output, ARTICLES, partition_dir(ARTICLES, first), [first, revision])
    # (write_rows names a file by its keys: these two go under names of their own.)
    for name, row in (("again.parquet", first), ("differing.parquet", differing)):
        rows = pa.Table.from_pylist([row], schema=ARTICLES.file_schema)
        pq.write_table(rows, os.path.join(folder, name))
    age_files(output, 2 * HOUR)

    result = compact_output(output)

    db = connect(output)
    assert db.execute("SELECT title FROM articles ORDER BY title").fetchall() == [
        ("Corrected",),
        ("Other headline",),
        ("T",),
    ]
    assert (result.files_merged, result.repeated_rows_dropped) == (4, 2)


def test_files_of_older_versions_are_merged_without_losing_a_column(tmp_path):
    output = str(tmp_path / "out")
    current = article_row(id="2" * 32)
    partition = partition_dir(ARTICLES, current)
    folder = os.path.join(output, "articles", partition)
    write_rows(output, ARTICLES, partition, [current])
    schema = ARTICLES.file_schema

    def older_file(name: str, row_id: str, without: tuple[str, ...]) -> None:
        kept = pa.schema([column for column in schema if column.name not in without])
        rows = [article_row(id=row_id * 32)]
        pq.write_table(pa.Table.from_pylist(rows, schema=kept), os.path.join(folder, name))

    # Written before `ner_model` (nullable): brought to the current schema.
    older_file("v5.parquet", "3", ("ner_model",))
    # Written before `story_id`, which the current schema requires: two such files are
    # merged with each other, in their own schema, not with the current one.
    older_file("v4a.parquet", "4", ("ner_model", "story_id"))
    older_file("v4b.parquet", "5", ("ner_model", "story_id"))
    # A file with a column this version does not know: merging would drop it.
    newer = pa.Table.from_pylist([article_row(id="6" * 32)], schema=schema)
    pq.write_table(
        newer.append_column("sentiment", pa.array([0.5])), os.path.join(folder, "v7.parquet")
    )
    age_files(output, 2 * HOUR)
    before = all_rows(output)

    result = compact_output(output)

    assert all_rows(output) == before
    assert result.files_merged == 4 and result.files_written == 2
    assert result.files_left == {"a column this version does not write": 1}
    files = {
        name: pq.read_table(os.path.join(folder, name)).to_pylist() for name in os.listdir(folder)
    }
    by_ids = {"".join(row["id"][0] for row in rows): rows for rows in files.values()}
    assert sorted(by_ids) == ["23", "45", "6"]
    assert [(row["ner_model"], row["story_id"]) for row in by_ids["23"]] == [
        (current["ner_model"], current["story_id"]),
        (None, current["story_id"]),
    ]
    assert "story_id" not in by_ids["45"][0] and "v7.parquet" in files


def test_folders_exchange_in_one_step(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (first / "old").write_text("x")
    (second / "new").write_text("y")
    exchange_folders(str(first), str(second))
    assert os.listdir(first) == ["new"] and os.listdir(second) == ["old"]
    with pytest.raises(FileNotFoundError):
        exchange_folders(str(first), str(tmp_path / "missing"))
