"""The output tables: articles, duplicates, rejects, entity_variants, stories, story_merges
and runs.

Each `Table` knows its full logical schema, the hive partition columns that live in the
directory names rather than in the files, and the key column that makes re-runs idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

SCHEMA_VERSION = 9
"""Bumped on any incompatible change; written into every file's metadata and `articles`.

9: `source_health` gained `already_written`: the source's inputs that day whose row the
output already held (a rerun), so that its entries add up. Older files read with it null.

8: `articles` gained `extraction_ms`: the CPU time its extraction took; new table
`source_health` (one row per source per day of ingestion, rewritten by each run or local
stream window that read on that day). Older files read with `extraction_ms` null.

7: `runs` gained `feeds`: per feed polled, its polls (and how many were 304 or failed) and
the entries its document listed and those new; and `archives`: the web archive files the
run read whole (path, bytes), which a later run over the same files does not read again.
Older files read with both null. `articles.date_source` may be `archive`.

6: `articles` and `duplicates` gained `story_id` (a duplicate's is its kept article's); new
tables `stories` (what each run added to each story) and `story_merges` (a story id that
continues as another). Older files read with `story_id` null.

5: `articles` gained `main_country`: the country the article is about, or null when no
country is named often enough (twice, or in the title) to be its focus; `region` follows it.

4: `articles` gained `ner_model`: the spaCy pipeline that read the article's language, or
`gazetteer` where none does (places only; persons and organizations left empty).

3: `duplicates` gained `content_hash` (the copy's text) and kind `revision` (a changed
text under an id already written), its `similarity` null for revisions; `runs` gained
`already_written`, per run and per source.

2: `author` became `authors` (list); `tags`, `feed_url`, `text_source`, `duplicate_count`
added. The DuckDB views read files of every version by column name (missing ones are null).
"""

_UTC_TS = pa.timestamp("us", tz="UTC")

ENTITY = pa.struct(
    [
        pa.field("text", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
        pa.field("canonical", pa.string(), nullable=False),
        pa.field("count", pa.int32(), nullable=False),
        pa.field("country", pa.string()),
        pa.field("latitude", pa.float64()),
        pa.field("longitude", pa.float64()),
    ]
)


QUOTE = pa.struct(
    [
        pa.field("speaker", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
    ]
)


@dataclass(frozen=True)
class Table:
    """An output table: where it lives under the output dir and what its files hold."""

    name: str
    schema: pa.Schema
    key: str
    partition_by: tuple[str, ...] = ()
    version: str | None = None
    """The column that tells two rows under one key apart (an article's text hash): a row
    whose key is written with another version is a revision, not a repeat."""

    @property
    def file_schema(self) -> pa.Schema:
        """The schema inside each Parquet file: partition columns live in the path."""
        schema = self.schema
        for column in self.partition_by:
            schema = schema.remove(schema.get_field_index(column))
        return schema.with_metadata(
            {
                b"newsbeam.table": self.name.encode(),
                b"newsbeam.schema_version": str(SCHEMA_VERSION).encode(),
            }
        )

    def violations(self, row: dict) -> list[str]:
        """Columns a row lacks or leaves null although the schema requires them."""
        return [
            field.name
            for field in self.schema
            if not field.nullable and row.get(field.name) is None
        ]

    @property
    def partition_types(self) -> dict[str, pa.DataType]:
        return {column: self.schema.field(column).type for column in self.partition_by}


ARTICLES = Table(
    name="articles",
    key="id",
    version="content_hash",
    partition_by=("date", "region"),
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("url", pa.string()),
            pa.field("source", pa.string()),
            pa.field("title", pa.string()),
            pa.field("text", pa.string(), nullable=False),
            pa.field("published_at", _UTC_TS),
            pa.field("date", pa.date32(), nullable=False),
            pa.field("date_source", pa.string(), nullable=False),
            pa.field("region", pa.string(), nullable=False),
            pa.field("countries", pa.list_(pa.string()), nullable=False),
            pa.field("main_country", pa.string()),
            pa.field("language", pa.string()),
            pa.field("ner_model", pa.string()),
            pa.field("extraction_ms", pa.float32()),
            pa.field("persons", pa.list_(pa.string()), nullable=False),
            pa.field("organizations", pa.list_(pa.string()), nullable=False),
            pa.field("locations", pa.list_(pa.string()), nullable=False),
            pa.field("entities", pa.list_(ENTITY), nullable=False),
            pa.field("quotes", pa.list_(QUOTE), nullable=False),
            pa.field("authors", pa.list_(pa.string()), nullable=False),
            pa.field("tags", pa.list_(pa.string()), nullable=False),
            pa.field("feed_url", pa.string()),
            pa.field("text_source", pa.string(), nullable=False),
            pa.field("input", pa.string(), nullable=False),
            pa.field("content_hash", pa.string(), nullable=False),
            pa.field("word_count", pa.int32(), nullable=False),
            pa.field("duplicate_count", pa.int32(), nullable=False),
            pa.field("story_id", pa.string(), nullable=False),
            pa.field("ingested_at", _UTC_TS, nullable=False),
            pa.field("schema_version", pa.int16(), nullable=False),
        ]
    ),
)

DUPLICATES = Table(
    name="duplicates",
    key="id",
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("duplicate_of", pa.string(), nullable=False),
            pa.field("story_id", pa.string()),
            pa.field("kind", pa.string(), nullable=False),
            pa.field("similarity", pa.float32()),
            pa.field("url", pa.string()),
            pa.field("source", pa.string()),
            pa.field("date", pa.date32(), nullable=False),
            pa.field("input", pa.string(), nullable=False),
            pa.field("ingested_at", _UTC_TS, nullable=False),
            pa.field("content_hash", pa.string()),
        ]
    ),
)

REJECTS = Table(
    name="rejects",
    key="reject_id",
    schema=pa.schema(
        [
            pa.field("reject_id", pa.string(), nullable=False),
            pa.field("input", pa.string(), nullable=False),
            pa.field("stage", pa.string(), nullable=False),
            pa.field("reason", pa.string(), nullable=False),
            pa.field("detail", pa.string()),
            pa.field("source", pa.string()),
            pa.field("ingested_at", _UTC_TS, nullable=False),
        ]
    ),
)

ENTITY_VARIANTS = Table(
    name="entity_variants",
    key="variant_id",
    schema=pa.schema(
        [
            pa.field("variant_id", pa.string(), nullable=False),
            pa.field("label", pa.string(), nullable=False),
            pa.field("variant", pa.string(), nullable=False),
            pa.field("canonical", pa.string(), nullable=False),
            pa.field("mentions", pa.int32(), nullable=False),
            pa.field("ingested_at", _UTC_TS, nullable=False),
        ]
    ),
)

STORIES = Table(
    name="stories",
    key="story_row_id",
    schema=pa.schema(
        [
            pa.field("story_row_id", pa.string(), nullable=False),
            pa.field("story_id", pa.string(), nullable=False),
            pa.field("first_published_at", _UTC_TS, nullable=False),
            pa.field("last_published_at", _UTC_TS, nullable=False),
            pa.field("articles_added", pa.int32(), nullable=False),
            pa.field("articles_total", pa.int32(), nullable=False),
            pa.field("sources", pa.list_(pa.string()), nullable=False),
            pa.field("main_countries", pa.list_(pa.string()), nullable=False),
            pa.field("names", pa.list_(pa.string()), nullable=False),
            pa.field("title", pa.string()),
            pa.field("ingested_at", _UTC_TS, nullable=False),
        ]
    ),
)
"""One row per story per run (or window) that added articles to it: a view grouping by
`story_id` gives each story's whole life. The times and lists are of the articles added."""

STORY_MERGES = Table(
    name="story_merges",
    key="story_id",
    schema=pa.schema(
        [
            pa.field("story_id", pa.string(), nullable=False),
            pa.field("continues_as", pa.string(), nullable=False),
            pa.field("ingested_at", _UTC_TS, nullable=False),
        ]
    ),
)
"""A story written under `story_id` turned out to be the story `continues_as`: its articles
keep their id on disk; later articles join `continues_as`."""

SOURCE_COUNTS = pa.struct(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("inputs", pa.int64(), nullable=False),
        pa.field("articles", pa.int64(), nullable=False),
        pa.field("duplicates", pa.int64(), nullable=False),
        pa.field("rejects", pa.int64(), nullable=False),
        pa.field("already_written", pa.int64()),
    ]
)

FEED_POLLS = pa.struct(
    [
        pa.field("source", pa.string()),
        pa.field("feed_url", pa.string(), nullable=False),
        pa.field("polls", pa.int64(), nullable=False),
        pa.field("polls_not_modified", pa.int64(), nullable=False),
        pa.field("polls_failed", pa.int64(), nullable=False),
        pa.field("entries_seen", pa.int64(), nullable=False),
        pa.field("entries_new", pa.int64(), nullable=False),
    ]
)

ARCHIVE_READ = pa.struct(
    [
        pa.field("path", pa.string(), nullable=False),
        pa.field("bytes", pa.int64(), nullable=False),
    ]
)

STAGE_COUNT = pa.struct(
    [
        pa.field("name", pa.string(), nullable=False),
        pa.field("count", pa.int64(), nullable=False),
    ]
)

RUNS = Table(
    name="runs",
    key="run_id",
    schema=pa.schema(
        [
            pa.field("run_id", pa.string(), nullable=False),
            pa.field("mode", pa.string(), nullable=False),
            pa.field("runner", pa.string(), nullable=False),
            pa.field("started_at", _UTC_TS, nullable=False),
            pa.field("ended_at", _UTC_TS, nullable=False),
            pa.field("inputs", pa.int64(), nullable=False),
            pa.field("articles", pa.int64(), nullable=False),
            pa.field("duplicates", pa.int64(), nullable=False),
            pa.field("rejects", pa.int64(), nullable=False),
            pa.field("already_written", pa.int64()),
            pa.field("balanced", pa.bool_(), nullable=False),
            pa.field("sources", pa.list_(SOURCE_COUNTS), nullable=False),
            pa.field("stages", pa.list_(STAGE_COUNT), nullable=False),
            pa.field("options", pa.string(), nullable=False),
            pa.field("feeds", pa.list_(FEED_POLLS)),
            pa.field("archives", pa.list_(ARCHIVE_READ)),
        ]
    ),
)
"""One row per run (a batch run, or a window of a stream): what came in, where it went."""

SOURCE_HEALTH = Table(
    name="source_health",
    key="source",
    partition_by=("day",),
    schema=pa.schema(
        [
            pa.field("source", pa.string(), nullable=False),
            pa.field("day", pa.date32(), nullable=False),
            pa.field("polls_recorded", pa.bool_(), nullable=False),
            pa.field("polls", pa.int64(), nullable=False),
            pa.field("polls_not_modified", pa.int64(), nullable=False),
            pa.field("polls_failed", pa.int64(), nullable=False),
            pa.field("entries_seen", pa.int64(), nullable=False),
            pa.field("entries_new", pa.int64(), nullable=False),
            pa.field("articles", pa.int64(), nullable=False),
            pa.field("exact_duplicates", pa.int64(), nullable=False),
            pa.field("near_duplicates", pa.int64(), nullable=False),
            pa.field("rejects", pa.int64(), nullable=False),
            pa.field("feed_failures", pa.int64(), nullable=False),
            pa.field("already_written", pa.int64()),
            pa.field("rejects_by_reason", pa.map_(pa.string(), pa.int64())),
            pa.field("share_undated", pa.float64()),
            pa.field("share_feed_text", pa.float64()),
            pa.field("median_words", pa.float64()),
            pa.field("median_extraction_ms", pa.float64()),
            pa.field("feed_urls", pa.list_(pa.string())),
            pa.field("run_id", pa.string()),
        ]
    ),
)
"""One row per source per UTC day of ingestion, each day's file rewritten whole by every
run or local stream window that read on that day (`newsbeam.source_health`); `run_id` is
the run that last wrote it."""

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        ARTICLES,
        DUPLICATES,
        REJECTS,
        ENTITY_VARIANTS,
        STORIES,
        STORY_MERGES,
        RUNS,
        SOURCE_HEALTH,
    )
}
"""The tables analysts query."""

MINHASH_INDEX = Table(
    name="minhash",
    key="id",
    schema=pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("signature", pa.list_(pa.uint32()), nullable=False),
            pa.field("indexed_at", _UTC_TS, nullable=False),
            pa.field("scheme", pa.string(), nullable=False),
        ]
    ),
)
"""Pipeline state, not for analysts: MinHash signatures of articles written, kept under
`DIR/_state/minhash/` for as long as `--state-expiry` so later runs find their copies.
`scheme` names how the signature was made (`MinHashParams.scheme`): only entries of the
running scheme are compared (files written before the column existed have none)."""
