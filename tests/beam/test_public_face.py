"""`import newsbeam` as the README shows it: a user's own records through the public names
only, written to Parquet and read back."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.metadata import version

import apache_beam as beam
import duckdb
from apache_beam.testing.util import assert_that, equal_to

import newsbeam
from newsbeam.options import LOCAL_RUNNER
from newsbeam.transforms.sources.article_files import raw_record

_STORY = "Officials in Nairobi said water deliveries to the north-east of Kenya would double. " * 5


def test_the_public_names_and_the_version():
    assert newsbeam.__version__ == version("newsbeam")
    public = {"build", "build_stream", "process", "write", "NewsbeamOptions", "TABLES"}
    assert public <= set(dir(newsbeam)) and public <= set(newsbeam.__all__)
    assert all(newsbeam.TABLES[name].name == name for name in ("articles", "duplicates", "rejects"))
    assert newsbeam.schemas.ARTICLES is newsbeam.ARTICLES


def test_a_users_records_through_process_and_write(tmp_path):
    options = newsbeam.NewsbeamOptions(["--output", str(tmp_path)])
    record = raw_record(
        "my-crawler:1",
        text=_STORY,
        title="Kenya expands water deliveries",
        url="https://example.com/kenya",
        published="2025-03-03",
        date_source="record",
        ingested_at=datetime.now(UTC),
    )
    with beam.Pipeline(runner=LOCAL_RUNNER) as pipeline:
        outputs = newsbeam.process(pipeline | beam.Create([record]), [], options)
        assert_that(
            outputs.articles | beam.Map(lambda row: (row["region"], row["countries"][:1])),
            equal_to([("eastern-africa", ["KE"])]),
        )
        newsbeam.write(outputs, options.output)
    written = duckdb.sql(
        f"SELECT url, date::VARCHAR FROM read_parquet('{tmp_path}/articles/**/*.parquet')"
    ).fetchall()
    assert written == [("https://example.com/kenya", "2025-03-03")]
