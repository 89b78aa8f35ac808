"""`source_health` and `source_health_flags`: how each source did each day, for an operator
watching hundreds of feeds: a table each run writes, and DuckDB views over it.

Every batch run and local stream window, once its files are in, rewrites the
`source_health` file of each day it read on (`write_source_health`): one row per source,
computed from the whole output, so that a day several runs read is one row per source
with exact medians, and a dashboard can read one small file a day without scanning
`articles`. The view `source_health` is that table, and for the days no run wrote it
(outputs of earlier versions, outputs written on a true streaming runner) the same rows
computed on the fly.

A day is the UTC day of ingestion (when newsbeam read the source), not of publication: a
feed that stops answering shows on the day it stopped. Every number is a count over
`articles`, `duplicates` and `rejects` rows of that source and day, so it adds up to the
`runs` rows (`sources` holds the same counts per run; a run that crosses midnight counts
its rows on the day each was read), and each reject behind a failure can be listed from
`rejects`. The days are those on which some run ran or some row was read, so a source
with no row on such a day shows a day of zeros: it went quiet.

Feeds add what no row shows: each run records, per feed it polled, its polls, the 304s,
the failed polls and the entries its document listed (`runs.feeds`, schema version 7).
A feed with no configured name has no source of its own when a poll does not read its
title (a 304, a failure): its polls, and its `feed` rejects (which `runs.sources` counts
under `(unknown)`), count here under the source that feed's articles or its polls that
read its title carry, matched by URL, or under the feed's URL when it never had one.
Where several schedules read different sources, a feed source that no run polled on a
day its runs recorded polls is not flagged `no articles`; a file source, which no run
records reading, still may be, and so may any source on days before version 7. A
rerun's inputs already written count per source too (`already_written`, from
`runs.sources`), so that a feed's entries add up.

`source_health_flags` compares each source-day with the same source's mean over the seven
days before it, and names why it stands out: no articles where there were some, articles
fewer than half, text shorter than half, or feed failures where there were none (or on
the first day of a source that wrote nothing: a feed that never worked).

Extraction time is the median of the day's `articles.extraction_ms` (schema version 8 on).
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from newsbeam.transforms.sources.feed_failures import NOT_FAILURES

__all__ = ["SOURCE_HEALTH_VIEWS", "rewrite_source_health", "run_days", "write_source_health"]

_LOG = logging.getLogger(__name__)

_NOT_FAILURES = ", ".join(f"'{reason}'" for reason in sorted(NOT_FAILURES))
"""The `feed` reject reasons of a feed that was read (SQL literals)."""

# The mean of the last week must rest on at least this many articles a day for a drop to
# be flagged: a source of one article a week is not "down" on a day without one.
MIN_DAILY_ARTICLES = 3

_SOURCE_HEALTH_COMPUTED = f"""
CREATE VIEW _source_health_computed AS
WITH written AS (
    SELECT coalesce(source, '(unknown)') AS source,
           CAST(timezone('UTC', ingested_at) AS DATE) AS day,
           count(*) AS articles,
           count(*) FILTER (WHERE date_source = 'ingested') AS articles_undated,
           count(*) FILTER (WHERE text_source = 'feed') AS articles_feed_text,
           median(word_count) AS median_words,
           round(median(CAST(extraction_ms AS DOUBLE)), 2) AS median_extraction_ms
    FROM articles GROUP BY ALL),
copies AS (
    SELECT coalesce(source, '(unknown)') AS source,
           CAST(timezone('UTC', ingested_at) AS DATE) AS day,
           count(*) FILTER (WHERE kind = 'exact') AS exact_duplicates,
           count(*) FILTER (WHERE kind <> 'exact') AS near_duplicates
    FROM duplicates GROUP BY ALL),
feed_sources AS (  -- from the articles, the polls that read a title and the days
                   -- written (`feed_urls`), newest first
    SELECT feed_url, arg_max(source, seen) AS source
    FROM (SELECT feed_url, source, epoch(ingested_at) AS seen FROM articles
          WHERE feed_url IS NOT NULL AND source IS NOT NULL
          UNION ALL
          SELECT f.feed_url, f.source, epoch(r.started_at) AS seen
          FROM runs AS r CROSS JOIN unnest(r.feeds) AS t(f) WHERE f.source IS NOT NULL
          UNION ALL
          SELECT u AS feed_url, source, epoch(CAST(day AS TIMESTAMP)) AS seen
          FROM _source_health_written, unnest(feed_urls) AS t(u))
    GROUP BY feed_url),
feeds_of AS (
    SELECT source, list(feed_url ORDER BY feed_url) AS feed_urls FROM feed_sources
    GROUP BY source),
failed AS (
    -- A feed that never gave a name (its polls all failed) is its own source: its URL.
    SELECT coalesce(r.source, CASE WHEN r.stage = 'feed' THEN coalesce(named.source, r.input)
                                   END, '(unknown)') AS source,
           CAST(timezone('UTC', r.ingested_at) AS DATE) AS day,
           count(*) AS rejects,
           -- An empty feed was read: no failure (`feed_failures.is_feed_failure`).
           count(*) FILTER (WHERE r.stage = 'feed' AND r.reason NOT IN ({_NOT_FAILURES}))
               AS feed_failures,
           histogram(r.stage || ': ' || r.reason) AS rejects_by_reason
    FROM rejects AS r LEFT JOIN feed_sources AS named ON named.feed_url = r.input
    GROUP BY ALL),
polled AS (
    SELECT coalesce(f.source, named.source, f.feed_url) AS source,
           CAST(timezone('UTC', r.started_at) AS DATE) AS day,
           -- DuckDB sums BIGINT into HUGEINT: counts stay the table's int64.
           CAST(sum(f.polls) AS BIGINT) AS polls,
           CAST(sum(f.polls_not_modified) AS BIGINT) AS polls_not_modified,
           CAST(sum(f.polls_failed) AS BIGINT) AS polls_failed,
           CAST(sum(f.entries_seen) AS BIGINT) AS entries_seen,
           CAST(sum(f.entries_new) AS BIGINT) AS entries_new
    FROM runs AS r CROSS JOIN unnest(r.feeds) AS t(f)
    LEFT JOIN feed_sources AS named ON named.feed_url = f.feed_url
    GROUP BY ALL),
rerun AS (  -- inputs whose row the output already held, by the day the run started
    SELECT coalesce(s.source, '(unknown)') AS source,
           CAST(timezone('UTC', r.started_at) AS DATE) AS day,
           CAST(sum(s.already_written) AS BIGINT) AS already_written
    FROM runs AS r CROSS JOIN unnest(r.sources) AS t(s)
    GROUP BY ALL HAVING sum(s.already_written) > 0),
seen AS (
    SELECT source, day FROM written UNION ALL SELECT source, day FROM copies
    UNION ALL SELECT source, day FROM failed UNION ALL SELECT source, day FROM polled
    UNION ALL SELECT source, day FROM rerun),
days AS (
    SELECT CAST(timezone('UTC', started_at) AS DATE) AS day FROM runs
    UNION SELECT day FROM seen),
recorded AS (  -- days some run recorded its feeds' polls (schema version 7 on)
    SELECT DISTINCT CAST(timezone('UTC', started_at) AS DATE) AS day FROM runs
    WHERE feeds IS NOT NULL),
sources AS (  -- every source seen, here or on a day already written but the one being
             -- rewritten (which keeps no source its earlier version had and the day's
             -- rows no longer give: the URL a failed poll stood under, say)
    SELECT source, min(day) AS first_day
    FROM (SELECT source, day FROM seen
          UNION ALL SELECT source, day FROM _source_health_written
          WHERE day IS DISTINCT FROM getvariable('newsbeam_rewritten_day'))
    GROUP BY source)
SELECT s.source, d.day,
       d.day IN (SELECT day FROM recorded) AS polls_recorded,
       coalesce(p.polls, 0) AS polls,
       coalesce(p.polls_not_modified, 0) AS polls_not_modified,
       coalesce(p.polls_failed, 0) AS polls_failed,
       coalesce(p.entries_seen, 0) AS entries_seen,
       coalesce(p.entries_new, 0) AS entries_new,
       coalesce(w.articles, 0) AS articles,
       coalesce(c.exact_duplicates, 0) AS exact_duplicates,
       coalesce(c.near_duplicates, 0) AS near_duplicates,
       coalesce(f.rejects, 0) AS rejects,
       coalesce(f.feed_failures, 0) AS feed_failures,
       coalesce(rw.already_written, 0) AS already_written,
       CAST(f.rejects_by_reason AS MAP(VARCHAR, BIGINT)) AS rejects_by_reason,
       w.articles_undated / w.articles AS share_undated,
       w.articles_feed_text / w.articles AS share_feed_text,
       CAST(w.median_words AS DOUBLE) AS median_words,
       CAST(w.median_extraction_ms AS DOUBLE) AS median_extraction_ms,
       fo.feed_urls,
       CAST(NULL AS VARCHAR) AS run_id
FROM sources AS s CROSS JOIN days AS d
LEFT JOIN feeds_of AS fo ON fo.source = s.source
LEFT JOIN written AS w ON w.source = s.source AND w.day = d.day
LEFT JOIN copies AS c ON c.source = s.source AND c.day = d.day
LEFT JOIN failed AS f ON f.source = s.source AND f.day = d.day
LEFT JOIN polled AS p ON p.source = s.source AND p.day = d.day
LEFT JOIN rerun AS rw ON rw.source = s.source AND rw.day = d.day
WHERE d.day >= s.first_day
"""

_SOURCE_HEALTH = """
CREATE VIEW source_health AS
SELECT * FROM _source_health_written
UNION ALL BY NAME
SELECT * FROM _source_health_computed
WHERE day NOT IN (SELECT day FROM _source_health_written)
"""

_SOURCE_HEALTH_FLAGS = f"""
CREATE VIEW source_health_flags AS
WITH week AS (
    SELECT *,
           avg(articles) OVER last_week AS articles_last_week,
           avg(median_words) OVER last_week AS median_words_last_week,
           sum(feed_failures) OVER last_week AS feed_failures_last_week,
           count(*) OVER last_week AS days_last_week,
           sum(polls) OVER (PARTITION BY source) AS polls_ever
    FROM source_health
    WINDOW last_week AS (PARTITION BY source ORDER BY day
                         RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND INTERVAL 1 DAYS PRECEDING))
SELECT source, day, polls, polls_not_modified, articles, articles_last_week, median_words,
       median_words_last_week, feed_failures, rejects_by_reason,
       CASE
           -- A feed failing on its first day is flagged when it wrote nothing.
           WHEN feed_failures > 0 AND coalesce(feed_failures_last_week, 0) = 0
                AND (days_last_week > 0 OR articles = 0) THEN 'feed failing'
           -- A feed source no run polled that day was not read: not a quiet source.
           WHEN polls = 0 AND polls_recorded AND polls_ever > 0 THEN NULL
           WHEN articles = 0 AND articles_last_week >= {MIN_DAILY_ARTICLES} THEN 'no articles'
           WHEN articles < articles_last_week / 2
                AND articles_last_week >= {MIN_DAILY_ARTICLES} THEN 'articles halved'
           WHEN median_words < median_words_last_week / 2 THEN 'text halved'
       END AS flag
FROM week
WHERE flag IS NOT NULL
"""

SOURCE_HEALTH_VIEWS = (_SOURCE_HEALTH_COMPUTED, _SOURCE_HEALTH, _SOURCE_HEALTH_FLAGS)
"""Created in this order, after the table views (`_source_health_written` among them)."""

_READ_TABLES = ("articles", "duplicates", "rejects", "runs", "source_health")
"""The tables the rows are computed from: the others' files need not be opened."""

_CLOCK_SLACK_S = 3600
"""Files are chosen by modification time: an hour's margin for a clock set back."""

REWRITTEN_DAY = "newsbeam_rewritten_day"
"""The DuckDB variable naming the day a rewrite computes (unset when querying)."""

HEALTH_FILE = "health.parquet"
"""The one file of each day's partition: rewritten whole, so a day never holds two."""


def run_days(started_at, ended_at) -> list[date]:
    """The UTC days a run read on: from the day it started to the day it ended."""
    first, last = started_at.date(), ended_at.date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def rewrite_source_health(output_dir: str, started_at, ended_at, run_id: str) -> bool:
    """After a run or window whose files are in: its days of `source_health` rewritten
    (`write_source_health`), each on its own. A failure does not fail the run: it is
    logged, and that day's file is removed, so that the view computes the day rather
    than serve rows the run made stale (and a later day's rewrite reads its files).
    False if any day failed."""
    complete = True
    for day in run_days(started_at, ended_at):
        try:
            write_source_health(output_dir, [day], run_id)
            continue
        except Exception:  # noqa: BLE001 - the run's own tables are written and balanced
            _LOG.exception(
                "run %s: source_health of %s not written; the view computes it", run_id, day
            )
        complete = False
        if "://" not in output_dir:
            with contextlib.suppress(FileNotFoundError):
                os.remove(_day_file(output_dir, day))
    return complete


def _day_file(output_dir: str, day: date) -> str:
    """`DIR/source_health/day=YYYY-MM-DD/health.parquet`."""
    from newsbeam.schemas import SOURCE_HEALTH
    from newsbeam.transforms.write.parquet_files import partition_dir

    folder = partition_dir(SOURCE_HEALTH, {"day": day})
    return os.path.join(output_dir, SOURCE_HEALTH.name, folder, HEALTH_FILE)


def _written_since(output_dir: str, first: date) -> float | None:
    """Epoch seconds from which the files hold every row not yet in a written day before
    `first`: the start of the day after the last such day (less a margin for a clock set
    back), or None (every file) when no day before `first` is written."""
    folder = os.path.join(output_dir, "source_health")
    written = sorted(
        date.fromisoformat(entry.name.removeprefix("day="))
        for entry in (os.scandir(folder) if os.path.isdir(folder) else ())
        if entry.name.startswith("day=")
        and entry.name.removeprefix("day=") < first.isoformat()
        and os.path.exists(os.path.join(entry.path, HEALTH_FILE))
    )
    if not written:
        return None
    start = datetime.combine(written[-1] + timedelta(days=1), time.min, UTC)
    return start.timestamp() - _CLOCK_SLACK_S


def write_source_health(output_dir: str, days: Iterable[date], run_id: str) -> int:
    """Rewrites the `source_health` file of each of `days` from the output's tables, each
    atomically (written beside it, then renamed over it); returns the rows written.

    Local outputs only (DuckDB reads the output here); elsewhere the view computes the
    same rows when queried.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsbeam.query import connect
    from newsbeam.schemas import SOURCE_HEALTH
    from newsbeam.schemas.layout import temporary_dir

    if "://" in output_dir:
        return 0
    days = sorted(set(days))
    if not days:
        return 0
    # Rows read on those days, and on any day since the last one written, lie in the files
    # written since; what came before is in the days written (sources gone quiet, feeds).
    since = _written_since(output_dir, days[0])
    written = 0
    schema = SOURCE_HEALTH.file_schema
    with connect(output_dir, since, _READ_TABLES) as connection:
        for day in days:
            # The day's own earlier file is no source of its sources (see the view).
            connection.execute(f"SET VARIABLE {REWRITTEN_DAY} = ?", [day])
            cursor = connection.execute(
                f"SELECT {', '.join(schema.names)} FROM _source_health_computed "
                "WHERE day = ? ORDER BY source",
                [day],
            )
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            table = pa.Table.from_pylist([{**row, "run_id": run_id} for row in rows], schema=schema)
            path = _day_file(output_dir, day)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.makedirs(temporary_dir(output_dir), exist_ok=True)
            temporary = os.path.join(temporary_dir(output_dir), f"health-{uuid.uuid4().hex}.tmp")
            with open(temporary, "wb") as handle:
                pq.write_table(table, handle, compression="zstd")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
            written += table.num_rows
    return written
