"""Every input accounted for: inputs = articles + duplicates + rejects, per source.

Inputs are counted where they enter (each raw record a reader or a feed fetch produced,
and each feed, fetch or read reject), outcomes where they leave (the rows handed to the
writers). A stage that dropped an element without a reject row would break the identity,
so a run that does not balance says so in the `runs` table and on the command line.
Counts are made from the data itself, with a combine, so they hold on every runner.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

__all__ = [
    "RunInfo",
    "UNKNOWN_SOURCE",
    "FEED_COUNTS",
    "add_outcome",
    "add_poll",
    "add_skipped",
    "balance_report",
    "empty_tally",
    "merge_tallies",
    "outcome_of",
    "run_row",
    "written_outcomes",
]

UNKNOWN_SOURCE = "(unknown)"
OUTCOMES = ("inputs", "articles", "duplicates", "rejects")

Tally = dict
"""{"sources": {source: [inputs, articles, duplicates, rejects]}, "stages": {name: count},
"feeds": {(source, feed url): [polls, not modified, failed, entries seen, entries new]}}"""

FEED_COUNTS = ("polls", "polls_not_modified", "polls_failed", "entries_seen", "entries_new")
"""What the runs row's `feeds` counts per feed: polls by status, and the entries seen."""


@dataclass(frozen=True)
class RunInfo:
    """What the runs row says about the run itself; fixed before the pipeline starts."""

    run_id: str
    mode: str
    runner: str
    started_at: datetime
    options: dict = field(default_factory=dict)
    archives: tuple[tuple[str, int], ...] = ()
    """(path, bytes) of the web archive files the run reads whole."""


def empty_tally() -> Tally:
    return {"sources": {}, "stages": {}, "feeds": {}}


def outcome_of(row: dict, outcome: str) -> tuple[str, int, str]:
    """(source, outcome index, stage) of one row: the unit a tally counts.

    The source is the outlet when the input named one. It is fixed when the raw record or
    the reject is made and no stage changes it, so an input and its outcome always fall
    under the same source.
    """
    source = row.get("source") or UNKNOWN_SOURCE
    if outcome == "rejects":
        stage = f"rejects_{row['stage']}"
    elif outcome == "duplicates":
        stage = f"duplicates_{row['kind']}"
    else:
        stage = outcome
    return source, OUTCOMES.index(outcome), stage


def add_outcome(tally: Tally, unit: tuple[str, int, str]) -> Tally:
    """Counts one unit into `tally` (in place: a combine adds millions of them)."""
    source, index, stage = unit
    counts = tally["sources"].get(source)
    if counts is None:
        counts = tally["sources"][source] = [0, 0, 0, 0]
    counts[index] += 1
    tally["stages"][stage] = tally["stages"].get(stage, 0) + 1
    return tally


def add_poll(tally: Tally, poll: dict) -> Tally:
    """Counts one poll record (`read_feeds.poll_record`) into `tally`, in place."""
    key = (poll["source"], poll["feed_url"])
    counts = tally["feeds"].setdefault(key, [0] * len(FEED_COUNTS))
    counts[0] += 1
    counts[1] += poll["status"] == "not_modified"
    counts[2] += poll["status"] == "failed"
    counts[3] += poll["entries_seen"]
    counts[4] += poll["entries_new"]
    return tally


def add_skipped(tally: Tally, reason: str) -> Tally:
    """Counts one archive record that was no input (a request, a redirect, an image) as
    the stage `skipped_<reason>`, in place: counted in the runs row, never an input."""
    stage = f"skipped_{reason}"
    tally["stages"][stage] = tally["stages"].get(stage, 0) + 1
    return tally


def merge_tallies(tallies: Iterable[Tally]) -> Tally:
    merged = empty_tally()
    for tally in tallies:
        for source, counts in tally["sources"].items():
            total = merged["sources"].setdefault(source, [0, 0, 0, 0])
            for i, count in enumerate(counts):
                total[i] += count
        for stage, count in tally["stages"].items():
            merged["stages"][stage] = merged["stages"].get(stage, 0) + count
        for key, counts in tally.get("feeds", {}).items():
            total = merged["feeds"].setdefault(key, [0] * len(FEED_COUNTS))
            for i, count in enumerate(counts):
                total[i] += count
    return merged


def written_outcomes(written: Iterable) -> dict[str, list[int]]:
    """{source: [0, articles, duplicates, rejects, already written]} from the writer's
    `Written` records: the rows that are in the output, per source."""
    counts: dict[str, list[int]] = {}
    for record in written:
        if record.table not in OUTCOMES:
            continue
        index = len(OUTCOMES) if record.path is None else OUTCOMES.index(record.table)
        for source, n in record.sources.items():
            counts.setdefault(source, [0] * (len(OUTCOMES) + 1))[index] += n
    return counts


def run_row(
    info: RunInfo, tally: Tally, written: Iterable | None = None, ended_at: datetime | None = None
) -> dict:
    """The `runs` row of a finished run.

    Inputs come from the tally; outcomes from `written` (what the writer put on disk, or
    found there already) when given, else from the tally. A source balances when its
    inputs equal its articles, duplicates, rejects and rows already written.
    """
    by_source = {source: [*counts, 0] for source, counts in tally["sources"].items()}
    if written is not None:
        outcomes = written_outcomes(written)
        for source in by_source.keys() | outcomes.keys():
            inputs = by_source.get(source, [0])[0]
            by_source[source] = [inputs, *outcomes.get(source, [0] * 5)[1:]]
    totals = [sum(counts[i] for counts in by_source.values()) for i in range(5)]
    inputs, articles, duplicates, rejects, already = totals
    return {
        "run_id": info.run_id,
        "mode": info.mode,
        "runner": info.runner,
        "started_at": info.started_at,
        "ended_at": ended_at or datetime.now(UTC),
        "inputs": inputs,
        "articles": articles,
        "duplicates": duplicates,
        "rejects": rejects,
        "already_written": already,
        "balanced": all(c[0] == sum(c[1:]) for c in by_source.values()),
        "sources": [
            dict(zip(("source", *OUTCOMES, "already_written"), (source, *counts), strict=True))
            for source, counts in sorted(by_source.items())
        ],
        "stages": [{"name": name, "count": n} for name, n in sorted(tally["stages"].items())],
        "feeds": [
            dict(zip(("source", "feed_url", *FEED_COUNTS), (*key, *counts), strict=True))
            for key, counts in sorted(
                tally.get("feeds", {}).items(), key=lambda item: (item[0][1], item[0][0] or "")
            )
        ],
        "options": json.dumps(info.options, sort_keys=True, default=str),
        "archives": [{"path": path, "bytes": size} for path, size in info.archives],
    }


def balance_report(row: dict) -> list[str]:
    """Lines for people: the identity, then each source that does not balance."""
    already = row.get("already_written") or 0
    lines = [
        f"inputs {row['inputs']} = articles {row['articles']} + duplicates "
        f"{row['duplicates']} + rejects {row['rejects']}"
        + (f" + already written {already}" if already else "")
        + ("" if row["balanced"] else "  DOES NOT BALANCE")
    ]
    for counts in row["sources"]:
        accounted = (
            counts["articles"]
            + counts["duplicates"]
            + counts["rejects"]
            + (counts.get("already_written") or 0)
        )
        if counts["inputs"] != accounted:
            lines.append(
                f"source {counts['source']!r}: {counts['inputs']} inputs, {accounted} accounted"
            )
    return lines
