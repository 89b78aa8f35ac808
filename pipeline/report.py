"""What `newsbeam` prints: each run's counters and accounting, where the output is and a
query to try, and query results. Scripts and tests read these lines: keep them stable."""

from __future__ import annotations

import base64
import csv
import json
import math
import sys
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from newsbeam.transforms.sources.redact import redact

if TYPE_CHECKING:
    import duckdb

    from newsbeam.check import CheckResult
    from newsbeam.compaction import CompactionResult
    from newsbeam.transforms.sources.feed_failures import FeedFailure
    from newsbeam.transforms.write.accounting import RunInfo

__all__ = [
    "EXAMPLE_QUERY",
    "QUERY_FORMATS",
    "compaction_summary",
    "json_value",
    "print_accounting",
    "print_check",
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


def print_accounting(output: str, run_id: str, row: dict | None = None) -> bool:
    """Prints the run's inputs = articles + duplicates + rejects, read back from its `runs`
    row (`row`, when the caller has read it); False, with an error on stderr, if the row is
    missing or does not balance."""
    from newsbeam.query import run_row_of
    from newsbeam.transforms.write.accounting import balance_report

    row = row or run_row_of(output, run_id)
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
    """Where the tables are, and a first query over them (an `s3://key:secret@...` output
    is named without its credentials)."""
    output = redact(output)
    print(f"Output: {output}")
    if "://" in output:  # `newsbeam query` reads local folders: nothing is downloaded
        print('Try: copy it down (aws s3 sync, gsutil rsync), then: newsbeam query DIR "..."')
        return
    print(f'Try: newsbeam query {output} "{EXAMPLE_QUERY}"')


def print_query_result(
    relation: duckdb.DuckDBPyRelation, output_format: str, max_rows: int
) -> None:
    """At most `max_rows` rows of a query's result as a table, CSV or JSON records.

    CSV and JSON keep each value's type: numbers stay numbers, a DATE is `2025-03-04`, a
    TIMESTAMP WITH TIME ZONE is ISO 8601 in UTC (`2025-03-04T09:30:00+00:00`), lists and
    structs are JSON (in CSV, as JSON text in the cell). The query runs before anything is
    printed, so a failed one prints no partial result.
    """
    if output_format == "table":
        import duckdb

        # One run of the query: its first rows as Arrow, one more than shown to tell
        # whether some were left out.
        first = relation.limit(max_rows + 1).to_arrow_table()
        duckdb.from_arrow(first.slice(0, max_rows)).show(max_rows=max_rows, max_width=200)
        _say_if_cut(first.num_rows > max_rows, max_rows)
        return
    columns = relation.columns
    fetched = relation.limit(max_rows + 1).fetchall()
    rows = [[json_value(value) for value in row] for row in fetched[:max_rows]]
    _say_if_cut(len(fetched) > max_rows, max_rows)
    if output_format == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        print(json.dumps(records, separators=(",", ":")))
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_csv_cell(value) for value in row] for row in rows)


def _say_if_cut(cut: bool, max_rows: int) -> None:
    """On stderr, so that CSV and JSON on stdout stay whole documents."""
    if cut:
        print(
            f"newsbeam: the result has more than {max_rows} rows: the first {max_rows} are "
            "shown (--max-rows N shows more)",
            file=sys.stderr,
        )


def json_value(value: object) -> object:
    """A DuckDB result value as JSON has it: dates and times as ISO 8601 strings (aware
    timestamps in UTC), decimals as numbers, NaN and infinities as null, intervals as ISO
    8601 durations, blobs in base64, UUIDs as text; lists and structs element by element."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, timedelta):
        return _iso_duration(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return str(value)


def _iso_duration(value: timedelta) -> str:
    """`P1DT2H3M4.5S`, `PT0S`; a negative interval is signed (`-PT30S`)."""
    sign, value = ("-", -value) if value < timedelta(0) else ("", value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    fraction = f".{value.microseconds:06d}".rstrip("0") if value.microseconds else ""
    days = f"{value.days}D" if value.days else ""
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or fraction or not (days or clock):
        clock += f"{seconds}{fraction}S"
    return f"{sign}P{days}{'T' + clock if clock else ''}"


def _csv_cell(value: object) -> object:
    """A JSON value (`json_value`) as a CSV cell: null empty, booleans `true`/`false`,
    lists and structs as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return value


def print_check(
    output: str, result: CheckResult, moves: Sequence[tuple[str, str]], repair: bool
) -> None:
    """`newsbeam check`: each unreadable file and why, where `--repair` moved it, then a
    count and what to do next."""
    from newsbeam.schemas.layout import QUARANTINE

    moved = dict(moves)
    for item in result.unreadable:
        print(f"unreadable: {item.path}: {item.reason}")
        if item.path in moved:
            print(f"  moved to {moved[item.path]}")
    found = len(result.unreadable)
    print(f"newsbeam check: {result.checked} files read, {found} unreadable")
    if not found:
        return
    if repair:
        print(
            f"Moved to {output.rstrip('/')}/{QUARANTINE}/. Run again over the same inputs to "
            "write their rows anew."
        )
    else:
        print(f"Run `newsbeam check {output} --repair` to move them aside.")


def compaction_summary(result: CompactionResult) -> str:
    """`12 folders: 3,410 files into 14, 52,004 rows in 2.1s` and what was left, and why."""
    line = (
        f"{result.folders:,} folders: {result.files_merged:,} files into "
        f"{result.files_written:,}, {result.rows:,} rows in {result.seconds:.1f}s"
    )
    if result.repeated_rows_dropped:
        line += f"; {result.repeated_rows_dropped:,} rows repeated whole written once"
    for reason, files in sorted(result.files_left.items()):
        line += f"; {files:,} files left as they are: {reason}"
    return line
