"""Every input accounted for: inputs = articles + duplicates + rejects, per source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbeam.query import connect
from tests.support.builders import rss
from tests.support.news_site import story_text
from tests.support.run_cli import newsbeam


@pytest.mark.e2e
def test_a_mixed_corpus_of_good_and_bad_input_is_fully_accounted_for(tmp_path):
    """13 inputs built here, each with a known fate, through the real command."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kenya.txt").write_text(
        f"date 2025-03-03\nsource Wire\n\n{story_text('kenya-water')}"
    )
    (corpus / "kenya-copy.txt").write_text(
        f"date 2025-03-04\nsource Copycat\n\n{story_text('kenya-water')}"
    )  # exact duplicate
    (corpus / "bad-date.txt").write_text(
        f"date 2025-13-45\nsource Wire\n\n{story_text('ghana-cocoa')}"
    )
    (corpus / "brief.txt").write_text("source Wire\n\nMarkets closed higher on Tuesday.")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "garbage.txt").write_bytes(bytes(range(256)) * 64)
    (corpus / "no-text.html").write_text(
        "<html><head><title>Nav</title></head><body></body></html>"
    )
    records = [
        json.dumps(
            {"url": "https://post.test/japan", "source": "Post", "text": story_text("japan-rail")}
        ),
        "{not json",
        "[1, 2, 3]",
        json.dumps({"url": "https://post.test/nothing", "source": "Post", "title": "No body"}),
    ]
    (corpus / "records.jsonl").write_text("\n".join(records) + "\n")
    feed = tmp_path / "wire.xml"
    feed.write_text(
        rss(
            "Feed Wire",
            [
                ("Peru floods", "https://wire.test/peru-floods", story_text("peru-floods")),
                ("Brief", "https://wire.test/brief", "Shares rose."),
            ],
        )
    )
    output = tmp_path / "out"
    run = newsbeam(
        "run",
        "--input",
        str(corpus),
        "--feed",
        str(feed),
        "--fetch-pages",
        "never",
        "--output",
        str(output),
    )
    assert "inputs 13 = articles 4 + duplicates 1 + rejects 8" in run.stdout
    db = connect(str(output))
    tables = db.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates), "
        "(SELECT count(*) FROM rejects)"
    ).fetchall()
    assert tables == [(4, 1, 8)]  # the runs row counts what the tables hold
    ((inputs, articles, duplicates, rejects, balanced, stages),) = db.execute(
        "SELECT inputs, articles, duplicates, rejects, balanced, stages FROM runs"
    ).fetchall()
    assert (inputs, articles, duplicates, rejects, balanced) == (13, 4, 1, 8, True)
    assert {s["name"]: s["count"] for s in stages} == {
        "inputs": 13,
        "articles": 4,
        "duplicates_exact": 1,
        "rejects_read": 6,  # empty, garbage, no main text, bad JSON, not an object, no text
        "rejects_clean": 2,  # the two briefs
    }
    by_source = db.execute(
        "SELECT s.source, s.inputs, s.articles + s.duplicates + s.rejects "
        "FROM runs, unnest(sources) t(s) ORDER BY 1"
    ).fetchall()
    assert all(inputs == accounted for _source, inputs, accounted in by_source)
    assert {source for source, *_ in by_source} >= {"Wire", "Copycat", "Post", "Feed Wire"}
    assert Path(output / "runs").is_dir()


def _podcast(episodes: list[tuple[str, str]]) -> str:
    """An RSS feed whose items all link to the show's site, told apart by their guids only,
    as podcasts' feeds are."""
    items = "".join(
        f"<item><title>{title}</title><link>https://cast.test/</link>"
        f"<guid isPermaLink='false'>{guid}</guid>"
        "<pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate>"
        "<description>A short episode note.</description></item>"
        for guid, title in episodes
    )
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>Cast</title>{items}</channel></rss>"


@pytest.mark.e2e
def test_entries_sharing_one_link_each_have_their_row_and_none_is_counted_as_written_before(
    tmp_path,
):
    """Episodes that all link to the show's site, each too short, are a reject each, not
    one row and the others counted 'already written' in a fresh output; one story carried
    by three feeds is an article and two copies, each with its row."""
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    # The third episode is listed twice (one item twice in one feed): two inputs, two rows.
    episodes = [("ep-1", "One"), ("ep-2", "Two"), ("ep-3", "Three"), ("ep-3", "Three")]
    (feeds / "cast.xml").write_text(_podcast(episodes))
    story = ("Peru floods", "https://wire.test/peru-floods", story_text("peru-floods"))
    for name in ("wire-a", "wire-b", "wire-c"):
        (feeds / f"{name}.xml").write_text(rss(name, [story]))
    output = tmp_path / "out"
    first = newsbeam("run", "--feed", str(feeds), "--fetch-pages", "never", "--output", str(output))
    assert "inputs 7 = articles 1 + duplicates 2 + rejects 4\n" in first.stdout, first.stdout
    db = connect(str(output))
    assert db.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates), "
        "(SELECT count(*) FROM rejects), (SELECT count(DISTINCT input) FROM rejects)"
    ).fetchall() == [(1, 2, 4, 1)]  # four rows under one link
    again = newsbeam("run", "--feed", str(feeds), "--fetch-pages", "never", "--output", str(output))
    assert "inputs 7 = articles 0 + duplicates 0 + rejects 0 + already written 7" in again.stdout
