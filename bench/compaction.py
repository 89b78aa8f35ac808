"""DuckDB over a week of a one-minute-window stream, before and after `newsbeam compact`.

    .venv/bin/python -m bench.compaction [--days 7] [--window-minutes 1] [--per-window 10]

A local stream writes, each window, one file into every partition it adds articles to and
one into each flat table. Running such a stream for a week takes a week, so this builds
the same files: real rows first (`newsbeam run` over the bench corpus: text, entities,
stories as the pipeline makes them), then, window by window, `--per-window` of those
articles under new ids (dated the window's day, in their own regions), a duplicate, a
`stories` row and the window's `runs` row, each written by newsbeam's own writer
(`write_rows`). Then it times, through `newsbeam query`'s views, opening the output and
four queries an analyst runs over the week (median of 3 after one cold run), compacts
with `newsbeam compact --quiet-for 0` (timed, as a command), and times them again. The
answers before and after must be equal. Results go to `bench/results/*-compaction.json`.

Each file keeps its window's time as its modification time, as a stream leaves it, so
that the `source_health` rewrite a window does at its end is timed as it runs in a stream
on the last day: first with no table yet (every file read), then with the table there
(the last day's files only), before compaction.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from bench import RESULTS, newsbeam_command, save_results
from bench.corpus import news_articles, write_jsonl

QUERIES = {
    "articles_per_day_and_region": (
        "SELECT date, region, count(*) FROM articles GROUP BY ALL ORDER BY ALL"
    ),
    "top_persons_of_the_week": (
        "SELECT person, count(*) AS n FROM articles, unnest(persons) AS t(person) "
        "GROUP BY person ORDER BY n DESC, person LIMIT 20"
    ),
    "one_day_one_region": (
        "SELECT count(*), sum(word_count) FROM articles "
        "WHERE date = DATE '2026-11-02' AND region = 'western-europe'"
    ),
    "windows_and_rows_per_day": (
        "SELECT CAST(started_at AS DATE), count(*), sum(articles) FROM runs GROUP BY ALL "
        "ORDER BY ALL"
    ),
}
_REPEATS = 3
_START = datetime(2026, 11, 1, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--window-minutes", type=float, default=1.0)
    parser.add_argument("--per-window", type=int, default=10)
    parser.add_argument("--base-articles", type=int, default=300)
    parser.add_argument("--results", default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsbeam-compaction-") as workdir:
        results = measure(
            workdir, args.days, args.window_minutes, args.per_window, args.base_articles
        )
    print(json.dumps(results, indent=2))
    path = save_results(results, "compaction", args.results)
    print(f"results: {path}")
    return 0


def measure(
    workdir: str, days: int, window_minutes: float, per_window: int, base_articles: int
) -> dict:
    """Builds the stream's files, queries, compacts, queries again; returns the figures."""
    base = _real_rows(workdir, base_articles)
    output = os.path.join(workdir, "stream")
    windows = int(days * 24 * 60 / window_minutes)
    started = time.perf_counter()
    _write_windows(output, base, windows, window_minutes, per_window)
    build_s = time.perf_counter() - started
    health = _time_source_health(output, windows, window_minutes)
    before = _queries(output)
    files_before = _count_files(output)
    started = time.perf_counter()
    compact = subprocess.run(
        [*newsbeam_command(), "compact", output, "--quiet-for", "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    compact_s = time.perf_counter() - started
    after = _queries(output)
    if before["answers"] != after["answers"]:
        raise AssertionError("the queries answer differently after compaction")
    return {
        "days": days,
        "window_minutes": window_minutes,
        "windows": windows,
        "articles": windows * per_window,
        "build_s": round(build_s, 1),
        "files_before": files_before,
        "files_after": _count_files(output),
        "compact_s": round(compact_s, 1),
        "source_health_first_s": health["first"],
        "source_health_window_s": health["window"],
        "compact_summary": compact.stdout.strip(),
        "before_ms": before["ms"],
        "after_ms": after["ms"],
        "cpu_count": os.cpu_count(),
    }


def _real_rows(workdir: str, size: int) -> dict[str, list[dict]]:
    """Every table's rows after one `newsbeam run` over the bench corpus."""
    from newsbeam.query import connect

    corpus = os.path.join(workdir, "corpus")
    write_jsonl(news_articles(size), corpus)
    output = os.path.join(workdir, "base")
    subprocess.run(
        [*newsbeam_command(), "run", "--input", corpus, "--output", output],
        capture_output=True,
        check=True,
    )
    rows = {}
    with connect(output) as db:
        for table in ("articles", "duplicates", "stories", "runs"):
            cursor = db.execute(f"SELECT * FROM {table}")
            names = [column[0] for column in cursor.description]
            rows[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return rows


def _write_windows(
    output: str, base: dict[str, list[dict]], windows: int, window_minutes: float, per_window: int
) -> None:
    from newsbeam.schemas import TABLES
    from newsbeam.transforms.write.parquet_files import partition_dir, write_rows

    articles = TABLES["articles"]
    flat = {name: TABLES[name] for name in ("duplicates", "stories", "runs")}
    for window in range(windows):
        at = _START + timedelta(minutes=window * window_minutes)
        by_partition: dict[str, list[dict]] = defaultdict(list)
        for number in range(per_window):
            row = dict(base["articles"][(window * per_window + number) % len(base["articles"])])
            row.update(
                id=_new_id("article", window, number),
                date=at.date(),
                published_at=at,
                ingested_at=at,
            )
            by_partition[partition_dir(articles, row)].append(row)
        paths = [
            write_rows(output, articles, partition, rows)
            for partition, rows in by_partition.items()
        ]
        for name, table in flat.items():
            if not base[name]:
                continue
            row = dict(base[name][window % len(base[name])])
            row[table.key] = _new_id(name, window, 0)
            if name == "runs":
                row.update(started_at=at, ended_at=at + timedelta(seconds=20))
            paths.append(write_rows(output, table, "", [row]))
        for path in paths:  # as the window left it
            os.utime(path, (at.timestamp() + 30, at.timestamp() + 30))


def _time_source_health(output: str, windows: int, window_minutes: float) -> dict[str, float]:
    """Seconds a window's `source_health` rewrite of the last day takes, the first time
    (no table: every file is read) and once the table is there (the day's files)."""
    from newsbeam.source_health import write_source_health

    last_day = (_START + timedelta(minutes=(windows - 1) * window_minutes)).date()
    times = {}
    for name in ("first", "window"):
        started = time.perf_counter()
        write_source_health(output, [last_day], "bench".ljust(32, "0"))
        times[name] = round(time.perf_counter() - started, 2)
    return times


def _new_id(kind: str, window: int, number: int) -> str:
    return hashlib.sha256(f"{kind}/{window}/{number}".encode()).hexdigest()[:32]


def _queries(output: str) -> dict:
    """Opening the output (`newsbeam query`'s views) and each query, in ms; the answers."""
    from newsbeam.query import connect

    connect_ms = []
    for _ in range(_REPEATS + 1):
        started = time.perf_counter()
        connect(output).close()
        connect_ms.append((time.perf_counter() - started) * 1000)
    ms = {"open_output": round(statistics.median(connect_ms[1:]), 1)}
    answers = {}
    with connect(output) as db:
        for name, sql in QUERIES.items():
            answers[name] = db.execute(sql).fetchall()  # the cold run
            times = []
            for _ in range(_REPEATS):
                started = time.perf_counter()
                db.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            ms[name] = round(statistics.median(times), 1)
    return {"ms": ms, "answers": answers}


def _count_files(output: str) -> dict[str, int]:
    counts = {}
    for table in ("articles", "duplicates", "stories", "runs"):
        folder = os.path.join(output, table)
        counts[table] = sum(
            name.endswith(".parquet") for _root, _dirs, names in os.walk(folder) for name in names
        )
    return counts


if __name__ == "__main__":
    raise SystemExit(main())
