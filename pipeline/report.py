"""What `newsbeam` prints: each run's counters and accounting, where the output is and a
query to try, and query results. Scripts and tests read these lines: keep them stable."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from newsbeam.transforms.sources.feed_failures import FeedFailure
    from newsbeam.transforms.write.accounting import RunInfo

__all__ = [
    "EXAMPLE_QUERY",
    "QUERY_FORMATS",
    "print_accounting",
    "print_feed_failures",
    "print_part",
    "print_query_result",
    "print_run",
    "print_where",
]

EXAMPLE_QUERY = "SELECT region, date, count(*) AS articles FROM articles GROUP BY ALL ORDER BY ALL"
"""The query suggested after every run and stream."""

QUERY_FORMATS = ("table", "csv", "json")


def print_part(number: int, parts: int, files: Sequence[str]) -> None:
    """Which chunk of a run in several parts starts now (`number` counts from 0)."""
    print(f"newsbeam: part {number + 1} of {parts}: {len(files)} input files")


def print_run(run: RunInfo, elapsed: float, counters: Mapping[str, int]) -> None:
    """A finished run: its id, runner and time, then its counters by name."""
    print(f"newsbeam: run {run.run_id} finished on {run.runner} in {elapsed:.1f}s")
    for name in sorted(counters):
        print(f"  {name:<28} {counters[name]}")
    sys.stdout.flush()


def print_accounting(output: str, run_id: str) -> bool:
    """Prints the run's inputs = articles + duplicates + rejects, read back from its `runs`
    row; False, with an error on stderr, if the row is missing or does not balance."""
    from newsbeam.query import run_row_of
    from newsbeam.transforms.write.accounting import balance_report

    row = run_row_of(output, run_id)
    if row is None:
        print(f"newsbeam: error: the run wrote no runs row for {run_id}", file=sys.stderr)
        return False
    for line in balance_report(row):
        print(f"  {line}")
    if not row["balanced"]:
        print(
            "newsbeam: error: some inputs are not accounted for (see above and the runs table)",
            file=sys.stderr,
        )
    return row["balanced"]


def print_feed_failures(
    failures: Sequence[FeedFailure] | None, feed_rejects: int, allowed: bool
) -> bool:
    """Each feed that failed entirely, on stderr: the feed, the reason, and for a refused
    address the flag that allows it. False (the run exits 1) if any failed, unless
    `allowed` (--allow-feed-failures).

    `failures` is None on a runner that reports no metrics: then each of the `feed_rejects`
    the runs row counts is taken for a failure (an empty feed among them).
    """
    from newsbeam.transforms.sources.urls import strip_credentials

    if not (failures if failures is not None else feed_rejects):
        return True
    level = "warning" if allowed else "error"
    if failures is None:
        print(
            f"newsbeam: {level}: {feed_rejects} feed rejects; this runner reports no metrics, "
            "so which feeds failed is only in the rejects table (stage 'feed')",
            file=sys.stderr,
        )
    else:
        count = f"{len(failures)} feed{'s' if len(failures) > 1 else ''}"
        print(f"newsbeam: {level}: {count} failed entirely, no entry read:", file=sys.stderr)
        for failure in failures:
            detail = f": {failure.detail}" if failure.detail else ""
            print(f"  {strip_credentials(failure.feed)}: {failure.reason}{detail}", file=sys.stderr)
            if failure.private_network:
                print(
                    "    (a loopback or private address: add --allow-private-networks to read it)",
                    file=sys.stderr,
                )
    if not allowed:
        print(
            "newsbeam: exit status 1 for a failed feed; --allow-feed-failures accepts it "
            "(it stays in the rejects table)",
            file=sys.stderr,
        )
    return allowed


def print_where(output: str) -> None:
    """Where the tables are, and a first query over them."""
    print(f"Output: {output}")
    print(f'Try: newsbeam query {output} "{EXAMPLE_QUERY}"')


def print_query_result(
    relation: duckdb.DuckDBPyRelation, output_format: str, max_rows: int
) -> None:
    """At most `max_rows` rows of a query's result as a table, CSV or JSON records."""
    if output_format == "csv":
        relation.limit(max_rows).to_df().to_csv(sys.stdout, index=False)
    elif output_format == "json":
        print(relation.limit(max_rows).to_df().to_json(orient="records", date_format="iso"))
    else:
        relation.show(max_rows=max_rows, max_width=200)
