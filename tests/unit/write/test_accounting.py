"""Every input accounted for: the tally of outcomes per source and stage, and the `runs` row
that says whether inputs = articles + duplicates + rejects."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsbeam.transforms.write.accounting import (
    RunInfo,
    add_outcome,
    add_poll,
    balance_report,
    empty_tally,
    merge_tallies,
    outcome_of,
    run_row,
)

RUN = RunInfo("r1", "batch", "FnApiRunner", datetime(2025, 3, 1, tzinfo=UTC), {"min_words": 40})


def _tally(*units) -> dict:
    tally = empty_tally()
    for unit in units:
        add_outcome(tally, unit)
    return tally


def test_a_row_counts_under_its_source_and_stage():
    assert outcome_of({"source": "Wire"}, "inputs") == ("Wire", 0, "inputs")
    assert outcome_of({"source": None, "stage": "read"}, "rejects") == (
        "(unknown)",
        3,
        "rejects_read",
    )
    assert outcome_of({"source": "Wire", "kind": "near"}, "duplicates") == (
        "Wire",
        2,
        "duplicates_near",
    )


def test_tallies_merge_in_any_order():
    a = _tally(("Wire", 0, "inputs"), ("Wire", 1, "articles"))
    b = _tally(("Wire", 0, "inputs"), ("Post", 0, "inputs"), ("Post", 3, "rejects_clean"))
    c = _tally(("Wire", 2, "duplicates_exact"))
    assert merge_tallies([a, b, c]) == merge_tallies([c, merge_tallies([b, a])])
    assert merge_tallies([a, b, c]) == {
        "sources": {"Wire": [2, 1, 1, 0], "Post": [1, 0, 0, 1]},
        "stages": {"inputs": 3, "articles": 1, "rejects_clean": 1, "duplicates_exact": 1},
        "feeds": {},
    }


def _poll(status: str, seen: int = 0, new: int = 0, source: str | None = "Wire") -> dict:
    return {
        "source": source,
        "feed_url": "https://wire.test/feed.xml",
        "status": status,
        "entries_seen": seen,
        "entries_new": new,
    }


def test_each_feeds_polls_are_counted_per_status_and_merge_in_any_order():
    a, b = empty_tally(), empty_tally()
    add_poll(a, _poll("fetched", seen=20, new=3))
    add_poll(a, _poll("not_modified"))
    add_poll(b, _poll("failed"))
    add_poll(b, _poll("fetched", seen=21, new=1))
    merged = merge_tallies([a, b])
    assert merged == merge_tallies([b, a])
    row = run_row(RUN, merged)
    assert row["feeds"] == [
        {
            "source": "Wire",
            "feed_url": "https://wire.test/feed.xml",
            "polls": 4,
            "polls_not_modified": 1,
            "polls_failed": 1,
            "entries_seen": 41,
            "entries_new": 4,
        }
    ]
    assert run_row(RUN, empty_tally())["feeds"] == []


def test_a_run_balances_only_when_every_source_does():
    balanced = run_row(RUN, _tally(("Wire", 0, "inputs"), ("Wire", 1, "articles")))
    assert balanced["balanced"] and balanced["inputs"] == balanced["articles"] == 1
    assert json.loads(balanced["options"]) == {"min_words": 40}
    assert balance_report(balanced) == ["inputs 1 = articles 1 + duplicates 0 + rejects 0"]
    # Totals can match while two sources each lose and gain one: still not balanced.
    crossed = run_row(RUN, _tally(("Wire", 0, "inputs"), ("Post", 1, "articles")))
    assert crossed["inputs"] == crossed["articles"] and not crossed["balanced"]
    report = balance_report(crossed)
    assert report[0].endswith("DOES NOT BALANCE")
    assert "source 'Post': 0 inputs, 1 accounted" in report
    assert "source 'Wire': 1 inputs, 0 accounted" in report


def test_outcomes_are_what_was_written_not_what_was_handed_to_the_writer():
    from newsbeam.transforms.write.write_tables import ALREADY_WRITTEN, Written

    # The tally saw two articles reach the writer; one file holds only one of them (a
    # runner that dropped a write, two rows merged under one key): the run does not balance.
    tally = _tally(*[("Wire", 0, "inputs")] * 2, *[("Wire", 1, "articles")] * 2)
    one_file = [Written("t", "articles", "a.parquet", {"Wire": 1})]
    short = run_row(RUN, tally, one_file)
    assert (short["inputs"], short["articles"], short["balanced"]) == (2, 1, False)
    assert "source 'Wire': 2 inputs, 1 accounted" in balance_report(short)

    # A row already on disk (a re-run) is accounted for, and said so.
    rerun = run_row(
        RUN, tally, [*one_file, Written(ALREADY_WRITTEN, "articles", None, {"Wire": 1})]
    )
    assert (rerun["articles"], rerun["already_written"], rerun["balanced"]) == (1, 1, True)
    assert balance_report(rerun) == [
        "inputs 2 = articles 1 + duplicates 0 + rejects 0 + already written 1"
    ]
    # Files of tables that are no outcome (the MinHash index, entity variants) count for nothing.
    index = Written("i", "minhash", "i.parquet", {"Wire": 5})
    assert run_row(RUN, tally, [*one_file, index])["articles"] == 1
