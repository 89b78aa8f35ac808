"""`newsbeam stream` end to end against a real HTTP server, read while it runs."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from newsbeam.query import connect
from newsbeam.schemas.layout import story_state_path
from newsbeam.transforms.stories.story_state_files import staged_story_tokens
from tests.support.local_server import Reply
from tests.support.news_site import NewsSite, page_html, syndicated_html
from tests.support.run_cli import newsbeam_command, stream_command

pytestmark = pytest.mark.e2e


def _count(output: Path, sql: str) -> int:
    try:
        return connect(str(output)).execute(sql).fetchall()[0][0]
    except Exception:  # noqa: BLE001 - a file may be renamed in while DuckDB lists them
        return -1


def _wait_for(condition, process: subprocess.Popen, timeout: float) -> None:
    """Polls the output until `condition` holds; fails if the stream dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"stream exited early ({process.returncode}):\n{out}\n{err}")
        time.sleep(0.3)
    pytest.fail("the stream did not write what was expected in time")


def test_stream_writes_each_entry_once_while_running(server, tmp_path):
    site = NewsSite(server)
    site.publish("world", "kenya-water")
    site.publish("world", "chile-copper", page=None)
    site.publish("business", "poland-grid")
    # A page that fails once then works, and a page over the size limit.
    flaky_title_page = page_html("ghana-cocoa", "Ghana cocoa board raised")

    def fails_once(request):
        if request.count == 1:
            return Reply(500)
        return Reply(200, flaky_title_page, {"Content-Type": "text/html"})

    site.publish("business", "ghana-cocoa", page=fails_once)
    site.publish(
        "business",
        "norway-fund",
        page=Reply(200, b"<html><body><p>" + b"x " * 150_000 + b"</p></body></html>"),
    )

    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(
        f"feeds:\n"
        f"  - url: {site.feed_url('world')}\n    name: Test Wire World\n    poll_interval: 1\n"
        f"  - url: {site.feed_url('business')}\n    name: Test Wire Business\n"
        f"    region: western-europe\n    language: en\n"
    )
    output = tmp_path / "out"
    process = subprocess.Popen(
        [
            *newsbeam_command(),
            "stream",
            "--feeds",
            str(feeds_file),
            "--output",
            str(output),
            "--poll-interval",
            "1",
            "--window",
            "2",
            "--duration",
            "120",
            "--host-interval",
            "0",
            "--max-page-bytes",
            "100000",
            "--allow-private-networks",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The first entries are on disk while the stream is still running.
        # (Each file appears atomically; the files of one window appear one after another.)
        _wait_for(
            lambda: (
                _count(output, "SELECT count(*) FROM articles") >= 4
                and _count(output, "SELECT count(*) FROM rejects") >= 1
            ),
            process,
            90,
        )
        assert process.poll() is None

        # Mid-run: a new entry in one feed, and the other feed changes.
        site.publish("world", "japan-rail")
        site.publish("business", "peru-floods")
        # Another outlet's copy of a story written in an earlier window.
        copy_page = syndicated_html("kenya-water", "Kenya expands water deliveries")
        site.publish(
            "business",
            "partner-kenya-water",
            story="kenya-water",
            page=Reply(200, copy_page, {"Content-Type": "text/html"}),
        )
        site.feeds["business"] = [e for e in site.feeds["business"] if e.slug != "poland-grid"]
        _wait_for(
            lambda: (
                _count(output, "SELECT count(*) FROM articles") >= 6
                and _count(output, "SELECT count(*) FROM duplicates") >= 1
            ),
            process,
            90,
        )
        time.sleep(3)  # a few more polls of unchanged feeds: nothing may be written twice
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "SIGINT received" in out and "stopped after" in out
    assert "window 1" in out and "feeds_polled=" in out  # progress printed while running

    db = connect(str(output))
    rows = db.execute(
        "SELECT url, count(*) OVER (PARTITION BY url), text_source, source, feed_url, authors, tags, "
        "date_source, text FROM articles ORDER BY url"
    ).fetchall()
    slugs = [row[0].rsplit("/", 1)[1] for row in rows]
    assert slugs == sorted(
        ["kenya-water", "chile-copper", "poland-grid", "ghana-cocoa", "japan-rail", "peru-floods"]
    )
    assert all(row[1] == 1 for row in rows)  # every entry exactly once
    for url, _n, text_source, source, feed_url, authors, tags, date_source, text in rows:
        assert text_source == "page" and "Page-only detail" in text, url
        assert source.startswith("Test Wire") and feed_url.endswith(".xml")
        assert len(authors) == 1 and len(tags) == 1 and date_source == "feed"
    assert server.statuses[("/news/ghana-cocoa", 500)] == 1
    assert server.statuses[("/news/ghana-cocoa", 200)] == 1
    assert server.statuses[("/feeds/world.xml", 304)] >= 1  # conditional GET
    assert server.hits["/news/kenya-water"] == 1  # seen entries are not fetched again
    rejects = db.execute("SELECT input, stage, reason FROM rejects").fetchall()
    assert rejects == [(site.page_url("norway-fund"), "fetch", "page_too_large")]
    copies = db.execute(
        "SELECT d.url, d.kind, d.similarity >= 0.8, a.url FROM duplicates d "
        "JOIN articles a ON a.id = d.duplicate_of"
    ).fetchall()
    assert copies == [
        (site.page_url("partner-kenya-water"), "near", True, site.page_url("kenya-water"))
    ]
    assert not list(output.rglob("*.tmp"))
    # Every poll is in the runs rows, and in source_health under the feed's source: as
    # many as the server answered, its 304s too.
    for feed, source in (("world", "Test Wire World"), ("business", "Test Wire Business")):
        path = f"/feeds/{feed}.xml"
        polls = db.execute(
            "SELECT sum(polls), sum(polls_not_modified), sum(polls_failed), sum(entries_new) "
            "FROM source_health WHERE source = ?",
            [source],
        ).fetchone()
        assert polls[:3] == (server.hits[path], server.statuses[(path, 304)], 0), feed
        # Each new entry is an input of its source (no poll failed: no feed reject).
        inputs = db.execute(
            "SELECT sum(s.inputs) FROM runs, unnest(sources) AS t(s) WHERE s.source = ?",
            [source],
        ).fetchone()[0]
        assert polls[3] == inputs, feed
    # Those figures come from the table the windows wrote: a window's run rewrote the day.
    assert list(output.glob("source_health/day=*/health.parquet"))
    assert (
        db.execute(
            "SELECT count(*) FROM source_health s JOIN runs r USING (run_id) "
            "WHERE r.mode = 'stream_window'"
        ).fetchone()[0]
        == db.execute("SELECT count(*) FROM source_health").fetchone()[0]
    )


def test_a_stream_that_cannot_write_stops_with_a_clear_error(server, tmp_path):
    site = NewsSite(server)
    site.publish("world", "kenya-water")
    output = tmp_path / "out"
    (output / "_state" / "feeds").mkdir(parents=True)
    (output / "articles").write_text("a file where the articles folder should be")
    result = subprocess.run(
        [
            *newsbeam_command(),
            "stream",
            "--feed",
            site.feed_url("world"),
            "--output",
            str(output),
            "--poll-interval",
            "1",
            "--window",
            "1",
            "--duration",
            "120",
            "--host-interval",
            "0",
            "--allow-private-networks",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "3 windows in a row failed" in result.stderr
    assert not list((output / "_state" / "feeds").iterdir())  # no state committed: nothing lost


def test_a_window_killed_before_it_made_its_feed_states_current_leaves_them_to_the_next(
    server, tmp_path
):
    """A window that wrote its files and `runs` row and was killed before it made its feed
    states and open stories current (both left staged, as such a kill leaves them): the
    next stream makes them current before it polls, so a feed polled already is not polled
    again before it is due, and later windows add to the window's stories."""
    site = NewsSite(server)
    site.publish("world", "kenya-water")
    site.publish("world", "chile-copper")
    output = tmp_path / "out"
    flags = ("--window", "2", "--duration", "1", "--host-interval", "0")
    one_window = stream_command(site.feed_url("world"), output, *flags)
    subprocess.run(one_window, capture_output=True, text=True, timeout=300, check=True)
    db = connect(str(output))
    assert db.execute("SELECT count(*), sum(articles) FROM runs").fetchone() == (1, 2)
    run_id = db.execute("SELECT run_id FROM runs").fetchone()[0]
    feeds, pending = output / "_state" / "feeds", output / "_state" / "pending" / run_id
    pending.mkdir(parents=True)
    for state in feeds.iterdir():
        state.rename(pending / state.name)
    stories = story_state_path(str(output))
    os.replace(stories, story_state_path(str(output), run_id))

    again = subprocess.run(one_window, capture_output=True, text=True, timeout=300, check=True)
    # Its state says the feed was polled a moment ago: not due, nothing read again.
    assert "stopped after 0 windows" in again.stdout
    assert connect(str(output)).execute("SELECT count(*) FROM runs").fetchone() == (1,)
    assert not pending.exists() and len(list(feeds.iterdir())) == 1
    assert os.path.exists(stories) and staged_story_tokens(str(output)) == {}


def test_a_feed_entry_corrected_between_windows_is_written_as_a_revision(server, tmp_path):
    """A feed corrects an entry's text under the same guid: a later window reads it as a
    new input and writes it as a `revision` of the article, in the article's story (it
    was dropped as an entry already seen: no row, no count)."""
    from tests.support.builders import rss
    from tests.support.news_site import story_text

    link = "https://wire.test/kenya-water"

    def serve(text: str) -> None:
        server.routes["/feeds/wire.xml"] = Reply(
            200, rss("Wire", [("Kenya water", link, text)]).encode(), {"Content-Type": "text/xml"}
        )

    serve(story_text("kenya-water"))
    output = tmp_path / "out"
    flags = ("--window", "2", "--duration", "1", "--host-interval", "0", "--poll-interval", "1")
    one_window = stream_command(
        server.url("/feeds/wire.xml"), output, *flags, "--fetch-pages", "never"
    )
    subprocess.run(one_window, capture_output=True, text=True, timeout=300, check=True)
    time.sleep(1.5)  # the feed is due again
    subprocess.run(one_window, capture_output=True, text=True, timeout=300, check=True)
    serve(story_text("kenya-water") + " Correction: the deliveries began on Monday.")
    time.sleep(1.5)
    subprocess.run(one_window, capture_output=True, text=True, timeout=300, check=True)
    db = connect(str(output))
    assert db.execute(
        "SELECT sum(inputs), sum(articles), sum(duplicates) FROM runs"
    ).fetchone() == (
        2,
        1,
        1,
    )
    assert db.execute(
        "SELECT d.kind, d.duplicate_of = a.id, d.story_id = a.story_id "
        "FROM duplicates d, articles a"
    ).fetchall() == [("revision", True, True)]
