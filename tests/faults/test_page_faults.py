"""Article pages that fail, fetched for the entries of two good feeds in one CLI run.

The same faulty pages sit behind both feeds. "Text Wire" has a description in every
entry, so a page that cannot be had leaves the feed's text (`text_source = 'feed'`);
"Bare Wire" has none, so the same failure is a `fetch` reject. A page over the limit is
rejected in both: a limit is not a failure to paper over.
"""

from __future__ import annotations

import pytest

from tests.support.faults import (
    ATTEMPTS,
    DEADLINE,
    HTTP_TIMEOUT,
    NEVER_FINISHES_COST,
    NEVER_FINISHES_REQUESTS,
    RUN_SLACK,
    Feed,
    Plan,
    RunResult,
    Scenario,
    Streamed,
    binary_body,
    bomb_reply,
    bounded_by_bomb,
    brief,
    endless,
    feed_reply,
    feed_xml,
    item,
    redirect,
    slow,
    story,
)
from tests.support.local_server import LocalServer, Reply
from tests.support.news_site import page_html

pytestmark = pytest.mark.e2e

HTML = {"Content-Type": "text/html; charset=utf-8"}
BIG_PAGES = {  # 50 MB of page each, made while it is sent
    kind: Streamed(b"<!doctype html><html><body><article>", b"<p>" + b"word " * 13_000, 50_000_000)
    for kind in ("text", "bare")
}

# The text feed: page -> (slug of the feed's text, expected text_source or reject reason).
TEXT_WIRE = {
    "ok": ("kenya-water", "page"),
    "missing": ("chile-copper", "feed"),
    "reset": ("japan-rail", "feed"),
    "late": ("poland-grid", "feed"),
    "loop": ("ghana-cocoa", "feed"),
    "binary": ("peru-floods", "feed"),
    "big": ("vietnam-ports", "page_too_large"),
    "bomb": ("norway-fund", "page_too_large"),
}
# The bare feed: page -> expected text_source or reject reason (stage `fetch`).
BARE_WIRE = {
    "ok": "page",
    "missing": "page_http_404",
    "reset": "page_connection_error",
    "late": "page_timeout",
    "never-finishes": "page_timeout",
    "loop": "page_too_many_redirects",
    "binary": "no_text",
    "big": "page_too_large",
    "bomb": "page_too_large",
}
OK_PAGE = {"text": "kenya-water", "bare": "vietnam-ports"}
# page -> requests it got, in each set: one, or one and three retries (a loop: three
# rounds of two pages, the first request and five redirects).
REQUESTS = {
    "ok": 1,
    "missing": 1,
    "reset": ATTEMPTS,
    "late": ATTEMPTS,
    "loop": 3,
    "loop-again": 3,
    "binary": 1,
    "big": 1,
    "bomb": 1,
}


def serve_pages(server: LocalServer, kind: str) -> None:
    """The faulty pages under /p/<kind>/: one set per feed, so no entry shares a link."""
    routes, base = server.routes, f"/p/{kind}"
    title = f"{kind.title()} page"
    routes[f"{base}/ok"] = Reply(200, page_html(OK_PAGE[kind], title), dict(HTML))
    # /missing has no route: 404.
    routes[f"{base}/reset"] = Reply(
        200, page_html("chile-copper", title), dict(HTML), reset_after=300
    )
    late = Reply(200, page_html("japan-rail", title), dict(HTML))
    routes[f"{base}/late"] = slow(late, 3 * HTTP_TIMEOUT)
    routes[f"{base}/never-finishes"] = Reply(
        # A piece every tenth of a second, far inside the 1 s read timeout (see slow feed).
        200,
        headers=dict(HTML),
        stream=endless(b"<p>still loading</p>", 0.1),
    )
    routes[f"{base}/loop"] = redirect(f"{base}/loop-again")
    routes[f"{base}/loop-again"] = redirect(f"{base}/loop")
    routes[f"{base}/binary"] = Reply(200, binary_body(), dict(HTML))
    routes[f"{base}/big"] = BIG_PAGES[kind].reply("text/html")
    routes[f"{base}/bomb"] = bomb_reply("text/html")


def build(server: LocalServer) -> Plan:
    serve_pages(server, "text")
    serve_pages(server, "bare")
    link = lambda kind, page: server.url(f"/p/{kind}/{page}")  # noqa: E731
    text_items = [
        # The good page's entry has a summary the page replaces; the others, a whole story.
        item(f"Text {page}", link("text", page), brief(slug) if page == "ok" else story(slug))
        for page, (slug, _outcome) in TEXT_WIRE.items()
    ]
    bare_items = [item(f"Bare {page}", link("bare", page)) for page in BARE_WIRE]
    server.routes["/p/text.xml"] = feed_reply(feed_xml("Text Wire", text_items))
    server.routes["/p/bare.xml"] = feed_reply(feed_xml("Bare Wire", bare_items))
    feeds = [
        Feed("Text Wire", server.url("/p/text.xml"), len(text_items)),
        Feed("Bare Wire", server.url("/p/bare.xml"), len(bare_items)),
    ]
    # A page that never finishes costs every attempt's deadline; the rest, seconds.
    return Plan(feeds, (), timeout=NEVER_FINISHES_COST + RUN_SLACK)


SCENARIO = Scenario("pages", build)


def by_page(rows: list[tuple[str, str]]) -> dict[str, str]:
    """Rows of (page URL, value) keyed by the page's name."""
    return {url.rsplit("/", 1)[1]: value for url, value in rows}


def outcomes(run: RunResult, source: str) -> dict[str, str]:
    """page -> text_source of its article, or reason of its `fetch` reject."""
    return by_page(
        run.rows(
            f"SELECT url, text_source FROM articles WHERE source = '{source}' UNION ALL "
            f"SELECT input, reason FROM rejects WHERE source = '{source}' AND stage = 'fetch'"
        )
    )


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_run_ends_and_accounts_for_every_entry(run: RunResult) -> None:
    """Exit 0, bounded by what a page that never finishes may cost (every attempt runs to
    the body deadline), and every entry is an article or a reject."""
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.elapsed < run.plan.timeout
    inputs, articles, duplicates, rejects, balanced, _sources = run.runs_row()
    assert balanced
    assert inputs == run.plan.inputs == articles + duplicates + rejects == 17
    assert run.tally("Text Wire") == (8, 6, 0, 2)
    assert run.tally("Bare Wire") == (9, 1, 0, 8)


def test_a_page_that_cannot_be_had_leaves_the_feed_text(run: RunResult) -> None:
    assert outcomes(run, "Text Wire") == {page: out for page, (_, out) in TEXT_WIRE.items()}
    texts = by_page(run.rows("SELECT url, text FROM articles WHERE source = 'Text Wire'"))
    for page, (slug, outcome) in TEXT_WIRE.items():
        if outcome == "feed":
            assert words(texts[page]) == story(slug)


def test_without_feed_text_the_failure_is_a_fetch_reject(run: RunResult) -> None:
    assert outcomes(run, "Bare Wire") == BARE_WIRE


def test_a_page_that_is_fetched_gives_the_page_text(run: RunResult) -> None:
    """The control: on the same server, in the same run, a good page still wins."""
    texts = dict(run.rows("SELECT source, text FROM articles WHERE text_source = 'page'"))
    assert {source: words(text) for source, text in texts.items()} == {
        "Text Wire": story(OK_PAGE["text"]),
        "Bare Wire": story(OK_PAGE["bare"]),
    }


@pytest.mark.parametrize("kind", ["text", "bare"])
def test_only_transient_failures_are_retried(
    run: RunResult, fault_server: LocalServer, kind: str
) -> None:
    hits = {page: fault_server.hits[f"/p/{kind}/{page}"] for page in REQUESTS}
    assert hits == REQUESTS


def test_a_page_that_never_finishes_is_cut_at_the_deadline(
    run: RunResult, fault_server: LocalServer
) -> None:
    (detail,) = run.rows("SELECT detail FROM rejects WHERE input LIKE '%/never-finishes'")[0]
    assert detail == f"body not complete after {DEADLINE}s"
    assert fault_server.hits["/p/bare/never-finishes"] == NEVER_FINISHES_REQUESTS


def test_a_page_over_the_limit_is_not_read_to_its_end(run: RunResult) -> None:
    for big in BIG_PAGES.values():
        assert 0 < big.sent < big.total / 2


def test_a_gzip_bomb_page_is_refused_without_inflating_it(run: RunResult) -> None:
    assert bounded_by_bomb(run)
