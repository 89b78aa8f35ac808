"""Stories across languages on real feeds: bridges (shared persons, organisations, places,
numbers) must not join what words keep apart when the events differ.

The real feeds in `../shared/data` (about 1,500 items in a dozen languages, of many days)
hold no event told in two languages that we found, so this measures the bridges' false
joins only: each item's story with bridges against without them. The positive case is in
tests/unit/stories/test_story_index.py (the seeds' event in English and French)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsbeam.query import connect
from newsbeam.transforms.stories.assign_stories import story_card
from newsbeam.transforms.stories.story_batches import StoryState, assign_batch
from tests.support.paths import SHARED
from tests.support.run_cli import newsbeam

FEEDS = (
    "feeds_rss_parser_js",
    "feeds_netnewswire",
    "feeds_miniflux_encoding",
    "feeds_feedjira_samples",
)
MOST_BRIDGED = 3
"""Items whose story a bridge changes, at most (none on 2026-12-07)."""


def test_bridges_join_no_unrelated_items_of_real_feeds_in_many_languages(tmp_path):
    roots = [SHARED / "data" / name for name in FEEDS]
    if not all(root.exists() for root in roots):
        pytest.skip(f"the shared real feeds are absent ({SHARED / 'data'})")
    feeds = [argument for root in roots for argument in ("--feed", str(root))]
    newsbeam(
        "run", *feeds, "--fetch-pages", "never", "--min-words", "5",
        "--allow-feed-failures", "--output", str(tmp_path),
    )  # fmt: skip
    cursor = connect(str(tmp_path)).execute("SELECT * FROM articles")
    columns = [column[0] for column in cursor.description]
    cards = [story_card(dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]
    languages = {card.language for card in cards}
    bridged = assign_batch(StoryState(), cards).story_of
    unbridged = assign_batch(StoryState(), [replace(c, bridges=frozenset()) for c in cards])
    changed = [a for a, story in bridged.items() if story != unbridged.story_of[a]]
    with_features = sum(len(card.bridges) >= 3 for card in cards)
    print(
        f"{len(cards)} real feed items in {len(languages)} languages, {with_features} with "
        f"three bridge features or more: {len(changed)} change story through a bridge"
    )
    assert len(languages) >= 8 and with_features >= 200, "too little to measure"
    assert len(changed) <= MOST_BRIDGED
