"""No credential in any table, file or line of output, with feeds that need them to work.

A real server on 127.0.0.1 requires basic auth for one feed, whose entries link pages by
`?token=...&api_key=...`; other feeds fail with credentials in their URLs. The run must
fetch with every credential (the articles come from the pages) and store none: every
column of every table, every other file of the output, stdout and stderr are searched.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pytest

from newsbeam.query import connect
from newsbeam.schemas import TABLES
from tests.support.local_server import LocalServer, Reply, Request
from tests.support.news_site import page_html, story_text, summary
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

USER, PASSWORD = "alice", "S3cretPW7q"
FEED_KEY, API_KEY, PUBLIC_KEY = "FeedKey7q", "ApiKey7q", "PubKey7q"
TOKENS = {"kenya-water": "Tok1n7q", "chile-copper": "Tok2n7q", "japan-rail": "Tok3n7q"}
ROTATED = "Tok9n7q"  # the public feed's token for the first story: the same article
FAIL_PASSWORD, FAIL_TOKEN = "FailPW7q", "FailTok7q"
CLOSED_PASSWORD, CLOSED_KEY = "ClosedPW7q", "ClosedKey7q"
RECORD_PASSWORD, RECORD_TOKEN = "RecordPW7q", "Access7q"
SECRETS = [
    PASSWORD,
    FEED_KEY,
    API_KEY,
    PUBLIC_KEY,
    *TOKENS.values(),
    ROTATED,
    FAIL_PASSWORD,
    FAIL_TOKEN,
    CLOSED_PASSWORD,
    CLOSED_KEY,
    RECORD_PASSWORD,
    RECORD_TOKEN,
    base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
]


def _story_path(slug: str, token: str) -> str:
    return f"/story/{slug}?token={token}&api_key={API_KEY}&page=2"


def _feed(title: str, base: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS feed of (slug, link path, description) items, links escaped as XML needs."""
    body = "".join(
        f"<item><title>Story {slug}</title><link>{escape(base + path)}</link>"
        f"<guid>{escape(base + path)}</guid><pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for slug, path, text in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{title}</title>"
        f"{body}</channel></rss>"
    ).encode()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site():
    with LocalServer() as server:
        base = server.base
        authorization = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        private = _feed(
            "Private Wire",
            base,
            [(slug, _story_path(slug, token), summary(slug)) for slug, token in TOKENS.items()],
        )

        def private_feed(request: Request) -> Reply:
            if request.headers.get("Authorization") != authorization:
                return Reply(401, b"who are you?", {"WWW-Authenticate": 'Basic realm="wire"'})
            return Reply(200, private, {"Content-Type": "application/rss+xml"})

        server.routes[f"/private/feed.xml?key={FEED_KEY}"] = private_feed
        for slug, token in TOKENS.items():
            if slug != "japan-rail":  # its page is gone: the feed's summary is too short
                page = Reply(200, page_html(slug, f"Story {slug}"), {"Content-Type": "text/html"})
                server.routes[_story_path(slug, token)] = page
        server.routes[_story_path("kenya-water", ROTATED)] = server.routes[
            _story_path("kenya-water", TOKENS["kenya-water"])
        ]
        server.routes[f"/public/feed.xml?api_key={PUBLIC_KEY}"] = Reply(
            200,
            _feed(
                "Public Wire",
                base,
                [("kenya-water", _story_path("kenya-water", ROTATED), summary("kenya-water"))],
            ),
            {"Content-Type": "application/rss+xml"},
        )
        yield server


def _cells(path: Path) -> list[str]:
    """Every value of a Parquet file as text, partition columns included."""
    source = f"read_parquet('{path}', hive_partitioning = true)"
    columns = duckdb.sql(f"SELECT * FROM {source} LIMIT 0").columns
    casts = ", ".join(f'CAST("{column}" AS VARCHAR)' for column in columns)
    return [
        str(value)
        for row in duckdb.sql(f"SELECT {casts} FROM {source}").fetchall()
        for value in row
        if value is not None
    ]


def _secrets_in(output: Path, result: subprocess.CompletedProcess) -> set[tuple[str, str]]:
    """(where, secret) for each secret in a cell of a Parquet file of the output (any
    table, the MinHash index included), in any other file of it, or on stdout or stderr."""
    texts = [(path, cell) for path in sorted(output.rglob("*.parquet")) for cell in _cells(path)]
    texts += [
        (path, path.read_text(errors="replace"))
        for path in output.rglob("*")
        if path.is_file() and path.suffix != ".parquet"
    ]
    found = {
        (path.relative_to(output).parts[0], secret)
        for path, text in texts
        for secret in SECRETS
        if secret in text
    }
    return found | {
        (name, secret)
        for name in ("stdout", "stderr")
        for secret in SECRETS
        if secret in getattr(result, name)
    }


def test_credentials_are_used_to_fetch_and_never_stored(site: LocalServer, tmp_path: Path):
    base = site.base
    closed = f"127.0.0.1:{_closed_port()}"  # nothing listens there
    records = tmp_path / "records.jsonl"
    records.write_text(
        json.dumps(
            {
                "url": f"https://bob:{RECORD_PASSWORD}@news.test/a?access_token={RECORD_TOKEN}",
                "title": "Record",
                "text": story_text("poland-grid"),
            }
        )
        + "\n"
        + json.dumps(
            {
                "url": "javascript:alert(document.cookie)",
                "title": "Script",
                "text": story_text("peru-floods"),
            }
        )
    )
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"feeds:\n  - url: {base}/public/feed.xml?api_key={PUBLIC_KEY}\n    name: Public Wire\n"
    )
    output = tmp_path / "out"
    host = base.removeprefix("http://")
    result = newsbeam(
        "run",
        "--feed",
        f"http://{USER}:{PASSWORD}@{host}/private/feed.xml?key={FEED_KEY}",
        "--feed",
        f"http://dan:{FAIL_PASSWORD}@{host}/missing.xml?token={FAIL_TOKEN}",
        "--feed",
        f"http://carol:{CLOSED_PASSWORD}@{closed}/feed.xml?api_key={CLOSED_KEY}",
        "--feeds",
        str(feeds),
        "--input",
        str(records),
        "--output",
        str(output),
        "--allow-private-networks",
        "--host-interval",
        "0",
        "--http-timeout",
        "5",
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr  # failed feeds may fail the run
    assert "DOES NOT BALANCE" not in result.stdout, result.stdout
    db = connect(str(output))

    # The property: no secret in any cell of any table, any file, any line printed.
    tables = {name: db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLES}
    assert all(tables[name] for name in ("articles", "duplicates", "rejects", "runs")), tables
    parquet = sorted(output.rglob("*.parquet"))
    # entity_variants and story_merges have rows only when names vary or stories merge.
    written = {p.relative_to(output).parts[0] for p in parquet}
    assert written >= {*TABLES} - {"entity_variants", "story_merges"}
    found = _secrets_in(output, result)
    assert not found, sorted(found)

    # The credentials worked: the private feed was read with basic auth, and its pages
    # with their tokens (their text is the page's, which the feed's summary lacks).
    private_feed = f"{base}/private/feed.xml?key=REDACTED"
    kept = db.execute(
        "SELECT url, text_source FROM articles WHERE feed_url IS NOT NULL ORDER BY url"
    ).fetchall()
    assert kept == [
        (f"{base}/story/{slug}?token=REDACTED&api_key=REDACTED&page=2", "page")
        for slug in ("chile-copper", "kenya-water")
    ]
    assert db.execute(
        "SELECT count(*) FROM articles WHERE feed_url = ?", [private_feed]
    ).fetchone()[0] in (1, 2)  # kenya-water may be kept from either feed
    # The same story under a rotated token is one article: the other copy is a duplicate.
    assert db.execute("SELECT kind, url FROM duplicates").fetchall() == [
        ("exact", f"{base}/story/kenya-water?token=REDACTED&api_key=REDACTED&page=2")
    ]
    # Failed feeds and a page-less short entry are rejects, named without credentials.
    rejects = dict(db.execute("SELECT input, reason FROM rejects").fetchall())
    assert rejects.pop(f"{base}/missing.xml?token=REDACTED") == "feed_http_404"
    assert rejects.pop(f"http://{closed}/feed.xml?api_key=REDACTED").startswith("feed_")
    assert rejects == {
        f"{base}/story/japan-rail?token=REDACTED&api_key=REDACTED&page=2": "too_short"
    }
    # Records: the link kept without its secrets; a javascript: link not kept at all.
    assert db.execute(
        "SELECT title, url FROM articles WHERE feed_url IS NULL ORDER BY 1"
    ).fetchall() == [
        ("Record", "https://news.test/a?access_token=REDACTED"),
        ("Script", None),
    ]
    options = json.loads(db.execute("SELECT options FROM runs").fetchone()[0])
    assert private_feed in options["feed"]


def test_a_stream_keeps_no_credential_in_its_state_or_tables(site: LocalServer, tmp_path: Path):
    """A local stream also writes feed state beside the tables: it names each feed too."""
    output = tmp_path / "out"
    host = site.base.removeprefix("http://")
    result = newsbeam(
        "stream",
        "--feed",
        f"http://{USER}:{PASSWORD}@{host}/private/feed.xml?key={FEED_KEY}",
        "--feed",
        f"http://dan:{FAIL_PASSWORD}@{host}/missing.xml?token={FAIL_TOKEN}",
        "--output",
        str(output),
        "--duration",
        "4",
        "--window",
        "2",
        "--allow-private-networks",
        "--host-interval",
        "0",
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    db = connect(str(output))
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    states = [json.loads(p.read_text()) for p in (output / "_state" / "feeds").glob("*.json")]
    assert sorted(state["url"] for state in states) == [
        f"{site.base}/missing.xml?token=REDACTED",
        f"{site.base}/private/feed.xml?key=REDACTED",
    ]
    found = _secrets_in(output, result)
    assert not found, sorted(found)


def test_an_error_about_a_feed_names_it_without_credentials(tmp_path: Path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"feeds:\n  - url: http://{USER}:{PASSWORD}@news.test/f.xml?key={FEED_KEY}\n"
        "    poll_interval: -1\n"
    )
    result = newsbeam("run", "--feeds", str(feeds), "--output", str(tmp_path / "o"), check=False)
    assert result.returncode == 2
    assert "poll_interval of http://news.test/f.xml?key=REDACTED" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert FEED_KEY not in result.stderr + result.stdout
