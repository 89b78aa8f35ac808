"""Every entry of a feed is an input of its own, counted before anything is merged."""

from __future__ import annotations

from html import escape

import pytest

from newsbeam.query import connect
from tests.support.news_site import STORIES, story_text
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e


def _item(title: str, link: str | None, text: str, guid: str | None) -> str:
    return (
        f"<item><title>{escape(title)}</title>"
        + (f"<link>{escape(link)}</link>" if link else "")
        + (f"<guid isPermaLink='false'>{escape(guid)}</guid>" if guid else "")
        + "<pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate>"
        + (f"<description>{escape(text)}</description>" if text else "")
        + "</item>"
    )


def test_entries_sharing_a_guid_or_a_link_and_entries_without_either_are_all_counted(tmp_path):
    slugs = sorted(STORIES)[:6]
    items = [
        # A feed system that gives every item one GUID: six distinct stories.
        *(_item(slug, f"https://wire.test/{slug}", story_text(slug), "same") for slug in slugs),
        # One item listed twice under one link, no GUID: an article and its duplicate.
        *[_item("Twice", "https://wire.test/twice", story_text(sorted(STORIES)[6]), None)] * 2,
        # Neither an http(s) link nor text: a reject each, never nothing.
        _item("Headline only", None, "", "no-text"),
        _item("Script link", "javascript:alert(1)", "", "script"),
    ]
    feed = tmp_path / "feed.xml"
    feed.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>"
        + "".join(items)
        + "</channel></rss>"
    )
    output = tmp_path / "out"
    result = newsbeam("run", "--feed", str(feed), "--output", str(output))
    assert "inputs 10 = articles 7 + duplicates 1 + rejects 2" in result.stdout

    db = connect(str(output))
    urls = [url for (url,) in db.execute("SELECT url FROM articles ORDER BY url").fetchall()]
    assert urls == sorted(
        [f"https://wire.test/{slug}" for slug in slugs] + ["https://wire.test/twice"]
    )
    assert db.execute("SELECT kind, url FROM duplicates").fetchall() == [
        ("exact", "https://wire.test/twice")
    ]
    rejects = db.execute("SELECT stage, reason FROM rejects").fetchall()
    assert rejects == [("fetch", "no_text")] * 2
    assert db.execute("SELECT balanced, inputs FROM runs").fetchall() == [(True, 10)]
