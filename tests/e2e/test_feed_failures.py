"""A feed that fails entirely fails the run: `newsbeam run` names the feed and the reason
and exits 1, unless `--allow-feed-failures`; a feed refused for its address says which
flag allows it. Feeds are served by a real server on 127.0.0.1."""

from __future__ import annotations

import pytest

from newsbeam.query import connect
from tests.support.builders import rss
from tests.support.local_server import Reply
from tests.support.news_site import story_text
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e


@pytest.fixture
def feeds(server) -> tuple[str, str]:
    """(a feed that works, one that answers 404), on the local server."""
    good = rss(
        "Good Wire", [("Chile copper", "https://wire.test/chile", story_text("chile-copper"))]
    )
    server.routes["/good.xml"] = Reply(200, good.encode(), {"Content-Type": "application/rss+xml"})
    return server.url("/good.xml"), server.url("/gone.xml")


def _run(good: str, gone: str, output, *flags: str):
    return newsbeam(
        "run", "--feed", good, "--feed", gone, "--fetch-pages", "never", "--output", str(output),
        *flags, check=False,
    )  # fmt: skip


def test_a_feed_that_404s_fails_the_run_with_the_feed_and_the_reason(feeds, tmp_path):
    good, gone = feeds
    result = _run(good, gone, tmp_path / "out", "--allow-private-networks")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{gone}: feed_http_404" in result.stderr
    assert "--allow-feed-failures" in result.stderr
    assert good not in result.stderr
    assert "--allow-private-networks" not in result.stderr  # allowed already: no such hint


def test_allowed_feed_failures_exit_zero_with_every_row_written(feeds, tmp_path):
    good, gone = feeds
    output = tmp_path / "out"
    result = _run(good, gone, output, "--allow-private-networks", "--allow-feed-failures")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{gone}: feed_http_404" in result.stderr  # still said, as a warning
    db = connect(str(output))
    assert db.execute("SELECT count(*) FROM articles").fetchall() == [(1,)]
    assert db.execute("SELECT input, stage, reason FROM rejects").fetchall() == [
        (gone, "feed", "feed_http_404")
    ]
    assert db.execute("SELECT inputs, articles, rejects, balanced FROM runs").fetchall() == [
        (2, 1, 1, True)
    ]


def test_a_feed_on_a_private_address_says_which_flag_allows_it(feeds, tmp_path):
    good, _gone = feeds
    result = newsbeam(
        "run", "--feed", good, "--fetch-pages", "never", "--output", str(tmp_path / "out"),
        check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert good in result.stderr and "--allow-private-networks" in result.stderr
