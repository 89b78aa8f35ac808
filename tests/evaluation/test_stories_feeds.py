"""Stories on real feeds, through the whole pipeline: a held-out labelled set, and the
bridges between languages.

The real feeds in `../shared/data` (about 1,500 items of some 140 feeds, 16 languages as
detected, many years; title and summary only, as the issue's day of 26 outlets' feeds) run
through `newsbeam run` once. We labelled the items by story (`tests/data/stories_feeds/`)
after the thresholds were chosen, and have not changed them since. Its items are mostly
stories of their own, so pairwise precision says what merges wrongly. Since its first
measure the set is split by feed file, by a rule that does not look at the items (the
parity of the SHA-1 of the feed's path, `_part`): the development half may guide changes,
the held-out half only measures them.

The bridges are measured for false joins only: these feeds hold no event told in two
languages that we found, so each item's story with bridges is compared with its story
without them. The join itself is the seeds' event in English and French in
tests/unit/stories/test_story_index.py, written for the test. Skipped, naming the path,
where the shared data is absent.
"""

from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import replace
from pathlib import Path

import pytest

from newsbeam.query import connect
from newsbeam.transforms.stories.assign_stories import story_card
from newsbeam.transforms.stories.story_batches import StoryState, assign_batch
from tests.support.clustering import b_cubed, pairwise
from tests.support.paths import SHARED_DATA, TEST_DATA
from tests.support.run_cli import newsbeam
from tests.support.tfidf_baseline import report
from tests.support.uci_headlines import headline_cards, uci_headlines

FEEDS = (
    "feeds_rss_parser_js",
    "feeds_netnewswire",
    "feeds_miniflux_encoding",
    "feeds_feedjira_samples",
)
LABELS = TEST_DATA / "stories_feeds" / "labels.csv"
MOST_BRIDGED = 3
"""Items whose story a bridge changes, at most (none on 2026-12-06)."""
STRAY_DRAWS = 8
MOST_STRAYS_JOINED = 0.045
"""Share of feed items put in the headlines' days that join a headline story, at most, over
`STRAY_DRAWS` draws of their times: a guard against a gross loss of precision, not a
measure fine enough to part the join rules (docs/stories.md#a-large-storys-name-2026-12-07).
2026-12-07: 0.036 (0.030 without a large story's name; draws from 36 to 72 items)."""
# Figures less 0.05, per part. First measured (2026-12-06, whole set): pairwise P 0.168 R
# 0.295 F1 0.214, B-cubed F1 0.947; most wrong pairs were one source's series (listings,
# alerts, talks, quotes) taken for one story. Then the source boilerplate learnt from 8
# articles instead of 20, chosen on the development half: development pairwise P 0.230 ->
# 0.530, F1 0.224 -> 0.310; held-out P 0.120 -> 0.169 R 0.609 -> 0.290 F1 0.201 -> 0.214,
# B-cubed F1 0.950 -> 0.961 (docs/stories.md#a-sources-series). The split came after the
# first measure had been read (post hoc): the held-out half is the weaker check for it.
# 2026-12-07, a join sharing two terms, and a story of five articles or more joined from 0.7
# of the threshold: development P 0.503 R 0.293 F1 0.371; held-out P 0.169 -> 0.155, R
# 0.290, F1 0.214 -> 0.202 (one more alert joins a company's insider-sale alerts). Then
# names and places as terms: development P 0.626 R 0.272 F1 0.379, B-cubed F1 0.955;
# held-out P 0.226 R 0.348 F1 0.274, B-cubed F1 0.962. Only words counting toward the two
# shared terms: development P 0.647 R 0.272 F1 0.383; held-out unchanged. Merges sharing
# two words: development P 0.675 F1 0.388, held-out P 0.229 F1 0.276.
FLOORS = {
    "development": {
        "pairwise_precision": 0.57,
        "pairwise_recall": 0.22,
        "pairwise_f1": 0.32,
        "b_cubed_f1": 0.90,
    },
    "held_out": {
        "pairwise_precision": 0.17,
        "pairwise_recall": 0.29,
        "pairwise_f1": 0.22,
        "b_cubed_f1": 0.91,
    },
}


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> list[dict]:
    """The `articles` rows of one run over the real feeds."""
    roots = [SHARED_DATA / name for name in FEEDS]
    if not all(root.exists() for root in roots):
        pytest.skip(f"the shared real feeds are absent ({SHARED_DATA})")
    output = tmp_path_factory.mktemp("feeds")
    feeds = [argument for root in roots for argument in ("--feed", str(root))]
    newsbeam(
        "run", *feeds, "--fetch-pages", "never", "--min-words", "5",
        "--allow-feed-failures", "--output", str(output),
    )  # fmt: skip
    cursor = connect(str(output)).execute("SELECT * FROM articles ORDER BY id")
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _key(feed: str, url: str | None, title: str | None) -> tuple[str, str, str]:
    """An item as the labels name it: its feed file under the shared data, URL, title."""
    return feed, url or "", title or ""


def _feed_file(feed_url: str) -> str:
    return Path(feed_url).resolve().relative_to(SHARED_DATA.resolve()).as_posix()


def _part(feed: str) -> str:
    """The half of the set an item's feed file belongs to, by a rule blind to the items."""
    digest = int(hashlib.sha1(feed.encode("utf-8")).hexdigest(), 16)
    return "development" if digest % 2 == 0 else "held_out"


def _labels() -> dict[tuple[str, str, str], str]:
    with LABELS.open(encoding="utf-8", newline="") as handle:
        return {_key(r["feed"], r["url"], r["title"]): r["story"] for r in csv.DictReader(handle)}


def _item(article: dict) -> tuple[str, str, str]:
    return _key(_feed_file(article["feed_url"]), article["url"], article["title"])


def test_real_feed_items_cluster_into_their_stories_above_the_floors(articles):
    labels = _labels()
    article_of = {_item(a): a for a in articles}
    found = {item: article["story_id"] for item, article in article_of.items()}
    assert len(found) == len(articles), "each article is one labelled item"
    assert found.keys() == labels.keys(), "every labelled item is an article of the run"
    below = {}
    for part, floors in FLOORS.items():
        items = sorted(item for item in labels if _part(item[0]) == part)
        gold, predicted = [labels[item] for item in items], [found[item] for item in items]
        b3, pairs = b_cubed(gold, predicted), pairwise(gold, predicted)
        scores = {
            "pairwise_precision": pairs.precision,
            "pairwise_recall": pairs.recall,
            "pairwise_f1": pairs.f1,
            "b_cubed_f1": b3.f1,
        }
        print(
            f"\n{part}: stories of {len(items)} feed items: {len(set(predicted))} found for "
            f"{len(set(gold))}; B-cubed P {b3.precision:.3f} R {b3.recall:.3f} F1 {b3.f1:.3f}; "
            f"pairwise P {pairs.precision:.3f} R {pairs.recall:.3f} F1 {pairs.f1:.3f}"
        )
        for line in report([article_of[item] for item in items], gold, "summary"):
            print(f"  {line}")  # the baseline's figures in docs/stories.md
        below |= {
            f"{part} {name}": round(scores[name], 3)
            for name in floors
            if scores[name] < floors[name]
        }
    assert not below, f"below the floors {FLOORS}: {below}"


def test_feed_items_dropped_into_the_headlines_days_rarely_join_their_stories(articles):
    """Precision where the headlines cannot show it: their 40 stories hold no stray. Each
    feed item (other years, other subjects, some of the same: Apple, Google, Twitter, Taylor
    Swift) is given a time within the headlines' days, and all go through the batch
    function together; a feed item in a story with a headline is a wrong join."""
    cards = headline_cards(uci_headlines())
    start, end = min(c.published for c in cards), max(c.published for c in cards)
    feed_cards = [story_card(article) for article in articles]
    joined = []
    for draw in range(STRAY_DRAWS):
        times = random.Random(draw)
        strays = [
            replace(
                card, article_id=f"stray-{card.article_id}", published=times.uniform(start, end)
            )
            for card in feed_cards
        ]
        story_of = assign_batch(StoryState(), cards + strays, merge_every=3600).story_of
        headline_stories = {story_of[card.article_id] for card in cards}
        joined.append(sum(story_of[card.article_id] in headline_stories for card in strays))
    share = sum(joined) / (STRAY_DRAWS * len(feed_cards))
    print(
        f"\nof {len(feed_cards)} feed items, joined a headline story: {joined}, share {share:.3f}"
    )
    assert share <= MOST_STRAYS_JOINED


def test_bridges_join_no_unrelated_items_of_real_feeds_in_many_languages(articles):
    cards = [story_card(article) for article in articles]
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
