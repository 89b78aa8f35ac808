"""Precision and recall of the duplicate decision on the labelled evaluation set.

`tests/data/neardup/evaluation.jsonl`: 60 original articles (30 events, each reported by
two outlets independently: same topic, not copies) and 146 syndicated copies with
realistic edits, each labelled with the article it copies (see make_evaluation.py).
Measured at the defaults (3-word shingles, 128 permutations, 32 bands of 4, threshold
0.8): precision 1.000, recall 0.973. The floors below are the issue's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.testing.util import assert_that

from newsbeam.transforms.clean.clean_articles import CleanArticles
from newsbeam.transforms.dedupe.dedupe_exact import DedupeExact
from newsbeam.transforms.dedupe.near_dedupe import NearDedupe
from newsbeam.transforms.sources.article_files import raw_record
from tests.support.paths import TEST_DATA

EVALUATION = TEST_DATA / "neardup" / "evaluation.jsonl"
MIN_PRECISION, MIN_RECALL = 0.99, 0.95


def _records() -> tuple[list[dict], dict[str, str]]:
    rows = [json.loads(line) for line in EVALUATION.read_text().splitlines()]
    now = datetime(2026, 1, 1, tzinfo=UTC)  # after every publication date in the set
    records = [
        raw_record(
            row["id"],
            text=row["text"],
            ingested_at=now,
            title=row["title"],
            url=f"https://{row['source'].lower().replace(' ', '-')}.test/{row['id']}",
            source=row["source"],
            published=row["published"],
            date_source="record",
        )
        for row in rows
    ]
    story = {row["id"]: row["copy_of"] or row["id"] for row in rows}
    return records, story


def precision_recall(duplicates: list[dict], articles: list[dict], story: dict[str, str]):
    """Precision: duplicate rows whose kept article tells the same story. Recall: copies
    recorded as duplicates of their story."""
    input_of = {a["id"]: a["input"] for a in articles}
    for row in duplicates:
        input_of.setdefault(row["id"], row["input"])
    pairs = [(row["input"], input_of.get(row["duplicate_of"])) for row in duplicates]
    correct = [dup for dup, kept in pairs if kept is not None and story[dup] == story[kept]]
    copies = {name for name, origin in story.items() if origin != name}
    precision = len(correct) / len(pairs) if pairs else 1.0
    recall = len(copies & set(correct)) / len(copies)
    return precision, recall, len(pairs)


def test_duplicate_decision_meets_the_floors(pipeline):
    records, story = _records()
    assert len(records) >= 200

    def check(results):
        articles = [item for kind, item in results if kind == "article"]
        duplicates = [item for kind, item in results if kind == "duplicate"]
        precision, recall, predicted = precision_recall(duplicates, articles, story)
        print(
            f"near-duplicate evaluation: {len(records)} articles, {predicted} duplicates "
            f"found, precision {precision:.3f}, recall {recall:.3f}"
        )
        assert precision >= MIN_PRECISION, f"precision {precision:.3f}"
        assert recall >= MIN_RECALL, f"recall {recall:.3f}"
        assert len(articles) + len(duplicates) == len(records)  # every input accounted for

    with pipeline as p:
        cleaned = p | beam.Create(records) | CleanArticles()
        exact = cleaned.articles | DedupeExact()
        near = {
            "articles": exact["articles"],
            "prior": p | "NoPrior" >> beam.Create([]),
        } | NearDedupe()
        results = (
            near["articles"]
            | "Articles" >> beam.Map(lambda a: ("article", {"id": a["id"], "input": a["input"]})),
            near["duplicates"] | "Near" >> beam.Map(lambda d: ("duplicate", d)),
            exact["duplicates"] | "Exact" >> beam.Map(lambda d: ("duplicate", d)),
        ) | beam.Flatten()
        assert_that(results, check)
