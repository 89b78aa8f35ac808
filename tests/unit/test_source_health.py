"""`source_health` and `source_health_flags` over real Parquet files read by DuckDB: a
fortnight of one steady source and one that goes wrong in each way an operator must see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsbeam.query import connect
from newsbeam.schemas import ARTICLES, DUPLICATES, REJECTS, RUNS
from newsbeam.transforms.write.parquet_files import partition_dir, write_rows
from tests.support.builders import article_row, duplicate_row, reject_row, run_row

_START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
_DAYS = 14


def _write(output, table, rows) -> None:
    by_partition: dict[str, list[dict]] = {}
    for row in rows:
        by_partition.setdefault(partition_dir(table, row), []).append(row)
    for partition, group in by_partition.items():
        write_rows(str(output), table, partition, group)


def _articles(source: str, day: int, count: int, words: int) -> list[dict]:
    at = _START + timedelta(days=day)
    return [
        article_row(
            id=f"{source}-{day}-{n}".ljust(32, "0"),
            source=source,
            ingested_at=at,
            date=at.date(),
            word_count=words,
            date_source="ingested" if n == 0 else "html_metadata",
        )
        for n in range(count)
    ]


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    """Steady Wire: 6 articles of 500 words a day. Flaky Post: 6 a day until day 9, then a
    feed failure and nothing (day 10), 2 articles (day 11), 6 of 100 words (day 12)."""
    out = tmp_path_factory.mktemp("health")
    articles, rejects, duplicates, runs = [], [], [], []
    for day in range(_DAYS):
        at = _START + timedelta(days=day)
        runs.append(run_row(run_id=f"run{day}".ljust(32, "0"), started_at=at, ended_at=at))
        articles += _articles("Steady Wire", day, 6, 500)
        flaky = {10: 0, 11: 2, 12: 6}.get(day, 6 if day < 10 else 0)
        articles += _articles("Flaky Post", day, flaky, 100 if day == 12 else 500)
        duplicates.append(
            duplicate_row(id=f"dup{day}".ljust(32, "0"), source="Steady Wire", ingested_at=at)
        )
    failure = reject_row("https://flaky.test/feed", "feed", "http_error", "HTTP 503", "Flaky Post")
    rejects.append({**failure, "ingested_at": _START + timedelta(days=10)})
    _write(out, ARTICLES, articles)
    _write(out, DUPLICATES, duplicates)
    _write(out, REJECTS, rejects)
    _write(out, RUNS, runs)
    return out


def test_each_source_has_a_row_every_day_a_run_ran_even_a_day_of_nothing(output):
    db = connect(str(output))
    rows = db.execute(
        "SELECT day, articles, feed_failures, rejects_by_reason FROM source_health "
        "WHERE source = 'Flaky Post' ORDER BY day"
    ).fetchall()
    assert len(rows) == _DAYS
    day10 = rows[10]
    assert day10[1:] == (0, 1, {"feed: http_error": 1})  # quiet, with the failure named
    assert rows[13][1] == 0  # no rows at all that day: still a row of zeros


def test_the_numbers_add_up_to_what_was_written(output):
    db = connect(str(output))
    health = db.execute(
        "SELECT sum(articles), sum(exact_duplicates + near_duplicates), sum(rejects) "
        "FROM source_health"
    ).fetchone()
    written = tuple(
        db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("articles", "duplicates", "rejects")
    )
    assert health == written
    share = db.execute(
        "SELECT share_undated, median_words FROM source_health "
        "WHERE source = 'Steady Wire' AND day = DATE '2025-03-02'"
    ).fetchone()
    assert share == (pytest.approx(1 / 6), 500)


def test_flags_name_the_days_a_source_went_wrong_and_nothing_else(output):
    db = connect(str(output))
    # Days are UTC days whatever the reader's zone (the rows were read at 09:00 UTC,
    # which is the day before in Honolulu).
    db.execute("SET TimeZone = 'Pacific/Honolulu'")
    flags = db.execute(
        "SELECT source, day - DATE '2025-03-01', flag FROM source_health_flags ORDER BY ALL"
    ).fetchall()
    assert flags == [
        ("Flaky Post", 10, "feed failing"),  # the day it started failing
        ("Flaky Post", 11, "articles halved"),
        ("Flaky Post", 12, "text halved"),
        ("Flaky Post", 13, "no articles"),
    ]


def _feed(source: str | None, polls: int, not_modified: int, new: int) -> dict:
    return {
        "source": source,
        "feed_url": "https://polled.test/feed.xml",
        "polls": polls,
        "polls_not_modified": not_modified,
        "polls_failed": 0,
        "entries_seen": 20 * (polls - not_modified),
        "entries_new": new,
    }


def test_polls_are_counted_per_source_and_a_day_no_run_polled_a_feed_is_not_flagged(tmp_path):
    """A named feed, polled every day but day 8 (another schedule's day), and all 304s on
    day 9; an unnamed feed's 304 polls count under the source its articles carry."""
    articles, runs = [], []
    for day in range(10):
        at = _START + timedelta(days=day)
        new = 0 if day >= 8 else 5
        feeds = [] if day == 8 else [_feed("Polled Feed", 4, 4 if day == 9 else 1, new)]
        feeds.append(
            {**_feed(None, 2, 2, 0), "feed_url": "https://other.test/rss"}
        )  # unnamed, unchanged
        runs.append(
            run_row(run_id=f"run{day}".ljust(32, "0"), started_at=at, ended_at=at, feeds=feeds)
        )
        for row in _articles("Polled Feed", day, new, 400):
            articles.append({**row, "feed_url": "https://polled.test/feed.xml"})
        if day == 0:
            other = _articles("Other Wire", 0, 1, 400)[0]
            articles.append({**other, "feed_url": "https://other.test/rss"})
    # The unnamed feed fails on day 9: its reject has no source, its URL says whose it is.
    failure = reject_row("https://other.test/rss", "feed", "feed_http_503", "HTTP 503", None)
    _write(tmp_path, ARTICLES, articles)
    _write(tmp_path, RUNS, runs)
    _write(tmp_path, REJECTS, [{**failure, "ingested_at": _START + timedelta(days=9)}])
    db = connect(str(tmp_path))

    rows = db.execute(
        "SELECT day - DATE '2025-03-01', polls, polls_not_modified, entries_seen, entries_new, "
        "articles FROM source_health WHERE source = 'Polled Feed' ORDER BY day"
    ).fetchall()
    assert rows[0] == (0, 4, 1, 60, 5, 5)
    assert rows[8] == (8, 0, 0, 0, 0, 0)  # not polled that day
    assert rows[9] == (9, 4, 4, 0, 0, 0)  # polled, unchanged all day
    other = db.execute(
        "SELECT sum(polls), sum(polls_not_modified) FROM source_health WHERE source = 'Other Wire'"
    ).fetchone()
    assert other == (20, 20)
    flags = db.execute(
        "SELECT source, day - DATE '2025-03-01', flag FROM source_health_flags ORDER BY ALL"
    ).fetchall()
    assert flags == [("Other Wire", 9, "feed failing"), ("Polled Feed", 9, "no articles")]
    # Counts are the table's int64 as analysts read them, not DuckDB's HUGEINT sums.
    types = dict(
        db.execute("SELECT column_name, column_type FROM (DESCRIBE source_health)").fetchall()
    )
    assert {types[c] for c in ("polls", "polls_failed", "entries_new", "articles")} == {"BIGINT"}


def test_an_unnamed_feed_that_never_worked_is_its_own_source_and_flagged_at_once(tmp_path):
    """A feed given by URL alone whose every poll fails never reads a title: among hundreds
    of feeds it must still be told apart (its URL is its source, not `(unknown)`, which
    every such feed would share) and flagged on its first day."""
    gone, down = "https://gone.test/feed.xml", "https://down.test/rss"
    runs, rejects = [], []
    for day in range(3):
        at = _START + timedelta(days=day)
        feeds = [
            {**_feed(None, 2, 0, 0), "feed_url": url, "polls_failed": 2, "entries_seen": 0}
            for url in (gone, down)
        ]
        runs.append(
            run_row(run_id=f"run{day}".ljust(32, "0"), started_at=at, ended_at=at, feeds=feeds)
        )
        for url in (gone, down):
            failure = reject_row(url, "feed", "feed_http_404", "HTTP 404", None)
            rejects += [{**failure, "ingested_at": at}] * 2
    _write(tmp_path, RUNS, runs)
    _write(tmp_path, REJECTS, rejects)
    db = connect(str(tmp_path))
    rows = db.execute(
        "SELECT source, sum(polls), sum(polls_failed), sum(feed_failures) FROM source_health "
        "GROUP BY source ORDER BY source"
    ).fetchall()
    assert rows == [(down, 6, 6, 6), (gone, 6, 6, 6)]
    flags = db.execute(
        "SELECT source, day - DATE '2025-03-01', flag FROM source_health_flags ORDER BY ALL"
    ).fetchall()
    assert flags == [(down, 0, "feed failing"), (gone, 0, "feed failing")]


def test_days_before_runs_recorded_polls_are_flagged_as_before(tmp_path):
    """Runs of schema version 6 recorded no polls: a quiet day then is flagged `no
    articles` as it was, though later runs record the source's polls."""
    articles, runs = [], []
    for day in range(12):
        at = _START + timedelta(days=day)
        feeds = [_feed("Polled Feed", 1, 0, 5)] if day >= 10 else None  # None: before v7
        runs.append(
            run_row(run_id=f"run{day}".ljust(32, "0"), started_at=at, ended_at=at, feeds=feeds)
        )
        if day != 8:
            articles += _articles("Polled Feed", day, 5, 400)
    _write(tmp_path, ARTICLES, articles)
    _write(tmp_path, RUNS, runs)
    flags = (
        connect(str(tmp_path))
        .execute("SELECT day - DATE '2025-03-01', flag FROM source_health_flags")
        .fetchall()
    )
    assert flags == [(8, "no articles")]


# --- the written table ---------------------------------------------------------------------


def _health_rows(db, relation: str, day) -> list[tuple]:
    return db.execute(
        f"SELECT * EXCLUDE (run_id) FROM {relation} WHERE day = ? ORDER BY source", [day]
    ).fetchall()


def _run_day(out, day: int, rows: dict) -> None:
    """A run on day `day` (from `_START`): its rows and its runs row written, each file
    dated the run's time as a stream leaves it, then its day of source_health rewritten."""
    _run_at(out, _START + timedelta(days=day), rows, f"run{day}".ljust(32, "0"))


def _run_at(out, at, rows: dict, run_id: str) -> None:
    """A run at `at`: its rows and runs row written, dated `at`, and its day rewritten."""
    import os

    from newsbeam.source_health import write_source_health

    before = set(out.rglob("*.parquet"))
    for table, table_rows in rows.items():
        _write(out, table, table_rows)
    _write(out, RUNS, [run_row(run_id=run_id, started_at=at, ended_at=at)])
    for path in set(out.rglob("*.parquet")) - before:
        os.utime(path, (at.timestamp(), at.timestamp()))
    write_source_health(str(out), [at.date()], run_id)


def test_the_written_table_holds_what_the_view_computes(output, tmp_path):
    """Each day's file, written from the whole output, is the computed rows, one per
    source: the view then reads it instead of computing."""
    import shutil

    from newsbeam.source_health import write_source_health

    copy = tmp_path / "out"
    shutil.copytree(output, copy)
    days = [(_START + timedelta(days=day)).date() for day in range(_DAYS)]
    assert write_source_health(str(copy), days, "r".ljust(32, "0")) == 2 * _DAYS
    assert len(list((copy / "source_health").glob("day=*/health.parquet"))) == _DAYS
    db = connect(str(copy))
    for day in days:
        assert _health_rows(db, "_source_health_written", day) == _health_rows(
            db, "_source_health_computed", day
        )
    assert db.execute("SELECT DISTINCT run_id FROM source_health").fetchall() == [
        ("r".ljust(32, "0"),)
    ]
    # Written again, a day is still one row per source.
    write_source_health(str(copy), days[:1], "s".ljust(32, "0"))
    assert db.execute("SELECT count(*) FROM source_health WHERE day = ?", [days[0]]).fetchone() == (
        2,
    )


def test_days_written_before_already_written_existed_still_read(output, tmp_path):
    """A day file of schema version 8 (no `already_written`) beside newer ones: the table
    reads both, the older day's column null."""
    import shutil

    import pyarrow.parquet as pq

    from newsbeam.source_health import write_source_health

    copy = tmp_path / "out"
    shutil.copytree(output, copy)
    days = [(_START + timedelta(days=day)).date() for day in range(2)]
    write_source_health(str(copy), days, "r".ljust(32, "0"))
    old_day = next((copy / "source_health").glob(f"day={days[0]}/health.parquet"))
    pq.write_table(pq.read_table(old_day).drop_columns(["already_written"]), old_day)
    db = connect(str(copy))
    rows = db.execute(
        "SELECT day, count(*), count(already_written) FROM source_health "
        "WHERE day <= ? GROUP BY day ORDER BY day",
        [days[1]],
    ).fetchall()
    assert rows == [(days[0], 2, 0), (days[1], 2, 2)]


def test_a_later_day_is_written_from_that_day_s_files_and_knows_the_quiet_sources(tmp_path):
    """The rewrite reads only the files written since the day began (a stream's output
    grows by the minute); a source quiet since an earlier day is known from the days
    already written, and gets its row of zeros."""
    import os

    from newsbeam.source_health import write_source_health

    out = tmp_path / "out"
    for day in (0, 2):
        flaky = _articles("Flaky Post", day, 3, 300) if day == 0 else []
        _run_day(out, day, {ARTICLES: _articles("Steady Wire", day, 6, 500) + flaky})
    day2 = (_START + timedelta(days=2)).date()
    db = connect(str(out))
    assert db.execute(
        "SELECT source, articles, run_id FROM _source_health_written WHERE day = ? ORDER BY 1",
        [day2],
    ).fetchall() == [
        ("Flaky Post", 0, "run2".ljust(32, "0")),
        ("Steady Wire", 6, "run2".ljust(32, "0")),
    ]
    assert _health_rows(db, "_source_health_written", day2) == _health_rows(
        db, "_source_health_computed", day2
    )
    # Day 0's files are not read for day 2: damaged, they do not stop its rewrite.
    for path in out.glob("articles/date=2025-03-01/*/*.parquet"):
        path.write_bytes(b"not parquet")
        os.utime(path, (_START.timestamp(), _START.timestamp()))
    assert write_source_health(str(out), [day2], "run3".ljust(32, "0")) == 2


def test_an_unnamed_feed_failing_on_a_later_day_counts_under_its_source(tmp_path):
    """A feed with no configured name reads no title when it fails: its source is the one
    its articles carried on an earlier day, whose files the later rewrite does not read
    (the days already written remember it)."""

    out = tmp_path / "out"
    feed_url = "https://unnamed.test/feed.xml"
    articles = [{**row, "feed_url": feed_url} for row in _articles("Unnamed Wire", 0, 3, 300)]
    _run_day(out, 0, {ARTICLES: articles})
    failure = reject_row(feed_url, "feed", "http_error", "HTTP 503", None)
    _run_day(out, 2, {REJECTS: [{**failure, "ingested_at": _START + timedelta(days=2)}]})
    day2 = (_START + timedelta(days=2)).date()
    db = connect(str(out))
    assert db.execute(
        "SELECT source, feed_failures FROM _source_health_written WHERE day = ?", [day2]
    ).fetchall() == [("Unnamed Wire", 1)]
    assert _health_rows(db, "_source_health_written", day2) == _health_rows(
        db, "_source_health_computed", day2
    )


def test_a_rewrite_that_fails_leaves_no_stale_day_behind(tmp_path):
    """A run whose files are in does not fail for its health rows: it says so, and removes
    the day's file, so that the view computes the day instead of serving older rows."""
    from newsbeam.source_health import rewrite_source_health

    out = tmp_path / "out"
    _write(out, ARTICLES, _articles("Steady Wire", 0, 2, 300))
    _write(out, RUNS, [run_row(run_id="run0".ljust(32, "0"), started_at=_START, ended_at=_START)])
    assert rewrite_source_health(str(out), _START, _START, "run0".ljust(32, "0"))
    (day_file,) = out.glob("source_health/day=*/health.parquet")
    (articles_file,) = out.glob("articles/*/*/*.parquet")
    articles_file.write_bytes(b"cut short by a power cut")
    assert not rewrite_source_health(str(out), _START, _START, "run1".ljust(32, "0"))
    assert not day_file.exists()


def test_a_feed_that_fails_then_works_the_same_day_is_one_source(tmp_path):
    """An unnamed feed refused by the first run of a day (no title read: its URL is its
    source) and read by the second: the day's rewrite counts both polls under the title
    the feed then gave, and keeps no row of zeros under the URL the first version had.
    A feed whose entries were all rejected is known by its title from its poll."""
    from newsbeam.source_health import write_source_health

    out = tmp_path / "out"
    url, quiet = "https://wire.test/rss", "https://quiet.test/rss"
    day = _START.date()
    refused = reject_row(url, "feed", "feed_refused_address", "127.0.0.1", None)
    failed = {**_feed(None, 1, 0, 0), "feed_url": url, "polls_failed": 1, "entries_seen": 0}
    _write(out, REJECTS, [{**refused, "ingested_at": _START}])
    _write(
        out, RUNS, [run_row(run_id="a" * 32, started_at=_START, ended_at=_START, feeds=[failed])]
    )
    write_source_health(str(out), [day], "a" * 32)
    later = _START + timedelta(hours=1)
    read = {**_feed("Wire", 1, 0, 3), "feed_url": url, "entries_seen": 3}
    quiet_poll = {**_feed("Quiet Wire", 1, 0, 2), "feed_url": quiet, "entries_seen": 2}
    articles = [{**row, "feed_url": url} for row in _articles("Wire", 0, 3, 300)]
    short = reject_row("https://quiet.test/a", "clean", "too_short", "5 words", "Quiet Wire")
    _write(out, ARTICLES, [{**row, "ingested_at": later} for row in articles])
    _write(out, REJECTS, [{**short, "ingested_at": later}] * 2)
    _write(
        out,
        RUNS,
        [run_row(run_id="b" * 32, started_at=later, ended_at=later, feeds=[read, quiet_poll])],
    )
    write_source_health(str(out), [day], "b" * 32)
    db = connect(str(out))
    rows = db.execute(
        "SELECT source, polls, polls_failed, articles, rejects FROM source_health ORDER BY source"
    ).fetchall()
    assert rows == [("Quiet Wire", 1, 0, 0, 2), ("Wire", 2, 1, 3, 1)]


def test_a_source_quiet_since_an_earlier_day_keeps_its_row_when_the_late_hour_is_reread(
    tmp_path,
):
    """A day's rewrite reads the files of the hour before it began (a clock set back): the
    days those runs started on are not the day rewritten, and their written sources stay,
    so a source quiet since the day before still gets its row of zeros (and its flag)."""
    out = tmp_path / "out"
    first = _articles("Flaky Post", 0, 3, 300) + _articles("Steady", 0, 3, 300)
    _run_at(out, _START, {ARTICLES: first}, "a" * 32)
    late = _START.replace(hour=23, minute=30)
    steady_late = [
        {**row, "ingested_at": late, "id": "late" + row["id"][4:]}
        for row in _articles("Steady", 0, 2, 300)
    ]
    _run_at(out, late, {ARTICLES: steady_late}, "b" * 32)
    next_day = _START + timedelta(days=1)
    _run_at(out, next_day, {ARTICLES: _articles("Steady", 1, 3, 300)}, "c" * 32)
    db = connect(str(out))
    assert db.execute(
        "SELECT source, articles FROM _source_health_written WHERE day = ? ORDER BY 1",
        [next_day.date()],
    ).fetchall() == [("Flaky Post", 0), ("Steady", 3)]


def test_an_empty_feed_is_no_failing_feed(tmp_path):
    """A feed read with no entries (`feed_empty`) failed nothing: not counted among feed
    failures, not flagged `feed failing` on its first day."""
    url = "https://quiet.test/rss"
    poll = {**_feed("Quiet", 1, 0, 0), "feed_url": url, "entries_seen": 0}
    _write(
        tmp_path, RUNS, [run_row(run_id="a" * 32, started_at=_START, ended_at=_START, feeds=[poll])]
    )
    empty = reject_row(url, "feed", "feed_empty", "no entries", "Quiet")
    _write(tmp_path, REJECTS, [{**empty, "ingested_at": _START}])
    db = connect(str(tmp_path))
    assert db.execute("SELECT source, rejects, feed_failures FROM source_health").fetchall() == [
        ("Quiet", 1, 0)
    ]
    assert db.execute("SELECT count(*) FROM source_health_flags").fetchone() == (0,)
