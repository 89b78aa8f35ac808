"""The table schemas: each round-trips through Parquet, and required columns are enforced."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsbeam.schemas import ARTICLES, DUPLICATES, REJECTS, SCHEMA_VERSION, TABLES
from tests.support.builders import (
    article_row,
    duplicate_row,
    health_row,
    reject_row,
    run_row,
    story_merge_row,
    story_row,
    variant_row,
)

# One complete row of each table, as the builders make it.
EXAMPLES = {
    "articles": article_row(),
    "duplicates": duplicate_row(),
    "entity_variants": variant_row(),
    "stories": story_row(),
    "story_merges": story_merge_row(),
    "runs": run_row(),
    "rejects": reject_row(),
    "source_health": health_row(),
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_schema_round_trips_through_parquet(name, tmp_path):
    table = TABLES[name]
    row = EXAMPLES[name]
    assert set(row) == set(table.schema.names)
    written = pa.Table.from_pylist([row], schema=table.file_schema)
    path = tmp_path / "t.parquet"
    pq.write_table(written, path)
    read = pq.read_table(path)
    assert read.schema.equals(table.file_schema, check_metadata=False)
    assert read.schema.metadata[b"newsbeam.schema_version"] == str(SCHEMA_VERSION).encode()
    assert read.schema.metadata[b"newsbeam.table"] == name.encode()
    expected = {k: v for k, v in row.items() if k not in table.partition_by}
    assert read.to_pylist() == [expected]


def test_partition_columns_live_in_the_path_not_the_file():
    assert ARTICLES.partition_by == ("date", "region")
    assert "date" not in ARTICLES.file_schema.names and "region" not in ARTICLES.file_schema.names
    assert DUPLICATES.partition_by == () and REJECTS.partition_by == ()


def test_rows_missing_required_columns_are_named():
    row = dict(EXAMPLES["articles"], text=None)
    del row["region"]
    assert ARTICLES.violations(row) == ["text", "region"]
    assert ARTICLES.violations(EXAMPLES["articles"]) == []


def test_parquet_refuses_nulls_in_required_columns(tmp_path):
    """Why rows are checked before writing: one null would fail the whole file."""
    row = dict(EXAMPLES["rejects"], reason=None)
    table = pa.Table.from_pylist([row], schema=REJECTS.file_schema)
    with pytest.raises(pa.ArrowInvalid):
        pq.write_table(table, tmp_path / "t.parquet")
