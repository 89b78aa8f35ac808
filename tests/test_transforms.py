"""Each composite transform on a real Beam runner, with `assert_that`."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime

import apache_beam as beam
import duckdb
from apache_beam.testing.util import assert_that, equal_to, is_not_empty

from newsbeam.schemas import ARTICLES, DUPLICATES, SCHEMA_VERSION
from newsbeam.transforms.clean.clean_articles import CleanArticles
from newsbeam.transforms.dedupe.dedupe_exact import DedupeExact
from newsbeam.transforms.extract.extract_entities import ExtractEntities
from newsbeam.transforms.sources.article_files import raw_record
from newsbeam.transforms.sources.read_article_files import ReadArticleFiles, expand_inputs
from newsbeam.transforms.write.write_tables import WriteTable

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
STORY = (
    "Kenya's finance ministry said on Monday that it would raise spending on drought relief in "
    "the north of the country, where three failed rainy seasons have killed livestock and left "
    "more than two million people in need of food aid. Finance Minister Grace Wanjiru told "
    "reporters in Nairobi that the extra money would go to water trucking and cash transfers."
)


def _project(*keys):
    return lambda row: tuple(row[key] for key in keys)


def test_read_article_files_turns_every_file_into_articles_or_rejects(tmp_path, pipeline):
    (tmp_path / "a.txt").write_text(f"date 2025-03-03\ntitle Relief\nsource Example\n\n{STORY}")
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(f" date 2025-03-04 {STORY}".encode()))
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"url": "https://x.test/1", "text": STORY, "published": "2025-03-05T10:00:00Z"})
        + "\n{not json\n"
        + json.dumps({"url": "https://x.test/2"})
        + "\n"
    )
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes(f"date 2025-03-06\n\nCaf\xe9 {STORY}".encode("latin-1"))
    (tmp_path / "README.md").write_text("not an input when the directory is walked")
    paths = expand_inputs([str(tmp_path)]) + [str(tmp_path / "README.md")]

    with pipeline as p:
        read = p | ReadArticleFiles(paths)
        assert_that(
            read.articles
            | beam.Map(
                lambda r: (
                    r["input"].rsplit("/", 1)[1],
                    r["date"].isoformat(),
                    r["date_source"],
                    r["title"],
                )
            ),
            equal_to(
                [
                    ("a.txt", "2025-03-03", "header", "Relief"),
                    ("b.txt.gz", "2025-03-04", "header", None),
                    ("c.jsonl:1", "2025-03-05", "record", None),
                    ("latin1.txt", "2025-03-06", "header", None),
                ]
            ),
            label="articles",
        )
        assert_that(
            read.rejects
            | beam.Map(lambda r: (r["input"].rsplit("/", 1)[1], r["stage"], r["reason"])),
            equal_to(
                [
                    ("c.jsonl:2", "read", "invalid_json"),
                    ("c.jsonl:3", "read", "no_text"),
                    ("binary.txt", "read", "undecodable"),
                    ("empty.txt", "read", "empty_file"),
                    ("README.md", "read", "unsupported_format"),
                ]
            ),
            label="rejects",
        )


def test_read_rejects_files_over_the_size_limit(tmp_path, pipeline):
    big = tmp_path / "big.txt"
    big.write_text(STORY * 50)
    with pipeline as p:
        read = p | ReadArticleFiles([str(big)], max_file_bytes=1000)
        assert_that(read.articles, equal_to([]), label="none")
        assert_that(read.rejects | beam.Map(lambda r: r["reason"]), equal_to(["file_too_large"]))


def _raw(input_ref, text, url=None, day=date(2025, 3, 3), published=None, source="S"):
    """A raw record as the readers make it; `day=None` leaves only the ingestion date."""
    return raw_record(
        input_ref,
        text=text,
        ingested_at=NOW,
        url=url,
        source=source,
        published=published or (day.isoformat() if day else None),
        date_source="header",
    )


def test_clean_articles_strips_boilerplate_and_rejects_short_texts(pipeline):
    noisy = f"{STORY}\n\nRead: More On Kenya\n\nInputs: ANI/ Image: AP"
    with pipeline as p:
        cleaned = (
            p
            | beam.Create([_raw("long", noisy), _raw("short", "Too short to be news.")])
            | CleanArticles(min_words=40)
        )
        assert_that(
            cleaned.articles | beam.Map(lambda r: (r["input"], r["text"])),
            equal_to([("long", STORY)]),
            label="kept",
        )
        assert_that(
            cleaned.rejects | beam.Map(_project("input", "stage", "reason")),
            equal_to([("short", "clean", "too_short")]),
            label="rejected",
        )


def _own_id(article_id, input_ref):
    import hashlib

    return hashlib.sha256(f"{article_id}\x1f{input_ref}".encode()).hexdigest()[:32]


def _clean(*raws):
    from newsbeam.transforms.clean.clean_articles import clean_article

    return [clean_article(raw) for raw in raws]


def test_dedupe_keeps_the_earliest_copy_of_each_url_and_text(pipeline):
    other = STORY.replace("Monday", "Tuesday")
    articles = _clean(
        _raw("late-copy", STORY, url="https://a.test/1", day=date(2025, 3, 4)),
        _raw("early-copy", STORY, url="https://b.test/2", day=date(2025, 3, 3)),
        _raw("same-url", other, url="https://a.test/1?utm_source=rss", day=date(2025, 3, 5)),
        _raw("undated", other.upper(), day=None),
        _raw("unique", STORY + " Extra sentence here.", url="https://c.test/3"),
    )
    by_input = {a["input"]: a["id"] for a in articles}
    with pipeline as p:
        result = p | beam.Create(articles) | DedupeExact()
        assert_that(
            result["articles"] | beam.Map(lambda r: r["input"]),
            # "undated" shares its text only with "same-url", which is dropped as a copy of
            # the URL of "late-copy": it is the only copy of that text left, so it is kept.
            equal_to(["early-copy", "undated", "unique"]),
            label="kept",
        )
        assert_that(
            result["duplicates"] | beam.Map(_project("duplicate_of", "kind", "input")),
            equal_to(
                [
                    (by_input["early-copy"], "exact", "late-copy"),
                    (by_input["early-copy"], "exact", "same-url"),
                ]
            ),
            label="duplicates",
        )
        # "same-url" has late-copy's id (one URL): its row gets an id of its own.
        assert_that(
            result["duplicates"] | "Ids" >> beam.Map(lambda d: d["id"]),
            equal_to([by_input["late-copy"], _own_id(by_input["same-url"], "same-url")]),
            label="distinct ids",
        )


def test_extract_entities_adds_people_places_region_and_language(pipeline):
    article = _clean(_raw("kenya", STORY))[0] | {"title": "Kenya raises drought spending"}
    with pipeline as p:
        rows = p | beam.Create([article]) | ExtractEntities()
        assert_that(
            rows.articles
            | beam.Map(_project("persons", "countries", "region", "language", "schema_version")),
            equal_to([(["Grace Wanjiru"], ["KE"], "eastern-africa", "en", SCHEMA_VERSION)]),
        )
        assert_that(rows.rejects, equal_to([]), label="no rejects")


def _article_row(article_id, day, region, title="t"):
    return {
        "id": article_id,
        "url": None,
        "source": "S",
        "title": title,
        "text": STORY,
        "published_at": None,
        "date": day,
        "date_source": "header",
        "region": region,
        "countries": ["KE"],
        "language": "en",
        "persons": [],
        "organizations": [],
        "locations": ["Kenya"],
        "entities": [
            {
                "text": "Kenya",
                "label": "GPE",
                "canonical": "Kenya",
                "count": 1,
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
        "input": article_id,
        "content_hash": article_id,
        "word_count": 50,
        "duplicate_count": 0,
        "ingested_at": NOW,
        "schema_version": SCHEMA_VERSION,
    }


def _write(rows, output_dir, table=ARTICLES, max_rows=100_000):
    from apache_beam.testing.test_pipeline import TestPipeline

    from newsbeam.options import LOCAL_RUNNER

    with TestPipeline(runner=LOCAL_RUNNER) as p:
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
    row = {
        "id": "d1",
        "duplicate_of": "a1",
        "kind": "exact",
        "similarity": 1.0,
        "url": None,
        "source": "S",
        "date": date(2025, 3, 3),
        "input": "x",
        "ingested_at": NOW,
    }
    _write([row], tmp_path, table=DUPLICATES)
    (path,) = tmp_path.rglob("*.parquet")
    assert path.parent == tmp_path / "duplicates"


def test_rows_breaking_the_schema_become_rejects(pipeline):
    from newsbeam.transforms.write.validate_rows import ValidateRows

    good = _article_row("ok", date(2025, 3, 3), "eastern-africa")
    bad = _article_row("bad", date(2025, 3, 3), "eastern-africa") | {"text": None}
    with pipeline as p:
        checked = p | beam.Create([good, bad]) | ValidateRows(ARTICLES)
        assert_that(checked.valid | beam.Map(lambda r: r["id"]), equal_to(["ok"]), label="valid")
        assert_that(
            checked.rejects | beam.Map(_project("input", "stage", "reason", "detail")),
            equal_to([("bad", "write", "schema_violation", "articles row lacks required text")]),
            label="rejected",
        )


def test_copies_under_the_same_id_get_ids_of_their_own(pipeline):
    text = STORY + " An identical wire copy with no URL."
    copies = _clean(_raw("first", text), _raw("second", text), _raw("third", text))
    assert len({c["id"] for c in copies}) == 1
    with pipeline as p:
        result = p | beam.Create(copies) | DedupeExact()
        assert_that(
            result["duplicates"]
            | beam.Map(
                lambda d: (
                    d["input"],
                    d["id"] != d["duplicate_of"],
                    d["duplicate_of"] == copies[0]["id"],
                )
            ),
            equal_to([("second", True, True), ("third", True, True)]),
            label="own ids",
        )
        assert_that(
            result["duplicates"]
            | "Ids" >> beam.Map(lambda d: d["id"])
            | beam.Distinct()
            | beam.combiners.Count.Globally(),
            equal_to([2]),
            label="distinct keys",
        )
