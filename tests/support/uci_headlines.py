"""The real UCI News Aggregator headlines in `../shared/data`, as the story evaluations
read them: rows in publication order, and the cards the story index takes."""

from __future__ import annotations

import csv

import pytest

from newsbeam.transforms.stories.story_batches import StoryCard
from newsbeam.transforms.stories.story_terms import story_terms
from tests.support.paths import SHARED_DATA

HEADLINES = SHARED_DATA / "stories_uci_news_aggregator" / "uci_news_aggregator_dev_half.csv"


def uci_headlines() -> list[dict]:
    """The headlines' rows by publication time, then id; skips where the data is absent."""
    if not HEADLINES.exists():
        pytest.skip(f"the shared real data is not beside the repo ({HEADLINES} is absent)")
    with HEADLINES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return sorted(rows, key=lambda row: (float(row["TIMESTAMP"]), int(row["ID"])))


def headline_cards(rows: list[dict]) -> list[StoryCard]:
    """The headlines as the story index takes them: words of the title, the publisher."""
    return [
        StoryCard(
            row["ID"], float(row["TIMESTAMP"]) / 1000, story_terms(row["TITLE"]), row["HOSTNAME"]
        )
        for row in rows
    ]
