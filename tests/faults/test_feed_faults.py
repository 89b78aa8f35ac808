"""Feeds that are broken, hostile, huge, slow or flaky, read over HTTP in one CLI run.

`--fetch-pages never` keeps this run about the feeds themselves: each entry's text is the
feed's own, and its link is never fetched (pages have their own run, in test_page_faults).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.faults import (
    HTTP_TIMEOUT,
    MAX_PAGE_BYTES,
    RSS_TYPE,
    RUSSIAN,
    Feed,
    Plan,
    RunResult,
    Scenario,
    Streamed,
    binary_body,
    bomb_reply,
    bounded_by_bomb,
    brief,
    failing,
    feed_reply,
    feed_xml,
    item,
    redirect,
    slow,
    story,
)
from tests.support.local_server import LocalServer, Reply

pytestmark = pytest.mark.e2e

LINKS = "https://wire.test"  # entry links: never fetched in this run
XXE_CANARY = "NEWSBEAM-XXE-CANARY-7f3a"
PASSWD = Path("/etc/passwd")
BIG = Streamed(  # 50 MB of feed, made while it is sent
    b"<?xml version='1.0'?><rss version='2.0'><channel><title>Big</title>",
    b"<item><title>again</title><description>" + b"x" * 65_000 + b"</description></item>",
    50_000_000,
)
RETRY_AFTER = 2  # seconds the 429 asks for
times_429: list[float] = []

# name -> reason of the feed's one reject (stage `feed`): the feed gave no entry.
REJECTED = {
    "binary": "feed_unparseable",
    "empty body": "feed_unparseable",
    "over the limit, declared": "feed_too_large",
    "over the limit, streamed": "feed_too_large",
    "gzip bomb": "feed_too_large",
    "redirect loop": "feed_too_many_redirects",
    "redirect chain": "feed_too_many_redirects",
    "redirect without Location": "feed_bad_redirect",
    "redirect to a file": "feed_bad_url",
    "reset mid-body": "feed_connection_error",
    "500 every time": "feed_http_500",
    "answers too late": "feed_timeout",
    "404": "feed_http_404",
}
# name -> how many requests the feed's URL got: one, or one and three retries.
REQUESTS = {
    "reset mid-body": 4,
    "500 every time": 4,
    "answers too late": 4,
    "404": 1,
    "over the limit, streamed": 1,
    "gzip bomb": 1,
    "500 once": 2,
    "503 twice": 3,
    "429 with Retry-After": 2,
    "reset once": 2,
    "late once": 2,
}
# name -> entries with neither a link nor text: each an input, rejected as no_text.
HOLLOW_ENTRIES = {"invalid XML": 1}
# name -> titles of the articles the feed gives.
ARTICLES = {
    "invalid XML": ["Kenya & water", "Chile copper"],
    "says utf-8, sends windows-1251": [RUSSIAN["buses"][0]],
    "says windows-1251, sends utf-8": [RUSSIAN["bridge"][0]],
    "billion laughs": ["Japan rail"],
    "XXE to a file": ["Poland grid"],
    "XXE over HTTP": ["Ghana cocoa"],
    "five redirects": ["Peru floods"],
    "500 once": ["Vietnam ports"],
    "503 twice": ["Norway fund"],
    "429 with Retry-After": ["Kenya brief"],
    "reset once": ["Chile brief"],
    "late once": ["Japan brief"],
}


def build(server: LocalServer) -> Plan:
    """Every feed fault on /f/, and the feeds that lead to them."""
    routes = server.routes
    url = server.url
    feeds: list[Feed] = []

    def add(name: str, path: str, entries: int = 0) -> None:
        feeds.append(Feed(name, url(path), entries))

    def one(title: str, slug: str, text: str, prolog: str = "", raw: str = "") -> str:
        prolog = prolog or "<?xml version='1.0'?>"
        return feed_xml(f"{title} Wire", [item(title, f"{LINKS}/{slug}", text, raw)], prolog)

    # Malformed: an unescaped "&", an unclosed tag, and the document cut off mid-item.
    routes["/f/invalid.xml"] = Reply(
        200,
        (
            "<?xml version='1.0'?><rss version='2.0'><channel><title>Broken</title>"
            f"<item><title>Kenya & water</title><link>{LINKS}/kenya</link>"
            f"<description>{story('kenya-water')} <b>unclosed</description></item>"
            + item("Chile copper", f"{LINKS}/chile", story("chile-copper"))
            + "<item><title>Cut off"
        ).encode(),
        dict(RSS_TYPE),
    )
    # Three entries: the cut-off item is one too (feedparser recovers its title), and with
    # neither link nor text it is a no_text reject rather than nothing.
    add("invalid XML", "/f/invalid.xml", 3)

    # Lying encodings: the header and the declaration say one thing, the bytes another.
    title, text = RUSSIAN["buses"]
    routes["/f/cp1251.xml"] = Reply(
        200,
        one(title, "buses", text, "<?xml version='1.0' encoding='utf-8'?>").encode("cp1251"),
        {"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    add("says utf-8, sends windows-1251", "/f/cp1251.xml", 1)
    title, text = RUSSIAN["bridge"]
    routes["/f/utf8.xml"] = Reply(
        200,
        one(title, "bridge", text, "<?xml version='1.0' encoding='windows-1251'?>").encode(),
        {"Content-Type": "application/rss+xml; charset=windows-1251"},
    )
    add("says windows-1251, sends utf-8", "/f/utf8.xml", 1)

    # Billion laughs: nine levels of ten, a billion "lol"s if expanded.
    laughs = "<!ENTITY lol0 'lol'>" + "".join(
        f"<!ENTITY lol{n} '{f'&lol{n - 1};' * 10}'>" for n in range(1, 10)
    )
    routes["/f/laughs.xml"] = feed_reply(
        one(
            "Japan rail",
            "japan",
            story("japan-rail"),
            f"<?xml version='1.0'?><!DOCTYPE rss [{laughs}]>",
            " &lol9;",
        )
    )
    add("billion laughs", "/f/laughs.xml", 1)

    # External entities: a local file, and URLs on this very server that must never be asked.
    routes["/x/secret"] = Reply(200, XXE_CANARY.encode(), {"Content-Type": "text/plain"})
    routes["/x/evil.dtd"] = Reply(200, f"<!ENTITY leak '{XXE_CANARY}'>".encode())
    routes["/x/param.dtd"] = Reply(200, f"<!ENTITY leak2 '{XXE_CANARY}'>".encode())
    routes["/f/xxe-file.xml"] = feed_reply(
        one(
            "Poland grid",
            "poland",
            story("poland-grid"),
            "<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>",
            " [&xxe;]",
        )
    )
    add("XXE to a file", "/f/xxe-file.xml", 1)
    routes["/f/xxe-http.xml"] = feed_reply(
        one(
            "Ghana cocoa",
            "ghana",
            story("ghana-cocoa"),
            f"<?xml version='1.0'?><!DOCTYPE rss SYSTEM '{url('/x/evil.dtd')}' ["
            f"<!ENTITY % remote SYSTEM '{url('/x/param.dtd')}'> %remote; "
            f"<!ENTITY xxe SYSTEM '{url('/x/secret')}'>]>",
            " [&xxe;&leak;&leak2;]",
        )
    )
    add("XXE over HTTP", "/f/xxe-http.xml", 1)

    # Not a feed at all.
    routes["/f/binary.xml"] = Reply(200, binary_body(), dict(RSS_TYPE))
    add("binary", "/f/binary.xml")
    routes["/f/empty.xml"] = Reply(200, b"", dict(RSS_TYPE))
    add("empty body", "/f/empty.xml")

    # Too large: said so up front, streamed without a length, or a gzip bomb.
    routes["/f/declared.xml"] = Reply(200, b" " * (MAX_PAGE_BYTES + 1), dict(RSS_TYPE))
    add("over the limit, declared", "/f/declared.xml")
    routes["/f/streamed.xml"] = BIG.reply("application/rss+xml")
    add("over the limit, streamed", "/f/streamed.xml")
    routes["/f/bomb.xml"] = bomb_reply("application/rss+xml")
    add("gzip bomb", "/f/bomb.xml")

    # Redirects: a loop, a chain longer than 5, five hops (allowed), and two bad ones.
    routes["/f/loop-a.xml"] = redirect("/f/loop-b.xml")
    routes["/f/loop-b.xml"] = redirect(url("/f/loop-a.xml"), 301)
    add("redirect loop", "/f/loop-a.xml")
    for hop in range(1, 10):
        routes[f"/f/chain/{hop}"] = redirect(f"/f/chain/{hop + 1}", 307)
    add("redirect chain", "/f/chain/1")
    for hop in range(1, 5):
        routes[f"/f/hops/{hop}"] = redirect(f"/f/hops/{hop + 1}", 308)
    routes["/f/hops/5"] = redirect("/f/hops/feed.xml", 303)
    routes["/f/hops/feed.xml"] = feed_reply(one("Peru floods", "peru", story("peru-floods")))
    add("five redirects", "/f/hops/1", 1)
    routes["/f/no-location.xml"] = redirect(None)
    add("redirect without Location", "/f/no-location.xml")
    routes["/f/to-file.xml"] = redirect("file:///etc/passwd")
    add("redirect to a file", "/f/to-file.xml")

    # Flaky servers: resets, 5xx, 429, answers later than --http-timeout; some recover.
    vietnam = feed_reply(one("Vietnam ports", "vietnam", story("vietnam-ports")))
    routes["/f/reset.xml"] = Reply(200, vietnam.body, dict(RSS_TYPE), reset_after=100)
    add("reset mid-body", "/f/reset.xml")
    routes["/f/500.xml"] = Reply(500, b"internal error")
    add("500 every time", "/f/500.xml")
    routes["/f/500-once.xml"] = failing([Reply(500, b"oops")], vietnam)
    add("500 once", "/f/500-once.xml", 1)
    norway = feed_reply(one("Norway fund", "norway", story("norway-fund")))
    routes["/f/503-twice.xml"] = failing([Reply(503, b"busy"), Reply(503, b"busy")], norway)
    add("503 twice", "/f/503-twice.xml", 1)
    routes["/f/429.xml"] = failing(
        [Reply(429, b"slow down", {"Retry-After": str(RETRY_AFTER)})],
        feed_reply(one("Kenya brief", "kenya-brief", brief("kenya-water"))),
        times_429,
    )
    add("429 with Retry-After", "/f/429.xml", 1)
    chile = feed_reply(one("Chile brief", "chile-brief", brief("chile-copper")))
    routes["/f/reset-once.xml"] = failing(
        [Reply(200, chile.body, dict(RSS_TYPE), reset_after=100)], chile
    )
    add("reset once", "/f/reset-once.xml", 1)
    late = 3 * HTTP_TIMEOUT
    routes["/f/late.xml"] = slow(Reply(200, vietnam.body, dict(RSS_TYPE)), late)
    add("answers too late", "/f/late.xml")
    japan = feed_reply(one("Japan brief", "japan-brief", brief("japan-rail")))
    routes["/f/late-once.xml"] = slow(japan, late, times=1)
    add("late once", "/f/late-once.xml", 1)
    routes["/f/404.xml"] = Reply(404, b"gone")
    add("404", "/f/404.xml")

    return Plan(feeds, ("--fetch-pages", "never"), timeout=90)


SCENARIO = Scenario("feeds", build)


def test_the_run_ends_and_accounts_for_every_feed_and_entry(run: RunResult) -> None:
    """The run ends well within the subprocess timeout, exit 1 for the feeds that failed
    (below), and inputs = articles + duplicates + rejects, with as many inputs as this test
    built (an entry each, or the feed's reject)."""
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert run.elapsed < run.plan.timeout
    inputs, articles, duplicates, rejects, balanced, sources = run.runs_row()
    assert balanced
    assert inputs == run.plan.inputs == articles + duplicates + rejects
    assert (articles, duplicates, rejects) == (13, 0, len(REJECTED) + sum(HOLLOW_ENTRIES.values()))
    assert f"inputs {inputs} = articles {articles}" in run.stdout
    assert set(sources) == {feed.name for feed in run.plan.feeds}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_a_feed_that_gives_nothing_is_one_reject(run: RunResult, name: str) -> None:
    (feed,) = [f for f in run.plan.feeds if f.name == name]
    assert run.rows(f"SELECT stage, reason FROM rejects WHERE input = '{feed.url}'") == [
        ("feed", REJECTED[name])
    ]
    assert run.tally(name) == (1, 0, 0, 1)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_a_feed_that_gives_nothing_is_named_with_its_reason(run: RunResult, name: str) -> None:
    (feed,) = [f for f in run.plan.feeds if f.name == name]
    assert f"  {feed.url}: {REJECTED[name]}" in run.stderr


def test_only_the_feeds_that_gave_nothing_are_named(run: RunResult) -> None:
    named = {f.name for f in run.plan.feeds if f"  {f.url}: " in run.stderr}
    assert named == set(REJECTED)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_a_feed_that_recovers_gives_its_articles(run: RunResult, name: str) -> None:
    titles = run.rows(f"SELECT title FROM articles WHERE source = '{name}' ORDER BY title")
    assert titles == [(t,) for t in sorted(ARTICLES[name])]
    hollow = HOLLOW_ENTRIES.get(name, 0)
    articles = len(ARTICLES[name])
    assert run.tally(name) == (articles + hollow, articles, 0, hollow)


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_transient_failures_are_retried_three_times_and_others_never(
    run: RunResult, fault_server: LocalServer, name: str
) -> None:
    (feed,) = [f for f in run.plan.feeds if f.name == name]
    assert fault_server.hits[feed.url.removeprefix(fault_server.base)] == REQUESTS[name]


def test_retry_after_is_honoured(run: RunResult) -> None:
    first, second = times_429
    assert second - first >= RETRY_AFTER - 0.05


def test_mislabelled_encodings_give_the_real_text_not_mojibake(run: RunResult) -> None:
    texts = dict(run.rows("SELECT title, text FROM articles WHERE language = 'ru'"))
    assert texts == {title: text for title, text in RUSSIAN.values()}


def test_entities_are_neither_expanded_nor_fetched(
    run: RunResult, fault_server: LocalServer
) -> None:
    """Billion laughs stays small, and no external entity or DTD is read: not the local
    file, not the URLs on this server (which would have answered)."""
    everything = run.everything()
    assert "lollollol" not in everything
    assert XXE_CANARY not in everything
    if PASSWD.exists():
        first_line = PASSWD.read_text().splitlines()[0]
        assert first_line and first_line not in everything
    assert not [path for path in fault_server.hits if path.startswith("/x/")]
    # The entry is kept, with its entity left empty.
    (text,) = run.rows("SELECT text FROM articles WHERE source = 'XXE to a file'")[0]
    assert text == story("poland-grid") + " []"


def test_redirects_stop_after_five_hops(run: RunResult, fault_server: LocalServer) -> None:
    chain = [fault_server.hits[f"/f/chain/{hop}"] for hop in range(1, 10)]
    assert chain == [1] * 6 + [0] * 3  # the first request, then five redirects followed
    assert fault_server.hits["/f/hops/feed.xml"] == 1


def test_a_body_over_the_limit_is_not_read_to_its_end(run: RunResult) -> None:
    """The 50 MB stream is dropped soon after the limit (socket buffers aside)."""
    assert MAX_PAGE_BYTES < BIG.sent < BIG.total / 2


def test_a_gzip_bomb_is_refused_without_inflating_it(run: RunResult) -> None:
    """2 GiB once inflated, 2 MB on the wire: refused at the limit, and no newsbeam process
    came near holding it."""
    assert bounded_by_bomb(run)
