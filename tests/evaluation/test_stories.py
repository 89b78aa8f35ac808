"""Story clustering on real headlines labelled by story: the floors CI holds.

`../shared/data/stories_uci_news_aggregator/` holds 2,413 headlines of 10-12 March 2014
from 1,948 publishers, in 40 stories (the UCI News Aggregator set; headlines only). They
are fed to `StoryIndex` as a stream would feed them (`assign_batch`): in publication order, with the
merges of stories that turn out to be one made after each hour, like a window. Measured
with B-cubed and pairwise precision and recall (`tests/support/clustering.py`). Skipped,
naming the path, where the shared data is absent.

The same headlines also go through `newsbeam run` (one jsonl record each, the headline as
title and text, `--min-words 1`), read back with DuckDB: what a user gets, with the
pipeline's language detection, cleaning, copies and entities in the way.

The thresholds were chosen on this set (it is the development half: the other stories of
the same rows are held out), so its figures are a regression floor, not a measure of
quality on other news. A TF-IDF centroid baseline tuned on the answers scores B-cubed F1
0.65 to 0.75 on headlines of this kind, the issue says; ours (`tests/support/
tfidf_baseline.py`) is run on these, and newsbeam must stay clearly above it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsbeam.query import connect
from newsbeam.transforms.stories.story_batches import StoryState, assign_batch
from tests.support.clustering import b_cubed, pairwise
from tests.support.run_cli import newsbeam
from tests.support.tfidf_baseline import tuned
from tests.support.uci_headlines import headline_cards, uci_headlines

WINDOW_SECONDS = 3600
# Measured less 0.05, rounded down. 2026-12-06: B-cubed P 0.902 R 0.734 F1 0.809, pairwise
# P 0.915 R 0.733 F1 0.814 (215 stories found for 40); 2026-12-07, a join sharing two terms
# at least: B-cubed F1 0.818, pairwise F1 0.824 (240); then a large story joined from 0.7 of
# the threshold: B-cubed P 0.931 R 0.754 F1 0.833, pairwise P 0.939 R 0.768 F1 0.845 (226);
# a one-term title joining on its one term: B-cubed F1 0.834, pairwise F1 0.846 (225);
# merges sharing two words: B-cubed P 0.941 R 0.746 F1 0.832, pairwise F1 0.843 (273);
# a large story joined and merged by its name: B-cubed P 0.932 R 0.780 F1 0.849, pairwise
# P 0.931 R 0.798 F1 0.859 (232).
# With the thresholds before 2026-12-06 (join 0.1, merge 0.2): B-cubed F1 0.822, pairwise
# F1 0.836, but pairwise precision 0.21 on the full-text pages of `test_stories_full_text.py`.
FLOORS = {"b_cubed_f1": 0.79, "pairwise_f1": 0.80, "b_cubed_precision": 0.88}
# Through `newsbeam run`, measured 2026-12-07: B-cubed P 0.928 R 0.753 F1 0.831, pairwise P
# 0.931 R 0.767 F1 0.841 (0.820 B-cubed F1 before short headlines were read as English
# rather than Nigerian Pidgin and "VIDEO: ..." headlines were kept); then 0.823 (pairwise
# 0.833) once only words count toward the two shared terms of a join; 0.820 (pairwise
# 0.828) once merges need two shared words too; 0.839 (pairwise 0.844, B-cubed P 0.937)
# once a large story is joined by its name. Less 0.05.
RUN_FLOORS = {"b_cubed_f1": 0.78, "pairwise_f1": 0.79, "b_cubed_precision": 0.88}
CLEAR_LEAD = 0.05
"""B-cubed F1 above the TF-IDF centroid baseline tuned on these answers, at least (2026-12-07:
0.849 against 0.730, its best threshold 0.05; 0.717 at 0.02)."""


def _stories(rows: list[dict]) -> list[str]:
    story_of = assign_batch(StoryState(), headline_cards(rows), merge_every=WINDOW_SECONDS).story_of
    return [story_of[row["ID"]] for row in rows]


def test_headlines_cluster_into_their_stories_above_the_floors():
    rows = uci_headlines()
    _assert_above(f"stories of {len(rows)} headlines", rows, _stories(rows), FLOORS)


def test_headlines_cluster_clearly_better_than_a_tfidf_baseline_tuned_on_the_answers():
    rows = uci_headlines()
    gold = [row["STORY"] for row in rows]
    ours = b_cubed(gold, _stories(rows)).f1
    titles, times = [row["TITLE"] for row in rows], [float(row["TIMESTAMP"]) / 1000 for row in rows]
    baseline = tuned(titles, gold, lambda g, p: b_cubed(g, p).f1, times)
    print(
        f"\nheadlines, B-cubed F1: newsbeam {ours:.3f}, TF-IDF centroid baseline "
        f"{baseline.score:.3f} at its best threshold {baseline.threshold}"
    )
    assert ours >= baseline.score + CLEAR_LEAD


def _assert_above(what: str, rows: list[dict], found: list[str], floors: dict) -> None:
    """Prints the scores of `found` against the headlines' stories; fails below `floors`."""
    gold = [row["STORY"] for row in rows]
    b3, pairs = b_cubed(gold, found), pairwise(gold, found)
    figures = {"b_cubed_f1": b3.f1, "pairwise_f1": pairs.f1, "b_cubed_precision": b3.precision}
    print(
        f"\n{what}: {len(set(found))} stories found for {len(set(gold))}; "
        f"B-cubed P {b3.precision:.3f} R {b3.recall:.3f} F1 {b3.f1:.3f}; "
        f"pairwise P {pairs.precision:.3f} R {pairs.recall:.3f} F1 {pairs.f1:.3f}"
    )
    below = {name: round(value, 3) for name, value in figures.items() if value < floors[name]}
    assert not below, f"below the floors {floors}: {below}"


def test_the_same_headlines_in_the_same_order_give_the_same_stories():
    rows = uci_headlines()[:400]
    assert _stories(rows) == _stories(rows)


def test_headlines_through_newsbeam_run_cluster_above_the_floors(tmp_path):
    rows = uci_headlines()
    records = tmp_path / "headlines.jsonl"
    with records.open("w", encoding="utf-8") as handle:
        for row in rows:
            published = datetime.fromtimestamp(float(row["TIMESTAMP"]) / 1000, UTC)
            record = {
                "url": row["URL"],
                "title": row["TITLE"],
                "text": row["TITLE"],
                "source": row["HOSTNAME"],
                "published": published.isoformat(),
            }
            handle.write(json.dumps(record) + "\n")
    output = tmp_path / "out"
    newsbeam("run", "--input", str(records), "--output", str(output), "--min-words", "1")
    found_of = dict(
        connect(str(output))
        .execute(
            "SELECT input, story_id FROM articles UNION ALL SELECT input, story_id FROM duplicates"
        )
        .fetchall()
    )
    inputs = [f"{records}:{number}" for number in range(1, len(rows) + 1)]
    assert set(found_of) == set(inputs), "every headline is an article or a duplicate"
    found = [found_of[input_ref] for input_ref in inputs]
    _assert_above("through newsbeam run", rows, found, RUN_FLOORS)
