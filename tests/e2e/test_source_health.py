"""`source_health` after real runs adds up to the `runs` table: per source and day, the
articles, duplicates and rejects each run counted in its `sources`."""

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
    newsbeam("run", "--feed", str(feed), "--fetch-pages", "never", "--output", output)
    db = connect(output)
    from_runs = db.execute(
        "SELECT s.source, CAST(started_at AS DATE), sum(s.articles), sum(s.duplicates), "
        "sum(s.rejects) FROM runs, unnest(sources) AS t(s) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    from_health = db.execute(
        "SELECT source, day, articles, exact_duplicates + near_duplicates, rejects "
        "FROM source_health WHERE articles + exact_duplicates + near_duplicates + rejects > 0 "
        "ORDER BY ALL"
    ).fetchall()
    assert from_health == from_runs
    assert {row[0] for row in from_health} >= {"Feed Wire", "Example News"}
    assert any(row[0] == "Feed Wire" and row[4] == 1 for row in from_health)
