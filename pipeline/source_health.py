"""`source_health` and `source_health_flags`: how each source did each day, for an operator
watching hundreds of feeds, as DuckDB views over the tables a run writes.

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
under `(unknown)`), count here under the source that feed's articles carry, matched by
URL. Where several schedules read different sources, a feed source that no run polled
on a day its runs recorded polls is not flagged `no articles`; a file source, which no
run records reading, still may be, and so may any source on days before version 7.

`source_health_flags` compares each source-day with the same source's mean over the seven
days before it, and names why it stands out: no articles where there were some, articles
fewer than half, text shorter than half, or feed failures where there were none.

Not in it yet: the time extraction took.
"""

from __future__ import annotations

__all__ = ["SOURCE_HEALTH_VIEWS"]

# The mean of the last week must rest on at least this many articles a day for a drop to
# be flagged: a source of one article a week is not "down" on a day without one.
MIN_DAILY_ARTICLES = 3

_SOURCE_HEALTH = """
CREATE VIEW source_health AS
WITH written AS (
    SELECT coalesce(source, '(unknown)') AS source,
           CAST(timezone('UTC', ingested_at) AS DATE) AS day,
           count(*) AS articles,
           count(*) FILTER (WHERE date_source = 'ingested') AS articles_undated,
           count(*) FILTER (WHERE text_source = 'feed') AS articles_feed_text,
           median(word_count) AS median_words
    FROM articles GROUP BY ALL),
copies AS (
    SELECT coalesce(source, '(unknown)') AS source,
           CAST(timezone('UTC', ingested_at) AS DATE) AS day,
           count(*) FILTER (WHERE kind = 'exact') AS exact_duplicates,
           count(*) FILTER (WHERE kind <> 'exact') AS near_duplicates
    FROM duplicates GROUP BY ALL),
feed_sources AS (
    SELECT feed_url, any_value(source) AS source FROM articles
    WHERE feed_url IS NOT NULL AND source IS NOT NULL GROUP BY feed_url),
failed AS (
    SELECT coalesce(r.source, CASE WHEN r.stage = 'feed' THEN named.source END, '(unknown)')
               AS source,
           CAST(timezone('UTC', r.ingested_at) AS DATE) AS day,
           count(*) AS rejects,
           count(*) FILTER (WHERE r.stage = 'feed') AS feed_failures,
           histogram(r.stage || ': ' || r.reason) AS rejects_by_reason
    FROM rejects AS r LEFT JOIN feed_sources AS named ON named.feed_url = r.input
    GROUP BY ALL),
polled AS (
    SELECT coalesce(f.source, named.source, '(unknown)') AS source,
           CAST(timezone('UTC', r.started_at) AS DATE) AS day,
           sum(f.polls) AS polls,
           sum(f.polls_not_modified) AS polls_not_modified,
           sum(f.polls_failed) AS polls_failed,
           sum(f.entries_seen) AS entries_seen,
           sum(f.entries_new) AS entries_new
    FROM runs AS r CROSS JOIN unnest(r.feeds) AS t(f)
    LEFT JOIN feed_sources AS named ON named.feed_url = f.feed_url
    GROUP BY ALL),
seen AS (
    SELECT source, day FROM written UNION ALL SELECT source, day FROM copies
    UNION ALL SELECT source, day FROM failed UNION ALL SELECT source, day FROM polled),
days AS (
    SELECT CAST(timezone('UTC', started_at) AS DATE) AS day FROM runs
    UNION SELECT day FROM seen),
recorded AS (  -- days some run recorded its feeds' polls (schema version 7 on)
    SELECT DISTINCT CAST(timezone('UTC', started_at) AS DATE) AS day FROM runs
    WHERE feeds IS NOT NULL),
sources AS (SELECT source, min(day) AS first_day FROM seen GROUP BY source)
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
       f.rejects_by_reason,
       w.articles_undated / w.articles AS share_undated,
       w.articles_feed_text / w.articles AS share_feed_text,
       w.median_words
FROM sources AS s CROSS JOIN days AS d
LEFT JOIN written AS w ON w.source = s.source AND w.day = d.day
LEFT JOIN copies AS c ON c.source = s.source AND c.day = d.day
LEFT JOIN failed AS f ON f.source = s.source AND f.day = d.day
LEFT JOIN polled AS p ON p.source = s.source AND p.day = d.day
WHERE d.day >= s.first_day
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
           WHEN feed_failures > 0 AND coalesce(feed_failures_last_week, 0) = 0
                AND days_last_week > 0 THEN 'feed failing'
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

SOURCE_HEALTH_VIEWS = (_SOURCE_HEALTH, _SOURCE_HEALTH_FLAGS)
