"""A small news site for tests: two feeds and their article pages, served by LocalServer.

Pages are written here (short wire-style stories); each page carries a sentence its feed
summary lacks, so a test can tell page text from feed text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tests.support.local_server import LocalServer, Reply, Request

STORIES = {
    "kenya-water": (
        "Kenya",
        "Nairobi",
        "Grace Wanjiru",
        "water ministry",
        "expanded emergency water deliveries to northern counties",
    ),
    "chile-copper": (
        "Chile",
        "Santiago",
        "Tomas Herrera",
        "mining ministry",
        "approved a new copper smelter near the port of Antofagasta",
    ),
    "japan-rail": (
        "Japan",
        "Osaka",
        "Yuki Tanaka",
        "transport ministry",
        "opened a high-speed rail extension to the western coast",
    ),
    "poland-grid": (
        "Poland",
        "Warsaw",
        "Anna Kowalska",
        "energy ministry",
        "signed contracts for three offshore wind farms in the Baltic",
    ),
    "ghana-cocoa": (
        "Ghana",
        "Accra",
        "Kwame Mensah",
        "cocoa board",
        "raised the price paid to cocoa farmers for the new season",
    ),
    "peru-floods": (
        "Peru",
        "Lima",
        "Lucia Rojas",
        "civil defence agency",
        "evacuated riverside districts after heavy rains in the north",
    ),
    "vietnam-ports": (
        "Vietnam",
        "Hanoi",
        "Nguyen Van Minh",
        "transport ministry",
        "announced the expansion of two container ports in the south",
    ),
    "norway-fund": (
        "Norway",
        "Oslo",
        "Ingrid Larsen",
        "finance ministry",
        "reported record returns for the sovereign wealth fund",
    ),
}


def page_text(slug: str) -> list[str]:
    country, city, person, body, action = STORIES[slug]
    return [
        f"{country}'s {body} said on Tuesday that it had {action}, a move officials in {city} "
        f"described as the largest of its kind in a decade.",
        f"{person}, who leads the {body}, told reporters in {city} that the decision followed "
        f"months of consultation with regional governments and industry groups across {country}.",
        f"Opposition lawmakers in {country} questioned the cost of the plan and asked for an "
        f"independent review before the end of the year, while business groups welcomed it.",
        f"Page-only detail: the {body} will publish a full timetable for {country} next month.",
    ]


def story_text(slug: str) -> str:
    """The story as a plain-text article body: paragraphs separated by a blank line."""
    return "\n\n".join(page_text(slug))


def summary(slug: str) -> str:
    return page_text(slug)[0]


def page_html(slug: str, title: str) -> bytes:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in page_text(slug))
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)} | Test Wire</title>"
        f"<meta property='og:title' content='{escape(title)}'>"
        f"<meta property='og:site_name' content='Test Wire'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(title)}</h1>{paragraphs}</article>"
        f"<footer>Copyright Test Wire</footer></body></html>"
    ).encode()


def syndicated_html(slug: str, title: str) -> bytes:
    """Another outlet's copy of a story: a dateline, the last paragraph cut, a credit."""
    paragraphs = page_text(slug)[:-1]
    paragraphs[0] = f"{STORIES[slug][1].upper()} (Partner Wire) - {paragraphs[0]}"
    paragraphs.append("(With inputs from Test Wire)")
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)}</title></head><body>"
        f"<article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


@dataclass
class Entry:
    slug: str
    title: str
    published: datetime
    story: str = ""

    def __post_init__(self) -> None:
        self.story = self.story or self.slug


class NewsSite:
    """Feeds at /feeds/<name>.xml (with ETag and 304), pages at /news/<slug>."""

    def __init__(self, server: LocalServer) -> None:
        self.server = server
        self.feeds: dict[str, list[Entry]] = {}
        self.clock = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)

    def feed_url(self, name: str) -> str:
        return self.server.url(f"/feeds/{name}.xml")

    def page_url(self, slug: str) -> str:
        return self.server.url(f"/news/{slug}")

    def publish(self, feed: str, slug: str, page: Reply | None = None, story: str = "") -> None:
        """Adds an entry to a feed (newest first) and serves its page; `story` names the
        story a differently named entry tells (a syndicated copy)."""
        self.clock += timedelta(minutes=7)
        story = story or slug
        title = f"{STORIES[story][0]} {STORIES[story][3]} {STORIES[story][4].split(' ', 1)[0]}"
        self.feeds.setdefault(feed, []).insert(0, Entry(slug, title, self.clock, story))
        self.server.routes[f"/news/{slug}"] = page or Reply(
            200, page_html(slug, title), {"Content-Type": "text/html; charset=utf-8"}
        )
        self.server.routes[f"/feeds/{feed}.xml"] = self.feed_route(feed)

    def feed_route(self, feed: str):
        """Serves the feed as it is at request time, with an ETag and 304 when unchanged."""

        def route(request: Request) -> Reply:
            body = self.rss(feed)
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": etag})

        return route

    def rss(self, feed: str) -> bytes:
        items = "".join(
            f"<item><title>{escape(e.title)}</title><link>{self.page_url(e.slug)}</link>"
            f"<guid>{self.page_url(e.slug)}</guid><pubDate>{format_datetime(e.published)}</pubDate>"
            f"<dc:creator>{escape(STORIES[e.story][2])}</dc:creator>"
            f"<category>{escape(STORIES[e.story][0])}</category>"
            f"<description>{escape(summary(e.story))}</description></item>"
            for e in self.feeds[feed]
        )
        return (
            "<?xml version='1.0' encoding='utf-8'?>"
            "<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
            f"<title>Test Wire {feed}</title><link>{self.server.base}</link>"
            f"<description>{feed} news</description>{items}</channel></rss>"
        ).encode()


def write_wire_feed(path: Path) -> Path:
    """A feed file of three entries, one too short to keep: two articles and a reject, with
    their source, for runs that read feed files without fetching pages."""
    from tests.support.builders import rss

    path.write_text(
        rss(
            "Feed Wire",
            [
                ("Chile copper", "https://wire.test/chile", story_text("chile-copper")),
                ("Poland grid", "https://wire.test/poland", story_text("poland-grid")),
                ("Brief", "https://wire.test/brief", "Shares rose."),
            ],
        )
    )
    return path
