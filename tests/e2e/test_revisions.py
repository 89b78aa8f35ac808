"""A changed article under a URL already written: kept as a revision, never dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbeam.query import connect
from tests.support.news_site import story_text
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

URL = "https://news.example.com/story/42"


def _record(path: Path, title: str, text: str) -> Path:
    path.write_text(json.dumps({"url": URL, "source": "Wire", "title": title, "text": text}) + "\n")
    return path


def _last_run(output: Path) -> tuple:
    return (
        connect(str(output))
        .execute(
            "SELECT inputs, articles, duplicates, rejects, already_written, balanced FROM runs "
            "ORDER BY started_at DESC LIMIT 1"
        )
        .fetchone()
    )


def test_a_corrected_story_under_a_known_url_is_a_revision_of_it(tmp_path):
    output = tmp_path / "out"
    first = _record(
        tmp_path / "first.jsonl", "Kenya expands water deliveries", story_text("kenya-water")
    )
    newsbeam("run", "--input", str(first), "--output", str(output))

    corrected_text = story_text("kenya-water") + " Correction: the figures were revised upward."
    second = _record(tmp_path / "second.jsonl", "Kenya doubles water deliveries", corrected_text)
    result = newsbeam("run", "--input", str(second), "--output", str(output))
    assert "inputs 1 = articles 0 + duplicates 1 + rejects 0" in result.stdout
    assert _last_run(output) == (1, 0, 1, 0, 0, True)

    db = connect(str(output))
    # The first version stays the article; the second is on record, with its text's hash.
    assert db.execute("SELECT title FROM articles").fetchall() == [
        ("Kenya expands water deliveries",)
    ]
    revision = db.execute(
        "SELECT d.kind, d.duplicate_of = a.id, d.url, d.input, d.similarity, "
        "d.content_hash <> a.content_hash, length(d.content_hash) FROM duplicates d, articles a"
    ).fetchall()
    assert revision == [("revision", True, URL, f"{second}:1", None, True, 32)]
    # In its article's story: an analyst following the story sees its corrections.
    assert db.execute(
        "SELECT d.story_id IS NOT NULL AND d.story_id = a.story_id FROM duplicates d, articles a"
    ).fetchall() == [(True,)]

    # Read again: the revision is already written, and the run says so and balances.
    again = newsbeam("run", "--input", str(second), "--output", str(output))
    assert "inputs 1 = articles 0 + duplicates 0 + rejects 0 + already written 1" in again.stdout
    assert _last_run(output) == (1, 0, 0, 0, 1, True)
    assert db.execute("SELECT count(*) FROM duplicates").fetchone() == (1,)


def test_two_versions_in_one_run_are_an_article_and_a_revision(tmp_path):
    both = tmp_path / "both.jsonl"
    both.write_text(
        json.dumps(
            {
                "url": URL,
                "source": "Wire",
                "title": "First",
                "text": story_text("japan-rail"),
                "date": "2025-03-03",
            }
        )
        + "\n"
        + json.dumps(
            {
                "url": URL,
                "source": "Wire",
                "title": "Second",
                "text": story_text("japan-rail") + " It was later updated.",
                "date": "2025-03-04",
            }
        )
        + "\n"
    )
    output = tmp_path / "out"
    newsbeam("run", "--input", str(both), "--output", str(output))
    db = connect(str(output))
    assert db.execute("SELECT title FROM articles").fetchall() == [("First",)]
    assert db.execute("SELECT kind FROM duplicates").fetchall() == [("revision",)]
    assert _last_run(output) == (2, 1, 1, 0, 0, True)
