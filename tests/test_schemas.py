from datetime import UTC, date, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsbeam.schemas import ARTICLES, DUPLICATES, REJECTS, SCHEMA_VERSION, TABLES

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)

EXAMPLES = {
    "articles": {
        "id": "a" * 32,
        "url": "https://x.test/a",
        "source": "S",
        "title": "T",
        "text": "Body",
        "published_at": NOW,
        "date": date(2025, 3, 10),
        "date_source": "header",
        "region": "eastern-africa",
        "countries": ["KE"],
        "language": "en",
        "persons": ["Grace Wanjiru"],
        "organizations": [],
        "locations": ["Kenya"],
        "entities": [
            {
                "text": "Kenya",
                "label": "GPE",
                "canonical": "Kenya",
                "count": 2,
                "country": "KE",
                "latitude": 1.0,
                "longitude": 38.0,
            }
        ],
        "quotes": [{"speaker": "Grace Wanjiru", "text": "We will deliver water to every county"}],
        "authors": [],
        "tags": [],
        "feed_url": None,
        "text_source": "file",
        "input": "a.txt",
        "content_hash": "c" * 32,
        "word_count": 1,
        "duplicate_count": 0,
        "ingested_at": NOW,
        "schema_version": SCHEMA_VERSION,
    },
    "duplicates": {
        "id": "b" * 32,
        "duplicate_of": "a" * 32,
        "kind": "exact",
        "similarity": 1.0,
        "url": None,
        "source": "S",
        "date": date(2025, 3, 10),
        "input": "b.txt",
        "ingested_at": NOW,
    },
    "entity_variants": {
        "variant_id": "v" * 32,
        "label": "PERSON",
        "variant": "Stephane Dujjaric",
        "canonical": "Stephane Dujarric",
        "mentions": 2,
        "ingested_at": NOW,
    },
    "runs": {
        "run_id": "r" * 32,
        "mode": "batch",
        "runner": "FnApiRunner",
        "started_at": NOW,
        "ended_at": NOW,
        "inputs": 3,
        "articles": 1,
        "duplicates": 1,
        "rejects": 1,
        "balanced": True,
        "sources": [{"source": "S", "inputs": 3, "articles": 1, "duplicates": 1, "rejects": 1}],
        "stages": [{"name": "inputs", "count": 3}],
        "options": "{}",
    },
    "rejects": {
        "reject_id": "r" * 32,
        "input": "c.txt",
        "stage": "clean",
        "reason": "too_short",
        "detail": "3 words",
        "source": None,
        "ingested_at": NOW,
    },
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
