"""Article pages: main text and metadata with trafilatura, titles as the publisher wrote them.

trafilatura's title is often the `<title>` element with the site name glued on
("Reef survey finds recovery | Southern Cross Herald"). Publishers state the bare headline
in `og:title`, `twitter:title` or JSON-LD `headline`; those come first, and a site name
before or after the headline is removed from whatever is chosen.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import lxml.html
import trafilatura

from newsbeam.transforms.sources.page_authors import page_authors
from newsbeam.transforms.sources.page_dates import page_date
from newsbeam.transforms.sources.text_decoding import decode_text

__all__ = ["PageContent", "extract_page", "publisher_title", "strip_site_suffix"]

_SEPARATORS = r"\s+[|\-–—·•:»]\s+"
_UNICODE_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class PageContent:
    title: str | None
    text: str
    author: str | None
    published: str | None
    url: str | None
    language: str | None
    sitename: str | None
    date_source: str = "html_metadata"


# Not used for `published`: even without its extensive search htmldate takes a date-like
# number from the page's text ("updated 2024-01-03" in a footer); `page_dates` reads only
# what the page states as its date. Extensive search off keeps extraction cheaper.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}


def extract_page(html: str | bytes, url: str | None = None) -> PageContent | None:
    """Main text and metadata of an article page, or None when no main text is found."""
    if isinstance(html, bytes):
        html = decode_html(html)
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={**_DATE_PARAMS, "max_date": _today()},
    )
    if document is None or not (document.text or "").strip():
        return None
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        tree = None
    sitename = _outlet_name(
        document.sitename or (_meta(tree, "og:site_name") if tree is not None else None)
    )
    hostname = document.hostname or _linked_host(tree)
    title = publisher_title(tree, document.title, sitename, hostname)
    language = _html_lang(tree) or document.language
    found = page_date(tree, url or document.url, language)
    return PageContent(
        title=title,
        text=_drop_leading_title(document.text, title),
        author=page_authors(
            document.author,
            tree,
            html,
            language=language,
            sitename=document.sitename,
            hostname=hostname,
        ),
        published=found.value if found else None,
        url=_canonical_link(tree) or document.url or url,
        language=language,
        sitename=sitename,
        date_source=found.source if found else "html_metadata",
    )


_COPYRIGHT = re.compile(
    r"^(?:(?:©|\(c\))|copyright\s*(?=©|\(c\)|\d{4}))\s*(?:(?:©|\(c\))\s*)?"
    r"(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(?:by\s+)?",
    re.IGNORECASE,
)
_RIGHTS = re.compile(r"[\s.,]*all rights reserved[\s.]*$", re.IGNORECASE)


def _outlet_name(sitename: str | None) -> str | None:
    """The site name as an outlet: a URL or host given as the name is the host
    ("https://www.hawaiinewsnow.com", "www.liberation.fr" -> "hawaiinewsnow.com",
    "liberation.fr"); a copyright line names its holder ("© 2019 Hearst. All Rights
    Reserved." -> "Hearst"), or no one ("Copyright 2014")."""
    if not sitename:
        return None
    name = " ".join(sitename.split())
    if name.casefold().startswith(("http://", "https://")):
        return (urlsplit(name).hostname or "").removeprefix("www.") or None
    if name.casefold().startswith("www.") and " " not in name:
        return name[4:].rstrip("/") or None
    holder = _RIGHTS.sub("", _COPYRIGHT.sub("", name))
    return holder.strip(" .,") or None


def _today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def decode_html(data: bytes) -> str:
    """Decodes a page by its BOM, its declared charset, UTF-8, or detection, in that order.

    lxml guesses Latin-1 for bytes without a declaration, which turns "Māori" into "MÄ\x81ori".
    """
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared and not data.startswith(_UNICODE_BOMS):
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def publisher_title(
    tree, fallback: str | None, sitename: str | None, hostname: str | None = None
) -> str | None:
    """The headline as published: page metadata first, then trafilatura's guess where the
    page's `<title>` bears it out, else the `<title>` itself.

    trafilatura's guess is a heading of the page; where the `<title>` does not contain it,
    it is often a section's or the site's name ("Allergies Health Center" for a `<title>`
    "Babies Who Eat Peanuts Early May Avoid Allergy"), and the `<title>` is what the
    publisher called the page, unless it is shorter than the heading or only the site's
    name ("CNN", "Home", a `<title>` cut short)."""
    metadata = []
    page_title = None
    if tree is not None:
        metadata = [
            _meta(tree, "og:title"),
            _meta(tree, "twitter:title"),
            _jsonld(tree, "headline"),
        ]
        page_title = _text(tree, "//title")
    for candidate in metadata:
        if headline := _headline(candidate, sitename, hostname):
            return headline
    title = _headline(page_title, sitename, hostname)
    if title and _title_outweighs(title, page_title, fallback, sitename, hostname):
        return title
    return _headline(fallback, sitename, hostname) or title


def _headline(candidate: str | None, sitename: str | None, hostname: str | None) -> str | None:
    """The candidate with its spaces collapsed and the site's name removed; None if blank."""
    if not candidate or not candidate.strip():
        return None
    return strip_site_suffix(" ".join(candidate.split()), sitename, hostname)


def _title_outweighs(
    title: str, page_title: str, heading: str | None, sitename: str | None, hostname: str | None
) -> bool:
    """Whether the `<title>` (`title`: without the site's name) names the page better than
    the heading: it does not contain the heading, has words of its own, and at least as
    many."""
    if not heading or _squashed(heading) in _squashed(page_title):
        return False
    squashed = _squashed(title)
    if not squashed or squashed in _site_names(sitename, hostname):
        return False
    return len(title.split()) >= len(heading.split())


def strip_site_suffix(title: str, sitename: str | None, hostname: str | None = None) -> str:
    """ "Headline | CNN" -> "Headline" when the part after the separator names the site,
    and "TechCrunch | Headline" -> "Headline" when the part before it is the site's name
    or domain (not any label of its host: "Politics - Senate passes bill" keeps its
    kicker). A name matches whatever its case, accents and punctuation ("Aktuálně.cz" is
    aktualne.cz), and by its Latin letters alone ("中央社 CNA" is cna)."""
    suffixes = _site_names(sitename, hostname)
    prefixes = _site_names(sitename, hostname, labels=False)
    parts = re.split(f"({_SEPARATORS})", title)
    while len(parts) >= 3 and _names_site(parts[-1], suffixes):
        parts = parts[:-2]
    while len(parts) >= 3 and _names_site(parts[0], prefixes):
        parts = parts[2:]
    stripped = "".join(parts).strip()
    return stripped or title


def _site_names(sitename: str | None, hostname: str | None, labels: bool = True) -> set[str]:
    """The site's name, host and domain ("aktualne.cz"), squashed; with `labels`, also the
    host's first and second-level labels ("edition.cnn.com": edition, cnn)."""
    names = {_squashed(name) for name in (sitename, hostname) if name}
    if hostname:
        parts = hostname.casefold().removeprefix("www.").split(".")
        names.add(_squashed(".".join(parts[-2:])))
        if labels:
            names.update(_squashed(label) for label in parts[:1] + parts[-2:-1])
    names.discard("")
    return names


def _names_site(part: str, names: set[str]) -> bool:
    squashed = _squashed(part)
    latin = re.sub(r"[^a-z0-9]", "", squashed)
    return squashed in names or (bool(latin) and latin in names)


def _squashed(name: str) -> str:
    """A name's letters and digits, casefolded, without accents: how a site is named."""
    letters = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in letters if ch.isalnum() and not unicodedata.combining(ch))


def _drop_leading_title(text: str, title: str | None) -> str:
    first, _, rest = text.partition("\n")
    if title and rest and first.strip().casefold() == title.casefold():
        return rest.lstrip("\n")
    return text


def _linked_host(tree) -> str | None:
    """The host most of the page's absolute links, images and scripts are on: where the
    page comes from when neither its address nor its metadata says ("... - Entermedia" of
    a page saved as a file, its images on entermedia.co.kr). Only the site's name is
    looked for with it; a page linking mostly elsewhere names no such host in its title."""
    if tree is None:
        return None
    hosts = Counter(
        host.removeprefix("www.")
        for link in tree.xpath("//a/@href | //img/@src | //script/@src | //link/@href")
        if link.startswith(("http://", "https://", "//"))
        and (host := (urlsplit(link if ":" in link else "http:" + link).hostname or ""))
    )
    top = hosts.most_common(2)
    if not top or (len(top) == 2 and top[0][1] == top[1][1]):
        return None
    return top[0][0]


def _meta(tree, name: str) -> str | None:
    for attribute in ("property", "name", "itemprop"):
        values = tree.xpath(f'//meta[@{attribute}="{name}"]/@content')
        if values and values[0].strip():
            return values[0].strip()
    return None


def _text(tree, xpath: str) -> str | None:
    nodes = tree.xpath(xpath)
    return nodes[0].text_content().strip() if nodes else None


def _jsonld(tree, key: str) -> str | None:
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get(key), str):
                return item[key]
    return None


def _canonical_link(tree) -> str | None:
    if tree is None:
        return None
    links = tree.xpath('//link[@rel="canonical"]/@href')
    return links[0].strip() if links and links[0].strip() else _meta(tree, "og:url")


def _html_lang(tree) -> str | None:
    if tree is None:
        return None
    lang = tree.xpath("/html/@lang")
    return lang[0].split("-")[0].lower() if lang and lang[0].strip() else None
