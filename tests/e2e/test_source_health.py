"""`source_health` after real runs adds up to the `runs` table: per source and day, the
articles, duplicates and rejects each run counted in its `sources`; it is the table the
runs wrote, one file a day, rewritten by the second run of the day."""

from __future__ import annotations

import pytest

from newsbeam.query import connect
from tests.support.builders import rss
from tests.support.news_site import story_text
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e


def test_source_health_adds_up_to_every_runs_sources(tmp_path):
    feed = tmp_path / "wire.xml"
    feed.write_text(
        rss(
            "Feed Wire",
            [
                ("Chile copper", "https://wire.test/chile", story_text("chile-copper")),
                ("Brief", "https://wire.test/brief", "Shares rose."),  # a reject, with source
            ],
        )
    )
    output = str(tmp_path / "out")
    newsbeam("run", "--input", str(SAMPLES), "--output", output)
    for _ in range(2):  # the second run reads the feed again: every entry already written
        newsbeam("run", "--feed", str(feed), "--fetch-pages", "never", "--output", output)
    db = connect(output)
    from_runs = db.execute(
        "SELECT s.source, CAST(started_at AS DATE), sum(s.articles), sum(s.duplicates), "
        "sum(s.rejects), sum(s.already_written) FROM runs, unnest(sources) AS t(s) "
        "GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    from_health = db.execute(
        "SELECT source, day, articles, exact_duplicates + near_duplicates, rejects, "
        "already_written FROM source_health "
        "WHERE articles + exact_duplicates + near_duplicates + rejects + already_written > 0 "
        "ORDER BY ALL"
    ).fetchall()
    assert from_health == from_runs
    assert {row[0] for row in from_health} >= {"Feed Wire", "Example News"}
    # A feed's new entries (every entry is new to a batch run) are each a row of a column:
    # 2 entries twice = 1 article + 1 reject, then both already written.
    assert db.execute(
        "SELECT entries_new, articles, rejects, already_written FROM source_health "
        "WHERE source = 'Feed Wire'"
    ).fetchall() == [(4, 1, 1, 2)]
    # Read from the table the runs wrote, not computed: the second run rewrote the day,
    # and its rows are the computed ones, each source once.
    (last_run,) = db.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    files = sorted((tmp_path / "out" / "source_health").glob("day=*/health.parquet"))
    assert len(files) == len({row[1] for row in from_runs})
    assert db.execute("SELECT DISTINCT run_id FROM source_health").fetchall() == [(last_run,)]
    written = "SELECT * EXCLUDE (run_id) FROM {} ORDER BY source, day"
    assert (
        db.execute(written.format("_source_health_written")).fetchall()
        == db.execute(written.format("_source_health_computed")).fetchall()
    )
    assert db.execute(
        "SELECT count(*) = count(DISTINCT (source, day)) FROM source_health"
    ).fetchone() == (True,)
    # Each article's extraction time is recorded, and its daily median per source.
    assert db.execute(
        "SELECT count(*) FILTER (WHERE extraction_ms > 0) = count(*) FROM articles"
    ).fetchone() == (True,)
    assert db.execute(
        "SELECT median_extraction_ms > 0 FROM source_health WHERE source = 'Feed Wire'"
    ).fetchall() == [(True,)]
