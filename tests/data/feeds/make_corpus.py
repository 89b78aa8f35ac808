"""Writes the synthetic feed corpus in `corpus/` and its `manifest.json`.

    .venv/bin/python tests/data/feeds/make_corpus.py

Deterministic: every random choice comes from one `random.Random(SEED)`, gzip has no
timestamp, and the output directory is emptied first, so a re-run rewrites the same bytes
(`git status` stays clean). Every feed is made up here for this repository; no real feed's
content is copied.

Each file is named `NNN-<kind>-<detail>.<ext>`; `manifest.json` maps the name to what the
reader must make of it:

    kind        which group below the file belongs to
    outcome     "entries" (at least one entry), "feed_empty", "feed_unparseable", or "any"
                (broken input: entries or a reject, never a crash)
    titles      exact titles of the entries one batch poll emits, in document order (None
                for an entry without a title; every item of a repeated guid), for
                files whose result is certain: well-formed files, correctly declared encodings
    count       the number of entries, where titles are not certain but the count is
    recovered   titles that must survive: the items wholly before a truncation point
    links       exact entry links (relative links resolved against xml:base)
    published   exact `published_at` of each entry as ISO 8601 UTC, the day alone
                ("2025-03-03") where the feed wrote no time, or None for no date
    lenient     True when a date may also be absent (localized or unusual formats)
    known_issue {field: what the reader gets wrong today}, tested as expected failures
    items       the number of items in a document whose guids repeat (all are parsed)

Groups: formats (RSS 0.90/0.91/0.92/2.0, RSS 1.0/RDF, Atom 0.3/1.0), namespaces
(dc, content, media, itunes), HTML and CDATA in titles, xml:base, dates, encodings
(declared correctly and not), and broken inputs: truncated, mis-encoded, unclosed tags,
bare `&`, invalid characters, entity expansion, external entities (XXE), empty, binary,
HTML pages, feeds with no items, duplicate guids, credentials in links, deep nesting.
"""

from __future__ import annotations

import codecs
import gzip
import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

SEED = 20250303
HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
MANIFEST = HERE / "manifest.json"

NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "media": "http://search.yahoo.com/mrss/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "atom": "http://www.w3.org/2005/Atom",
}
ALL_NS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())

_PLACES = ["Nairobi", "Lima", "Osaka", "Tromsø", "Kraków", "Dakar", "Hobart", "Quito", "Tbilisi"]
_SUBJECTS = ["Council", "Port workers", "Central bank", "Farmers", "Rail operator", "Court"]
_VERBS = ["approves", "rejects", "delays", "backs", "questions", "expands"]
_OBJECTS = ["water plan", "fare rise", "copper deal", "flood barrier", "school budget", "new route"]


@dataclass
class Item:
    title: str | None
    link: str | None = None
    guid: str | None = None
    date: str | None = None
    summary: str | None = None
    extra: str = ""  # raw XML added inside the item
    title_xml: str | None = None  # raw XML for the title, when not escape(title)


@dataclass
class Case:
    name: str
    data: bytes
    kind: str
    outcome: str
    expect: dict = field(default_factory=dict)


class Corpus:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.cases: list[Case] = []
        self._story = 0

    def add(self, kind: str, detail: str, ext: str, data: bytes, outcome: str, **expect) -> str:
        name = f"{len(self.cases) + 1:03d}-{kind}-{detail}.{ext}"
        self.cases.append(Case(name, data, kind, outcome, expect))
        return name

    def headline(self, ascii_only: bool = False) -> str:
        pick = self.rng.choice
        place = pick([p for p in _PLACES if p.isascii()] if ascii_only else _PLACES)
        return f"{place}: {pick(_SUBJECTS)} {pick(_VERBS)} {pick(_OBJECTS)}"

    def items(self, count: int, host: str = "news.example", ascii_only: bool = False) -> list[Item]:
        """`count` new stories; `ascii_only` for documents in legacy encodings."""
        found = []
        for _ in range(count):
            self._story += 1
            number = self._story
            found.append(
                Item(
                    title=f"{self.headline(ascii_only)} ({number})",
                    link=f"https://{host}/{number:04d}/story.html",
                    guid=f"{host}-{number}",
                    date=f"Mon, 03 Mar 2025 {number % 24:02d}:{number % 60:02d}:00 GMT",
                    summary=f"Summary of story {number}. {self.headline(ascii_only)}.",
                )
            )
        return found


# --- document builders -------------------------------------------------------------------


def _decl(encoding: str | None) -> str:
    if encoding is None:
        return '<?xml version="1.0"?>\n'
    return f'<?xml version="1.0" encoding="{encoding}"?>\n'


def _title(item: Item) -> str:
    if item.title_xml is not None:
        return f"<title>{item.title_xml}</title>"
    return f"<title>{escape(item.title)}</title>" if item.title is not None else ""


def rss(
    items: list[Item],
    version: str = "2.0",
    encoding: str | None = "utf-8",
    namespaces: str = "",
    channel_extra: str = "",
    date_tag: str = "pubDate",
    doctype: str = "",
    root_attrs: str = "",
) -> str:
    parts = [_decl(encoding), doctype, f'<rss version="{version}" {namespaces} {root_attrs}>\n']
    parts.append(
        "<channel><title>Example Wire</title><link>https://news.example/</link>"
        f"<description>Synthetic test feed</description>{channel_extra}\n"
    )
    for item in items:
        body = [_title(item)]
        if item.link is not None:
            body.append(f"<link>{escape(item.link)}</link>")
        if item.guid is not None and version == "2.0":
            body.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        if item.date is not None and version not in ("0.91",):
            body.append(f"<{date_tag}>{escape(item.date)}</{date_tag}>")
        if item.summary is not None:
            body.append(f"<description>{escape(item.summary)}</description>")
        body.append(item.extra)
        parts.append("<item>" + "".join(body) + "</item>\n")
    parts.append("</channel></rss>\n")
    return "".join(parts)


def rdf(items: list[Item], encoding: str | None = "utf-8", version: str = "1.0") -> str:
    default = {
        "1.0": "http://purl.org/rss/1.0/",
        "0.90": "http://my.netscape.com/rdf/simple/0.9/",
    }[version]
    parts = [
        _decl(encoding),
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns="{default}" xmlns:dc="{NS["dc"]}" xmlns:content="{NS["content"]}">\n',
        '<channel rdf:about="https://news.example/"><title>Example RDF</title>'
        "<link>https://news.example/</link><description>Synthetic</description>",
    ]
    if version == "1.0":
        parts.append("<items><rdf:Seq>")
        parts.extend(f"<rdf:li rdf:resource={quoteattr(i.link or '')}/>" for i in items)
        parts.append("</rdf:Seq></items>")
    parts.append("</channel>\n")
    for item in items:
        about = f" rdf:about={quoteattr(item.link)}" if item.link and version == "1.0" else ""
        body = [_title(item)]
        if item.link is not None:
            body.append(f"<link>{escape(item.link)}</link>")
        if item.summary is not None:
            body.append(f"<description>{escape(item.summary)}</description>")
        if item.date is not None:
            body.append(f"<dc:date>{escape(item.date)}</dc:date>")
        body.append(item.extra)
        parts.append(f"<item{about}>" + "".join(body) + "</item>\n")
    parts.append("</rdf:RDF>\n")
    return "".join(parts)


def atom(
    items: list[Item],
    encoding: str | None = "utf-8",
    base: str | None = None,
    date_tags: tuple[str, ...] = ("updated",),
    title_type: str | None = None,
    namespaces: str = "",
) -> str:
    base_attr = f" xml:base={quoteattr(base)}" if base else ""
    parts = [
        _decl(encoding),
        f'<feed xmlns="{NS["atom"]}"{base_attr} {namespaces}>\n',
        "<title>Example Atom</title><id>urn:example:feed</id>"
        "<updated>2025-03-03T10:00:00Z</updated>\n",
    ]
    kind = f' type="{title_type}"' if title_type else ""
    for item in items:
        body = []
        if item.title_xml is not None:
            body.append(f"<title{kind}>{item.title_xml}</title>")
        elif item.title is not None:
            body.append(f"<title{kind}>{escape(item.title)}</title>")
        if item.guid is not None:
            body.append(f"<id>urn:example:{escape(item.guid)}</id>")
        if item.link is not None:
            body.append(f'<link rel="alternate" href={quoteattr(item.link)}/>')
        for tag in date_tags:
            if item.date is not None:
                body.append(f"<{tag}>{escape(item.date)}</{tag}>")
        if item.summary is not None:
            body.append(f"<summary>{escape(item.summary)}</summary>")
        body.append(item.extra)
        parts.append("<entry>" + "".join(body) + "</entry>\n")
    parts.append("</feed>\n")
    return "".join(parts)


def atom03(items: list[Item], encoding: str | None = "utf-8") -> str:
    parts = [
        _decl(encoding),
        '<feed version="0.3" xmlns="http://purl.org/atom/ns#">\n',
        "<title>Example Atom 0.3</title>"
        '<link rel="alternate" type="text/html" href="https://news.example/"/>'
        "<modified>2025-03-03T10:00:00Z</modified>\n",
    ]
    for item in items:
        body = [_title(item)]
        if item.link is not None:
            body.append(f'<link rel="alternate" type="text/html" href={quoteattr(item.link)}/>')
        if item.guid is not None:
            body.append(f"<id>tag:news.example,2025:{escape(item.guid)}</id>")
        if item.date is not None:
            body.append(
                f"<issued>{escape(item.date)}</issued><modified>{escape(item.date)}</modified>"
            )
        if item.summary is not None:
            body.append(
                '<content type="text/html" mode="escaped">'
                f"{escape('<p>' + item.summary + '</p>')}</content>"
            )
        body.append(item.extra)
        parts.append("<entry>" + "".join(body) + "</entry>\n")
    parts.append("</feed>\n")
    return "".join(parts)


def titles(items: list[Item]) -> list[str | None]:
    return [item.title for item in items]


# --- groups ------------------------------------------------------------------------------


def formats(c: Corpus) -> None:
    """Every feed format, 1 to 6 items, with and without descriptions and dates."""
    builders: list[tuple[str, str, Callable[[list[Item]], bytes]]] = [
        ("rss090", "rdf", lambda items: rdf(items, version="0.90").encode()),
        (
            "rss091",
            "rss",
            lambda items: rss(
                items, version="0.91", encoding="ISO-8859-1", doctype=RSS091_DOCTYPE
            ).encode("latin-1"),
        ),
        ("rss092", "rss", lambda items: rss(items, version="0.92").encode()),
        ("rss20", "xml", lambda items: rss(items).encode()),
        ("rss10", "rdf", lambda items: rdf(items).encode()),
        ("atom03", "atom", lambda items: atom03(items).encode()),
        ("atom10", "atom", lambda items: atom(items, date_tags=("published", "updated")).encode()),
    ]
    for label, ext, build in builders:
        for variant in range(7):
            items = c.items(1 + (variant * 5) % 6)
            if variant % 3 == 1:
                for item in items:
                    item.summary = None
            if variant % 3 == 2:
                for item in items:
                    item.date = None
            c.add(
                "format",
                f"{label}-{variant}",
                ext,
                build(items),
                "entries",
                titles=titles(items),
                links=[i.link for i in items],
            )
    # RSS 0.92: items may have no title; the description is then the text.
    items = c.items(3)
    items[1].title = None
    c.add(
        "format",
        "rss092-untitled-item",
        "rss",
        rss(items, version="0.92").encode(),
        "entries",
        titles=titles(items),
    )
    # RSS 2.0 items without a link: text only.
    items = c.items(2)
    for item in items:
        item.link = None
    c.add(
        "format",
        "rss20-no-links",
        "xml",
        rss(items).encode(),
        "entries",
        titles=titles(items),
        links=[None, None],
    )


RSS091_DOCTYPE = (
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
)


def namespaces(c: Corpus) -> None:
    """dc:, content:encoded, media: and itunes: elements, alone and together."""
    extras = {
        "dc": lambda i: "<dc:creator>Ana Silva</dc:creator><dc:subject>Economy</dc:subject>",
        "content": lambda i: (
            "<content:encoded><![CDATA[<p>Full text of the story.</p>"
            "<p>Second <b>paragraph</b> &amp; more.</p>]]></content:encoded>"
        ),
        "media": lambda i: (
            '<media:content url="https://img.example/a.jpg" medium="image" width="640">'
            "<media:title>Photo</media:title><media:credit>AP</media:credit></media:content>"
            '<media:thumbnail url="https://img.example/t.jpg"/>'
        ),
        "itunes": lambda i: (
            "<itunes:author>Wire Radio</itunes:author><itunes:duration>00:12:30</itunes:duration>"
            "<itunes:explicit>no</itunes:explicit>"
            '<enclosure url="https://cdn.example/ep.mp3" length="123" type="audio/mpeg"/>'
        ),
        "dc-date": lambda i: "",
    }
    for label, make in extras.items():
        for variant in range(3):
            items = c.items(2 + variant)
            for item in items:
                item.extra = make(item)
            if label == "dc-date":
                data = rss(items, namespaces=ALL_NS, date_tag="dc:date")
            elif variant == 2:
                data = atom(items, namespaces=ALL_NS)
            else:
                data = rss(items, namespaces=ALL_NS)
            c.add(
                "namespaces",
                f"{label}-{variant}",
                "xml",
                data.encode(),
                "entries",
                titles=titles(items),
            )
    items = c.items(3)
    for item in items:
        item.extra = "".join(make(item) for make in extras.values())
    c.add(
        "namespaces",
        "all-together",
        "xml",
        rss(items, namespaces=ALL_NS).encode(),
        "entries",
        titles=titles(items),
    )
    # An undeclared prefix: not namespace-well-formed.
    items = c.items(2)
    items[0].extra = "<foo:bar>x</foo:bar>"
    c.add("namespaces", "undeclared-prefix", "xml", rss(items).encode(), "entries", count=2)


TITLE_ISSUES = {
    "atom-text": "titles are always read as HTML: a literal <b> in an Atom type=text title is lost",
}


def html_titles(c: Corpus) -> None:
    """HTML in titles: escaped, raw, CDATA, entities; Atom's text, html and xhtml types."""
    cases = [
        # (label, builder, title XML, expected title)
        ("rss-escaped-html", "rss", "Chile &lt;em&gt;copper&lt;/em&gt; deal", "Chile copper deal"),
        ("rss-raw-html", "rss", "Chile <em>copper</em> deal", "Chile copper deal"),
        ("rss-cdata", "rss", "<![CDATA[Chile <b>copper</b> & gold]]>", "Chile copper & gold"),
        (
            "rss-cdata-plain",
            "rss",
            "<![CDATA[Kenya & Uganda sign pact]]>",
            "Kenya & Uganda sign pact",
        ),
        ("rss-amp", "rss", "AT&amp;T and P&amp;G report", "AT&T and P&G report"),
        ("rss-lt-text", "rss", "5 &lt; 6 &amp; 7 &gt; 3", "5 < 6 & 7 > 3"),
        (
            "rss-numeric-entities",
            "rss",
            "Caf&#233; &#x2014; &#8220;quoted&#8221;",
            "Café — “quoted”",
        ),
        # Escaped once more than XML needs: HTML ("Tom &amp; Jerry", as feedparser says), read
        # as HTML whether or not it has a tag.
        ("rss-double-escaped", "rss", "Tom &amp;amp; Jerry", "Tom & Jerry"),
        ("rss-whitespace", "rss", "\n   Spaced   out\n\ttitle  ", "Spaced out title"),
        (
            "rss-script",
            "rss",
            "Safe &lt;script&gt;alert(1)&lt;/script&gt;title",
            "Safe alert(1)title",
        ),
        ("rss-nbsp", "rss", "Non&#160;breaking&#160;space", "Non breaking space"),
        ("atom-text", "atom-text", "Use &lt;b&gt; for bold &amp; more", "Use <b> for bold & more"),
        ("atom-html", "atom-html", "Chile &lt;em&gt;copper&lt;/em&gt;", "Chile copper"),
        (
            "atom-xhtml",
            "atom-xhtml",
            '<div xmlns="http://www.w3.org/1999/xhtml">Chile <b>copper</b></div>',
            "Chile copper",
        ),
        ("atom-default-type", "atom", "Q&amp;A: rates &lt; 2%", "Q&A: rates < 2%"),
        ("rdf-escaped-html", "rdf", "Lima &lt;i&gt;floods&lt;/i&gt;", "Lima floods"),
        ("atom03-escaped", "atom03", "Osaka &amp; Kobe", "Osaka & Kobe"),
    ]
    for label, builder, title_xml, expected in cases:
        items = c.items(2)
        items[0].title_xml = title_xml
        items[0].title = expected
        if builder == "atom-xhtml":  # the second entry's title must be XHTML too
            xhtml = escape(items[1].title)
            items[1].title_xml = f'<div xmlns="http://www.w3.org/1999/xhtml">{xhtml}</div>'
        data = {
            "rss": rss,
            "rdf": rdf,
            "atom": atom,
            "atom-text": partial(atom, title_type="text"),
            "atom-html": partial(atom, title_type="html"),
            "atom-xhtml": partial(atom, title_type="xhtml"),
            "atom03": atom03,
        }[builder](items)
        issue = {"known_issue": {"titles": TITLE_ISSUES[label]}} if label in TITLE_ISSUES else {}
        c.add("html", label, "xml", data.encode(), "entries", titles=titles(items), **issue)
    # HTML entities are not XML entities: the document is not well-formed, but readable.
    items = c.items(2)
    items[0].title_xml = "Caf&eacute; &mdash; news"
    c.add("html", "html-entities-in-xml", "xml", rss(items).encode(), "entries", count=2)


def xml_base(c: Corpus) -> None:
    """Relative links: resolved against xml:base where there is one."""
    items = c.items(3)
    for n, item in enumerate(items):
        item.link = f"story-{n}.html"
    c.add(
        "xml-base",
        "atom-feed-base",
        "atom",
        atom(items, base="https://base.example/news/").encode(),
        "entries",
        titles=titles(items),
        links=[f"https://base.example/news/story-{n}.html" for n in range(3)],
    )
    items = c.items(2)
    items[0].link, items[1].link = "../up.html", "/root.html"
    c.add(
        "xml-base",
        "atom-dot-dot",
        "atom",
        atom(items, base="https://base.example/a/b/").encode(),
        "entries",
        titles=titles(items),
        links=["https://base.example/a/up.html", "https://base.example/root.html"],
    )
    items = c.items(2)
    items[0].link = "x.html"
    items[0].extra = ""
    data = atom(items, base="https://base.example/feed/").replace(
        "<entry>", '<entry xml:base="https://other.example/entry/">', 1
    )
    c.add(
        "xml-base",
        "atom-entry-base",
        "atom",
        data.encode(),
        "entries",
        titles=titles(items),
        links=["https://other.example/entry/x.html", items[1].link],
    )
    items = c.items(2)
    items[0].link = "news/1.html"
    c.add(
        "xml-base",
        "rss-root-base",
        "xml",
        rss(items, root_attrs='xml:base="https://rss.example/"').encode(),
        "entries",
        titles=titles(items),
        links=["https://rss.example/news/1.html", items[1].link],
    )
    # No base: a relative link cannot be resolved and is not a web link; the text remains.
    items = c.items(2)
    items[0].link = "/news/relative.html"
    c.add(
        "xml-base",
        "rss-relative-no-base",
        "xml",
        rss(items).encode(),
        "entries",
        titles=titles(items),
        links=[None, items[1].link],
    )
    items = c.items(2)
    items[0].link = "javascript:alert(1)"
    c.add(
        "xml-base",
        "rss-javascript-link",
        "xml",
        rss(items).encode(),
        "entries",
        titles=titles(items),
        links=[None, items[1].link],
    )


# (date text, expected UTC instant or None, lenient, known issue)
DATES: list[tuple[str, str | None, bool, str | None]] = [
    # RFC 822 / 2822, with and without the day name, every kind of zone.
    ("Mon, 03 Mar 2025 10:00:00 GMT", "2025-03-03T10:00:00+00:00", False, None),
    ("03 Mar 2025 10:00:00 GMT", "2025-03-03T10:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 +0300", "2025-03-03T07:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 -0930", "2025-03-03T19:30:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 +0530", "2025-03-03T04:30:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 EST", "2025-03-03T15:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 EDT", "2025-03-03T14:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 CST", "2025-03-03T16:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 MST", "2025-03-03T17:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 PST", "2025-03-03T18:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 PDT", "2025-03-03T17:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 Z", "2025-03-03T10:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 UT", "2025-03-03T10:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00 UTC", "2025-03-03T10:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025 10:00:00", "2025-03-03T10:00:00+00:00", True, None),
    ("mon, 03 mar 2025 10:00:00 gmt", "2025-03-03T10:00:00+00:00", False, None),
    ("Mon, 3 Mar 2025 10:00 GMT", "2025-03-03T10:00:00+00:00", False, None),
    ("Mon, 03 Mar 25 10:00:00 GMT", "2025-03-03T10:00:00+00:00", False, None),
    ("Wed, 03 Mar 99 10:00:00 GMT", "1999-03-03T10:00:00+00:00", False, None),
    ("Mon, 03 Mar 2025", "2025-03-03T00:00:00+00:00", False, None),
    ("03 Mar 2025", "2025-03-03T00:00:00+00:00", False, None),
    ("Tue, 03 Mar 2025 10:00:00 GMT", "2025-03-03T10:00:00+00:00", False, None),  # wrong weekday
    ("Thu, 29 Feb 2024 23:59:59 +0000", "2024-02-29T23:59:59+00:00", False, None),
    # ISO 8601 and W3CDTF.
    ("2025-03-03T10:00:00Z", "2025-03-03T10:00:00+00:00", False, None),
    ("2025-03-03T10:00:00z", "2025-03-03T10:00:00+00:00", True, None),
    ("2025-03-03T10:00:00+05:30", "2025-03-03T04:30:00+00:00", False, None),
    ("2025-03-03T10:00:00-08:00", "2025-03-03T18:00:00+00:00", False, None),
    ("2025-03-03T10:00:00.123456-08:00", "2025-03-03T18:00:00+00:00", False, None),
    ("2025-03-03T10:00:00.5Z", "2025-03-03T10:00:00+00:00", False, None),
    ("2025-03-03T10:00Z", "2025-03-03T10:00:00+00:00", False, None),
    (
        "2025-03-03T10:00:00+0530",
        "2025-03-03T04:30:00+00:00",
        True,
        "ISO offset without a colon: feedparser reads +0530 as +05:00",
    ),
    ("2025-03-03 10:00:00", "2025-03-03T10:00:00+00:00", False, None),
    ("2025-03-03T10:00:00", "2025-03-03T10:00:00+00:00", False, None),
    ("2025-03-03", "2025-03-03T00:00:00+00:00", False, None),
    ("2025-03", "2025-03-01T00:00:00+00:00", True, None),
    ("2025", "2025-01-01T00:00:00+00:00", True, None),
    ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00+00:00", False, None),
    # Basic-format ISO 8601: feedparser keeps the day and drops the time, so newsbeam,
    # seeing no "HH:MM", keeps the day alone (right, if less than was written).
    ("20250303T100000Z", "2025-03-03T10:00:00+00:00", True, None),
    (
        "2025-062",
        "2025-03-03T00:00:00+00:00",
        True,
        "ISO ordinal date: feedparser reads day 062 of 2025 as 1 June",
    ),
    (
        "2025-W10-1",
        "2025-03-03T00:00:00+00:00",
        True,
        "ISO week date: feedparser reads it as 1 November",
    ),
    # Localized and unusual: the right date or none, never a wrong one.
    ("Mo, 03 Mär 2025 10:00:00 +0100", "2025-03-03T09:00:00+00:00", True, None),
    ("lundi 3 mars 2025 10:00", "2025-03-03T10:00:00+00:00", True, None),
    ("3 марта 2025 г.", "2025-03-03T00:00:00+00:00", True, None),
    (
        "2025年3月3日 10:00",
        "2025-03-03T10:00:00+00:00",
        True,
        None,
    ),
    (
        "2025년 3월 3일",
        "2025-03-03T00:00:00+00:00",
        True,
        None,
    ),
    ("Monday, March 3, 2025 10:00 AM", "2025-03-03T10:00:00+00:00", True, None),
    ("3/3/2025", "2025-03-03T00:00:00+00:00", True, None),
    ("03.03.2025 10:00", "2025-03-03T10:00:00+00:00", True, None),
    ("Mon, 03 Mar 2025 10:00:00 +05", "2025-03-03T05:00:00+00:00", True, None),
    (
        "Mon, 03 Mar 2025 10:00:00 CEST",
        "2025-03-03T08:00:00+00:00",
        True,
        "unknown zone abbreviation: feedparser reads CEST as UTC",
    ),
    # Garbage: no date.
    ("yesterday", None, False, None),
    ("not a date at all", None, False, None),
    ("0", None, False, None),
    ("-1", None, False, None),
    ("NaN", None, False, None),
    ("Mon, 32 Foo 2025 25:61:00 +9999", None, False, None),
    ("Sat, 29 Feb 2025 10:00:00 GMT", None, False, None),
    ("2025-02-30", None, False, "impossible day: feedparser rolls 30 February over to 2 March"),
    ("9999-99-99", None, False, "out-of-range month: feedparser reads 9999-99-99 as 9999-11-01"),
    ("Fri, 31 Dec 9999 23:59:59 -0100", None, False, None),
    (
        "2025-13-45T99:99:99Z",
        None,
        False,
        "out-of-range ISO fields: feedparser rolls them over to 1 January 2026",
    ),
    (
        "Mon, 01 Jan 0001 00:00:00 +0100",
        None,
        False,
        "year 1 east of UTC is before the calendar: feedparser reads the year as 100",
    ),
    ("   ", None, False, None),
]


def _as_read(text: str, expected: str | None) -> str | None:
    """A form without a time gives the day alone ("2025-03-03"), not midnight UTC; one
    without a day ("2025-03", "2025") gives no date."""
    if expected is None or re.search(r"\d{1,2}:\d{2}", text):
        return expected
    return None if re.fullmatch(r"\s*\d{4}(?:-\d{2})?\s*", text) else expected[:10]


def dates(c: Corpus) -> None:
    """Each date form in one RSS 2.0 file and one Atom file; RDF dc:date for ISO forms."""
    for number, (text, expected, lenient, issue) in enumerate(DATES):
        expected = _as_read(text, expected)
        extra = {"lenient": lenient} if lenient else {}
        if issue:
            extra["known_issue"] = {"published": issue}
        for builder in ("rss", "atom") + (("rdf",) if text[:4].isdigit() else ()):
            items = c.items(1)
            items[0].date = text
            data = {"rss": rss, "atom": atom, "rdf": rdf}[builder](items)
            c.add(
                "date",
                f"{number:02d}-{builder}",
                "xml",
                data.encode(),
                "entries",
                titles=titles(items),
                published=[expected],
                **extra,
            )
    items = c.items(2)
    items[0].date = items[1].date = None
    c.add(
        "date",
        "missing",
        "xml",
        rss(items).encode(),
        "entries",
        titles=titles(items),
        published=[None, None],
    )
    items = c.items(1)
    items[0].date = None
    items[0].extra = "<pubDate></pubDate>"
    c.add(
        "date",
        "empty-element",
        "xml",
        rss(items).encode(),
        "entries",
        titles=titles(items),
        published=[None],
    )


# (codec, declared name, title in a script the codec can hold)
ENCODINGS = [
    ("utf-8", "utf-8", "Zürich: “smart” quotes, ä ö ü, €, 東京, Ñandú 🌍"),
    ("utf-8-sig", "utf-8", "Bom: Ærøskøbing får ny færge"),
    ("iso-8859-1", "iso-8859-1", "Café déjà vu à Genève"),
    ("windows-1252", "windows-1252", "“Smart” quotes – and € prices"),
    ("windows-1251", "windows-1251", "Новости дня: Москва"),
    ("koi8-r", "KOI8-R", "Погода в Санкт-Петербурге"),
    ("shift_jis", "Shift_JIS", "東京のニュース：地震速報"),
    ("gb2312", "gb2312", "北京新闻：经济增长"),
    ("iso-8859-7", "iso-8859-7", "Ειδήσεις από την Αθήνα"),
    ("euc-kr", "euc-kr", "서울 뉴스 속보"),
]


def _encode(text: str, codec: str) -> bytes:
    if codec == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if codec == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(codec)


def encodings(c: Corpus) -> None:
    """Declared correctly: the exact title. Declared wrongly or not at all: no crash."""
    for codec, declared, title in ENCODINGS + [
        ("utf-16-le-bom", "utf-16", "UTF-16 LE: Ελλάδα, Россия, 日本"),
        ("utf-16-be-bom", "utf-16", "UTF-16 BE: Ελλάδα, Россия, 日本"),
        ("utf-16-le", "UTF-16LE", "UTF-16LE without BOM: Ωμέγα"),
        ("utf-16-be", "UTF-16BE", "UTF-16BE without BOM: Ωμέγα"),
    ]:
        for builder in ("rss", "atom"):
            items = c.items(2, ascii_only=True)
            items[0].title = title
            doc = {"rss": rss, "atom": atom}[builder](items, encoding=declared)
            c.add(
                "encoding",
                f"{codec}-{builder}",
                "xml",
                _encode(doc, codec),
                "entries",
                titles=titles(items),
            )
    # Latin-1 with no declaration: XML says UTF-8, the bytes say otherwise.
    items = c.items(2, ascii_only=True)
    items[0].title = "Café déjà vu, undeclared"
    c.add(
        "encoding",
        "latin1-undeclared",
        "xml",
        rss(items, encoding=None).encode("latin-1"),
        "entries",
        count=2,
    )
    wrong = [
        ("windows-1251", "utf-8", "Новости дня"),
        ("iso-8859-1", "utf-8", "Café déjà vu"),
        ("utf-8", "iso-8859-1", "Café déjà vu"),
        ("koi8-r", "windows-1251", "Погода в Москве"),
        ("shift_jis", "utf-8", "東京のニュース"),
        ("gb2312", "big5", "北京新闻"),
        ("utf-8", "utf-16", "Declared UTF-16, written UTF-8"),
        ("utf-16", "utf-8", "Declared UTF-8, written UTF-16"),
        ("utf-8", "x-no-such-encoding", "Unknown encoding name"),
        ("euc-kr", "shift_jis", "서울 뉴스"),
    ]
    for codec, declared, title in wrong:
        items = c.items(2, ascii_only=True)
        items[0].title = title
        doc = rss(items, encoding=declared)
        c.add("encoding", f"{codec}-declared-{declared}", "xml", doc.encode(codec), "any")
    # A UTF-8 BOM in front of a document declared as Latin-1.
    items = c.items(1, ascii_only=True)
    doc = rss(items, encoding="iso-8859-1")
    c.add(
        "encoding",
        "utf8-bom-declared-latin1",
        "xml",
        codecs.BOM_UTF8 + doc.encode(),
        "entries",
        count=1,
    )


def truncated(c: Corpus) -> None:
    """Well-formed feeds cut at random points, and at awkward ones; items wholly before
    the cut must be recovered."""
    for number in range(40):
        items = c.items(1 + number % 5)
        for item in items:
            item.title = item.title + " – Ωμέγα"  # multi-byte characters to cut through
        build = [rss, atom, rdf][number % 3]
        data = build(items).encode("utf-8")
        cut = c.rng.randrange(len(data))
        closing = {rss: b"</item>", atom: b"</entry>", rdf: b"</item>"}[build]
        whole = data[:cut].count(closing)
        c.add(
            "truncated",
            f"{number:02d}-at-{cut}",
            "xml",
            data[:cut],
            "any",
            recovered=titles(items)[:whole],
        )
    for label, marker, offset in [
        ("in-cdata", b"<![CDATA[", 12),
        ("in-entity", b"&amp;", 2),
        ("after-first-item", b"<item>", 0),
    ]:
        items = c.items(3)
        items[1].summary = None
        items[1].extra = "<description><![CDATA[<p>Some text</p>]]></description>"
        items[1].title = "Tom & Jerry"
        data = rss(items).encode()
        at = data.index(marker, data.index(b"</item>")) + offset
        c.add("truncated", label, "xml", data[:at], "any", recovered=titles(items)[:1])


def misencoded(c: Corpus) -> None:
    """UTF-8 feeds with bytes that are not UTF-8 spliced into their text."""
    for number in range(10):
        items = c.items(3)
        data = bytearray(rss(items).encode())
        start = data.index(b"<title>", data.index(b"<item>")) + 7
        for _ in range(1 + number % 4):
            data.insert(start + c.rng.randrange(10), c.rng.choice([0xFF, 0xC3, 0xE2, 0x80, 0xED]))
        c.add("misencoded", f"{number:02d}", "xml", bytes(data), "any")
    items = c.items(2)
    doc = rss(items).replace(items[0].title, items[0].title + " \udc80", 1)
    c.add("misencoded", "lone-surrogate", "xml", doc.encode("utf-8", "surrogatepass"), "any")
    items = c.items(2)
    doc = rss(items).encode()
    c.add("misencoded", "half-utf16", "xml", doc[:60] + rss(items).encode("utf-16-le")[120:], "any")


def malformed(c: Corpus) -> None:
    """Unclosed tags, bare `&`, invalid characters, wrong structure."""
    items = c.items(3)
    doc = rss(items)
    c.add("unclosed", "no-item-end", "xml", doc.replace("</item>", "", 1).encode(), "any")
    c.add(
        "unclosed",
        "no-channel-end",
        "xml",
        doc.replace("</channel></rss>", "").encode(),
        "entries",
        titles=titles(items),
    )
    c.add("unclosed", "title-never-closed", "xml", doc.replace("</title>", "", 1).encode(), "any")
    items = c.items(2)
    items[0].summary = None
    items[0].extra = "<description><p>An <b>unclosed paragraph<br></description>"
    c.add("unclosed", "html-in-description", "xml", rss(items).encode(), "any")
    items = c.items(2)
    c.add(
        "unclosed",
        "mismatched",
        "xml",
        rss(items).replace("</title>", "</titel>", 1).encode(),
        "any",
    )
    items = c.items(2)
    c.add(
        "unclosed",
        "atom-no-entry-end",
        "atom",
        atom(items).replace("</entry>", "", 1).encode(),
        "any",
    )
    items = c.items(2)
    c.add(
        "unclosed",
        "attribute-unquoted",
        "xml",
        rss(items).replace('isPermaLink="false"', "isPermaLink=false").encode(),
        "any",
    )
    items = c.items(2)
    c.add("unclosed", "two-roots", "xml", (rss(items) + rss(c.items(1))).encode(), "any")

    # A bare `&` is not XML; the fallback parser reads the text, which must stay as written.
    amp_issue = "feedparser's fallback parser ends a bare & word with ';': AT&T becomes AT&T;"
    for number, (raw, title, issue) in enumerate(
        [
            ("AT&T and P&G", "AT&T and P&G", amp_issue),
            ("Fish & Chips", "Fish & Chips", None),
            ("Q&A: rates", "Q&A: rates", amp_issue),
            ("R&D &c.", "R&D &c.", amp_issue),
            ("&nbsp;&copy; 2025", "© 2025", None),
        ]
    ):
        items = c.items(2)
        items[0].title_xml, items[0].title = raw, title
        known = {"known_issue": {"titles": issue}} if issue else {}
        c.add(
            "bare-amp",
            f"{number}",
            "xml",
            rss(items).encode(),
            "any",
            titles=titles(items),
            **known,
        )
    items = c.items(2)
    items[0].link = "https://news.example/a?x=1&y=2"
    doc = rss(items).replace("x=1&amp;y=2", "x=1&y=2")
    c.add(
        "bare-amp",
        "in-link",
        "xml",
        doc.encode(),
        "any",
        titles=titles(items),
        links=[items[0].link, items[1].link],
    )

    invalid = ["\x01", "\x0b", "\x1b[31m", "\x00", "\ufffe", "\uffff", "\x7f\x85", "\u2028"]
    for number, char in enumerate(invalid):
        items = c.items(2)
        items[0].title = f"Invalid {char} character"
        doc = rss(items)
        c.add("invalid-chars", f"{number}", "xml", doc.encode("utf-8"), "any")
    items = c.items(2)
    c.add(
        "invalid-chars",
        "char-ref-to-nul",
        "xml",
        rss(items).replace(escape(items[0].title), "Bad &#0; ref &#xD800;").encode(),
        "any",
    )
    # Character references to no character at all: surrogates, beyond U+10FFFF, huge.
    for number, ref in enumerate(
        ["&#xD800;", "&#xDFFF;", "&#1114112;", "&#x110000;", "&#99999999999;", "&#-1;", "&#xFFFE;"]
    ):
        items = c.items(2)
        items[0].title_xml = f"Bad {ref} reference"
        c.add("invalid-chars", f"char-ref-{number}", "xml", rss(items).encode(), "any")


LOL = "".join(f'<!ENTITY l{n + 1} "' + f"&l{n};" * 10 + '">' for n in range(9))


def entities(c: Corpus) -> None:
    """Entity expansion (billion laughs) and external entities (XXE): nothing is fetched
    or read from disk, and nothing explodes."""
    for depth in (3, 5, 9):
        entity = f"l{depth}"
        doctype = f'<!DOCTYPE rss [<!ENTITY l0 "lol">{LOL[: LOL.index(f"<!ENTITY l{depth + 1} ")] if depth < 9 else LOL}]>\n'
        items = c.items(2)
        items[0].summary = None
        items[0].extra = f"<description>&{entity};</description>"
        c.add(
            "entities",
            f"billion-laughs-depth-{depth}",
            "xml",
            rss(items, doctype=doctype).encode(),
            "any",
        )
    items = c.items(1)
    items[0].title_xml = "&big;&big;&big;&big;&big;&big;&big;&big;&big;&big;"
    doctype = f'<!DOCTYPE rss [<!ENTITY big "{"x" * 2000}">]>\n'
    c.add("entities", "quadratic-blowup", "xml", rss(items, doctype=doctype).encode(), "any")
    xxe = [
        ("system-file", '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
        ("system-relative", '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "/etc/passwd">]>'),
        ("public", '<!DOCTYPE rss [<!ENTITY xxe PUBLIC "-//X//Y" "file:///etc/passwd">]>'),
        (
            "parameter",
            '<!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;<!ENTITY xxe "x">]>',
        ),
        ("external-dtd", '<!DOCTYPE rss SYSTEM "file:///etc/passwd">'),
        ("network", '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/xxe">]>'),
        (
            "php-filter",
            "<!DOCTYPE rss [<!ENTITY xxe SYSTEM "
            '"php://filter/convert.base64-encode/resource=/etc/passwd">]>',
        ),
    ]
    for label, doctype in xxe:
        for builder in ("rss", "atom"):
            items = c.items(2)
            items[0].title_xml = "Leak: &xxe; end" if "xxe" in doctype else "No entity"
            items[0].summary = None
            items[0].extra = (
                (
                    "<description>&xxe;</description>"
                    if builder == "rss"
                    else "<summary>&xxe;</summary>"
                )
                if "ENTITY xxe" in doctype
                else ""
            )
            doc = rss(items) if builder == "rss" else atom(items)
            doc = doc.replace("?>\n", "?>\n" + doctype + "\n", 1)
            if builder == "atom":
                doc = doc.replace("<!DOCTYPE rss", "<!DOCTYPE feed")
            c.add("xxe", f"{label}-{builder}", "xml", doc.encode(), "any")
    items = c.items(1)
    items[0].extra = (
        '<content:encoded xmlns:xi="http://www.w3.org/2001/XInclude">'
        '<xi:include href="file:///etc/passwd" parse="text"/></content:encoded>'
    )
    c.add("xxe", "xinclude", "xml", rss(items, namespaces=ALL_NS).encode(), "any")
    items = c.items(1)
    items[0].extra = (
        '<content:encoded><![CDATA[<iframe src="file:///etc/passwd"></iframe>'
        '<img src="file:///etc/passwd"><object data="file:///etc/passwd"></object>]]>'
        "</content:encoded>"
    )
    c.add(
        "xxe",
        "html-embeds",
        "xml",
        rss(items, namespaces=ALL_NS).encode(),
        "entries",
        titles=titles(items),
    )


def not_feeds(c: Corpus) -> None:
    """Empty files, binary junk, HTML pages and other XML where a feed was expected."""
    c.add("empty", "zero-bytes", "xml", b"", "feed_unparseable")
    c.add("empty", "whitespace", "xml", b"  \n\t\r\n  ", "feed_unparseable")
    c.add("empty", "bom-only", "xml", codecs.BOM_UTF8, "feed_unparseable")
    c.add(
        "empty",
        "declaration-only",
        "xml",
        b'<?xml version="1.0" encoding="utf-8"?>\n',
        "feed_unparseable",
    )
    c.add("empty", "utf16-bom-only", "xml", codecs.BOM_UTF16_LE, "feed_unparseable")
    for size in (1, 16, 512, 4096):
        c.add("binary", f"random-{size}", "bin", c.rng.randbytes(size), "feed_unparseable")
    c.add("binary", "png", "png", b"\x89PNG\r\n\x1a\n" + c.rng.randbytes(200), "feed_unparseable")
    c.add(
        "binary",
        "pdf",
        "pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + c.rng.randbytes(200),
        "feed_unparseable",
    )
    c.add("binary", "nul-filled", "xml", b"\x00" * 300, "feed_unparseable")
    # Beam's FileSystems.open decompresses `.gz` by its name: the batch reader sees the feed.
    items = c.items(2)
    c.add(
        "binary",
        "gzipped-feed",
        "xml.gz",
        gzip.compress(rss(items).encode(), mtime=0),
        "entries",
        titles=titles(items),
    )
    c.add(
        "binary",
        "random-after-declaration",
        "xml",
        b'<?xml version="1.0"?>\n' + c.rng.randbytes(300),
        "feed_unparseable",
    )
    pages = {
        "homepage": (
            "<!DOCTYPE html><html><head><title>Example News</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
            "<body><h1>Example News</h1><article><h2><a href='/a'>Story</a></h2><p>Text.</p>"
            "</article></body></html>"
        ),
        "404": "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
        "xhtml": (
            '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
            "<head><title>Page</title></head><body><p>item title link</p></body></html>"
        ),
        "cloudflare-challenge": (
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
            "<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
        ),
        "json-feed": '{"version": "https://jsonfeed.org/version/1", "title": "JSON", "items": []}',
        "plain-text": "This is not a feed.\nJust some text.\n",
    }
    for label, page in pages.items():
        ext = {"json-feed": "json", "plain-text": "txt"}.get(label, "html")
        c.add("not-a-feed", label, ext, page.encode(), "feed_unparseable")
    other_xml = {
        "sitemap": (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://news.example/a</loc></url></urlset>"
        ),
        "svg": '<svg xmlns="http://www.w3.org/2000/svg"><title>Chart</title><rect/></svg>',
        "opml": (
            '<?xml version="1.0"?><opml version="2.0"><head><title>Subs</title></head><body>'
            '<outline text="Wire" xmlUrl="https://news.example/feed.xml"/></body></opml>'
        ),
    }
    for label, doc in other_xml.items():
        c.add("not-a-feed", label, "xml", doc.encode(), "feed_unparseable")


def empty_feeds(c: Corpus) -> None:
    """Feeds that are valid but hold nothing to read."""
    c.add("zero-items", "rss20", "xml", rss([]).encode(), "feed_empty")
    c.add("zero-items", "rss091", "rss", rss([], version="0.91").encode(), "feed_empty")
    c.add("zero-items", "rdf", "rdf", rdf([]).encode(), "feed_empty")
    c.add("zero-items", "atom10", "atom", atom([]).encode(), "feed_empty")
    c.add("zero-items", "atom03", "atom", atom03([]).encode(), "feed_empty")
    # Items with neither a link nor text are inputs all the same: each becomes an entry,
    # which the fetch stage rejects (`no_text`); the feed is not empty.
    hollow = [Item(title="Only a title"), Item(title=None), Item(title="Another title")]
    c.add(
        "zero-items",
        "items-without-link-or-text",
        "xml",
        rss(hollow).encode(),
        "entries",
        titles=["Only a title", None, "Another title"],
    )
    c.add(
        "zero-items",
        "atom-entries-without-link-or-text",
        "atom",
        atom([Item(title="Title only", guid="g1")]).encode(),
        "entries",
        titles=["Title only"],
    )


def duplicates(c: Corpus) -> None:
    """Repeated guids: every item is parsed, and a poll emits every item (each an input;
    items that are the same become duplicates downstream)."""
    groups = []
    items = c.items(3)
    for item in items:
        item.guid = "same-guid"
    groups.append(("three-same", "xml", rss, items))
    items = c.items(4)
    items[2].guid = items[0].guid
    groups.append(("one-repeat", "xml", rss, items))
    items = c.items(2)
    items.append(Item(**items[0].__dict__))
    groups.append(("item-repeated", "xml", rss, items))
    items = c.items(3)
    for item in items:
        item.guid = "same"
    groups.append(("atom-same-id", "atom", atom, items))
    for label, ext, build, items in groups:
        kept = [i.title for i in items]
        c.add(
            "duplicate-guids",
            label,
            ext,
            build(items).encode(),
            "entries",
            titles=kept,
            items=len(items),
        )


def odd_but_valid(c: Corpus) -> None:
    """Credentials in links, deep nesting, long text, many items, comments and PIs."""
    items = c.items(3)
    items[0].link = "https://bob:s3cret@news.example/private/1"
    items[1].link = "http://user@news.example/2?utm_source=rss"
    c.add(
        "credentials",
        "in-links",
        "xml",
        rss(items).encode(),
        "entries",
        titles=titles(items),
        links=[
            "https://news.example/private/1",
            "http://news.example/2?utm_source=rss",
            items[2].link,
        ],
    )
    items = c.items(1)
    items[0].summary = None
    items[0].extra = (
        "<description>" + escape("<div>" * 3000 + "deep" + "</div>" * 3000) + "</description>"
    )
    c.add("deep-nesting", "html-divs", "xml", rss(items).encode(), "entries", titles=titles(items))
    items = c.items(1)
    items[0].extra = "".join(f"<x{n}>" for n in range(500)) + "".join(
        f"</x{n}>" for n in reversed(range(500))
    )
    c.add(
        "deep-nesting", "xml-elements", "xml", rss(items).encode(), "entries", titles=titles(items)
    )
    items = c.items(60)
    for item in items:
        item.summary = None
    c.add("many-items", "sixty", "xml", rss(items).encode(), "entries", titles=titles(items))
    items = c.items(1)
    items[0].summary = "Long text. " * 2000
    c.add("long-text", "twenty-kb", "xml", rss(items).encode(), "entries", titles=titles(items))
    items = c.items(2)
    doc = rss(items).replace("<item>", "<!-- a comment <item> --><?pi data?><item>", 1)
    c.add(
        "comments",
        "and-processing-instructions",
        "xml",
        doc.encode(),
        "entries",
        titles=titles(items),
    )
    items = c.items(2)
    doc = rss(items).replace("<rss ", "<!-- leading comment -->\n<rss ", 1)
    c.add("comments", "before-root", "xml", ("\n\n  " + doc).encode(), "any", count=2)


def build() -> Corpus:
    corpus = Corpus(SEED)
    for group in (
        formats,
        namespaces,
        html_titles,
        xml_base,
        dates,
        encodings,
        truncated,
        misencoded,
        malformed,
        entities,
        not_feeds,
        empty_feeds,
        duplicates,
        odd_but_valid,
    ):
        group(corpus)
    return corpus


def main() -> None:
    corpus = build()
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    CORPUS.mkdir(parents=True)
    manifest = {}
    for case in corpus.cases:
        (CORPUS / case.name).write_bytes(case.data)
        manifest[case.name] = {"kind": case.kind, "outcome": case.outcome, **case.expect}
    MANIFEST.write_text(
        json.dumps({"seed": SEED, "files": manifest}, indent=1, ensure_ascii=False, sort_keys=True)
        + "\n",
        encoding="utf-8",
    )
    total = sum(len(case.data) for case in corpus.cases)
    print(f"wrote {len(corpus.cases)} files, {total:,} bytes, to {CORPUS}")


if __name__ == "__main__":
    main()
