"""An article page's publication date, only from what the page itself states.

In order: published-date metadata (JSON-LD `datePublished`/`dateCreated`, including `@graph`
and lists; `article:published_time` and its og, itemprop, Dublin Core, Parse.ly and
Sailthru equivalents; `<time pubdate>`), a date in the URL path (`/2020/07/10/`), a
visible byline date (an element the page marks as its date, after the headline) or
dateline ("Published 10 July 2020"), and only then modified-date metadata.
Nothing is guessed from other numbers on the page: an undated page stays undated.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from newsbeam.transforms.sources.dates import parse_instant, parse_published
from newsbeam.transforms.sources.written_dates import parse_written_date

__all__ = ["PageDate", "page_date"]

# Meta names are compared casefolded: pages write "DC.Date.Issued", "publishDate".
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "datePublished", "dateCreated", "DC.date.issued", "dcterms.issued",
    "DC.date.created", "dcterms.created", "DC.date",
    "parsely-pub-date", "sailthru.date", "article.published", "publish-date", "pubdate",
    "publishdate", "OriginalPublicationDate", "citation_publication_date",
    "rnews:datePublished", "date",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "dateModified", "DC.date.modified",
    "dcterms.modified", "last-modified",
)  # fmt: skip
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/.\-_]|$)"
)
_URL_COMPACT = re.compile(r"/((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/.\-_]|$)")
# A day written as ISO 8601 on its own: not inside a path or a file name ("/2019-02-15-a.jpg").
_ISO_DAY = re.compile(
    r"(?<![\w/.-])(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\w/-])"
)
# Year first with dots or slashes, as Korean and Japanese bylines write it ("2019.03.04").
_YEAR_FIRST_DAY = re.compile(
    r"(?<![\w/.-])((?:19|20)\d{2})[./](0[1-9]|1[0-2])[./](0[1-9]|[12]\d|3[01])(?=$|[\s\])）])"
)  # two-digit month and day, then nothing or a time: "PyCharm 2019.3.1" is a version
_CDATA = re.compile(r"(?:/\*|//)?\s*<!\[CDATA\[|\]\]>\s*(?:\*/)?")
_DATELINE = re.compile(
    r"\b(?:published|posted|publicado|publicada|publié|veröffentlicht|publiziert|pubblicato"
    r"|gepubliceerd|기사입력|配信日|掲載日|投稿日|发布时间|發布時間|发布日期|發佈時間)"
    # "Posted by kovarex, TOGos, Ernestas, Albert on 2019-02-15": the authors, then the day
    # (possessive spaces: a long run of them must not make the lazy names backtrack).
    r"(?:\s++by\s++[^.:;\n]{1,80}?(?=\s++on\s))?"
    r"(?:\s+(?:on|am|le|el|em|il|op))?\s*[:：]?\s*(.{6,40})",
    re.IGNORECASE,
)


_LOWER_CLASS = (
    "translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
    "'abcdefghijklmnopqrstuvwxyz')"
)
_DATE_MARKED = "@itemprop='datePublished' or " + " or ".join(
    f"contains({_LOWER_CLASS}, '{word}')" for word in ("date", "publish", "posted")
)
_MARKED_DATE_ELEMENTS = 5
_MARKED_DATE_MAX_CHARS = 80
# An element saying it holds another date: an update, or a reference's access date.
_OTHER_DATE = re.compile(
    r"\b(?:updated?|modified|aktualisiert|mis à jour|atualizad[oa]|retrieved|accessed"
    r"|abgerufen|consulté|consultado)\b",
    re.IGNORECASE,
)


class PageDate(NamedTuple):
    """`value` is ISO 8601; `source` is `html_metadata`, `url` or `dateline`."""

    value: str
    source: str


def page_date(tree, url: str | None = None, language: str | None = None) -> PageDate | None:
    """The page's own publication date, else its modified date, else None."""
    metas = _meta_contents(tree) if tree is not None else {}
    published = _metadata_date(tree, metas, _PUBLISHED_META, ("datePublished", "dateCreated"))
    if published:
        return PageDate(published, "html_metadata")
    if tree is not None:
        for value in tree.xpath("//time[@pubdate]/@datetime"):
            if valid := _valid(value):
                return PageDate(valid, "html_metadata")
    # The canonical link's too: a syndicated copy (MSN's of CNN) is dated by its original.
    in_url = _url_date(url) or _url_date(_canonical_href(tree))
    if in_url:
        return PageDate(in_url, "url")
    dateline = _marked_date(tree, language) or _dateline(tree, language)
    if dateline:
        return PageDate(dateline, "dateline")
    modified = _metadata_date(tree, metas, _MODIFIED_META, ("dateModified",))
    return PageDate(modified, "html_metadata") if modified else None


def _valid(value: object) -> str | None:
    """The value as ISO 8601 when it is a date, else None; Unix seconds and ms count."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{10}|\d{13}", text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return _valid(datetime.fromtimestamp(seconds, UTC).isoformat())
    if parse_published(text) is not None:
        return text
    if numeric := _unambiguous_numeric_day(text):
        return _valid(numeric)
    written = parse_written_date(text)
    if isinstance(written, datetime) and written.tzinfo is None:
        written = written.date()
    return written.isoformat() if written is not None and _valid(written.isoformat()) else None


_NUMERIC_DAY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d{2})(?:[ T]\S.*)?")


def _unambiguous_numeric_day(text: str) -> str | None:
    """ "05/29/2007 09:49:00" as 2007-05-29: a day written in numbers only where one of
    its first two numbers cannot be a month; "05/06/2007" (May or June) stays unread."""
    match = _NUMERIC_DAY.fullmatch(text)
    if match is None:
        return None
    first, second, year = (int(part) for part in match.groups())
    if (first > 12) == (second > 12):
        return None
    month, day = (second, first) if first > 12 else (first, second)
    return _iso_day(year, month, day)


def _iso_day(year: int, month: int, day: int) -> str | None:
    """The day as ISO 8601, or None where there is no such day (30 February)."""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _metadata_date(
    tree, metas: dict[str, list[str]], names: tuple[str, ...], jsonld_keys: tuple[str, ...]
) -> str | None:
    """The first date the metadata states, by precedence; where it is written in UTC and
    another value states the same instant in the publisher's offset, that one, so that
    the publisher's day is kept (JSON-LD's "2017-02-24T01:18:13Z" is the
    "2017-02-23T17:18:13-08:00" of `article:published_time`, the 23rd in its newsroom)."""
    if tree is None:
        return None
    values = _metadata_values(tree, metas, names, jsonld_keys)
    first = next(values, None)
    instant = parse_instant(first) if first else None
    if instant is None or instant.utcoffset() != timedelta(0):
        return first
    for value in values:
        other = parse_instant(value)
        if other is not None and other.utcoffset() not in (None, timedelta(0)) and other == instant:
            return value
    return first


def _metadata_values(
    tree, metas: dict[str, list[str]], names: tuple[str, ...], jsonld_keys: tuple[str, ...]
):
    """Every valid date of the metadata, as ISO 8601, in order of precedence: JSON-LD's
    keys, then `<meta>` names (`metas`, the page's `_meta_contents`, read once for the
    published and the modified date) and microdata, then Parse.ly's."""
    for key in jsonld_keys:
        for value in _jsonld_values(tree, key):
            if valid := _valid(value):
                yield valid
    for name in names:
        for value in metas.get(name.casefold(), ()):
            if valid := _valid(value):
                yield valid
        # Microdata on the element itself: `<time itemprop=... datetime>`, and old
        # Blogger's `<abbr itemprop="datePublished" title="2016-12-06T06:33:00-08:00">`.
        for value in tree.xpath(
            f'//*[@itemprop="{name}"]/@datetime | //abbr[@itemprop="{name}"]/@title'
        ):
            if valid := _valid(value):
                yield valid
    if "parsely-pub-date" in names:
        for script in tree.xpath('//meta[@name="parsely-page"]/@content'):
            try:
                value = json.loads(script).get("pub_date")
            except (ValueError, AttributeError):
                continue
            if valid := _valid(value):
                yield valid


def _meta_contents(tree) -> dict[str, list[str]]:
    """Each `<meta>` content under its casefolded property, name, itemprop or http-equiv."""
    contents: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@content]"):
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attribute) or "").casefold()
            # An http-equiv "Date" is when the server sent the page, not when it was
            # published; only its "Last-Modified" says something of the page.
            if key and (attribute != "http-equiv" or key == "last-modified"):
                contents.setdefault(key, []).append(meta.get("content"))
    return contents


def _jsonld_values(tree, key: str):
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        # Some publishers wrap the JSON in CDATA markers ("<![CDATA[ ... ]]>", "//<![CDATA[").
        script = _CDATA.sub("", script)
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        yield from _walk(data, key)


def _walk(data, key: str):
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, key)
    elif isinstance(data, dict):
        value = data.get(key)
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))
        elif isinstance(value, str):
            yield value
        elif isinstance(value, int) and not isinstance(value, bool):
            yield str(value)
        yield from _walk(data.get("@graph"), key)
        yield from _walk(data.get("mainEntity"), key)


def _canonical_href(tree) -> str | None:
    links = tree.xpath('//link[@rel="canonical"]/@href') if tree is not None else []
    return links[0].strip() if links else None


def _url_date(url: str | None) -> str | None:
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url.split("?")[0].split("#")[0])
    match = _URL_DATE.search(path) or _URL_COMPACT.search(path)
    if not match:
        return None
    try:
        return _valid(date(*(int(part) for part in match.groups())).isoformat())
    except ValueError:
        return None


def _marked_date(tree, language: str | None) -> str | None:
    """The date in an element the page marks as its date, after its headline: an
    `itemprop="datePublished"` span, a class or id naming a publish, post or date
    ("article-publish-date", "storyDate", `abbr.published`), with the date in its text or
    its `datetime` attribute. Only the first few such elements after the first `<h1>`
    are read (a page without one: only those marked as published), so that a header's
    date of the day or a list of other articles further down never dates the page; an
    element saying it holds another date (updated, a reference retrieved) is passed over."""
    if tree is None:
        return None
    after_headline = tree.xpath("(//h1)[1]/following::*[" + _DATE_MARKED + "]")
    candidates = after_headline or tree.xpath(
        "//*[@itemprop='datePublished' or contains(" + _LOWER_CLASS + ", 'publish')]"
    )
    for element in candidates[:_MARKED_DATE_ELEMENTS]:
        text = " ".join(" ".join(element.itertext()).split())  # "<br>" parts stay apart
        marks = " ".join(element.xpath("./@class | ./@id | ./@name")).casefold()
        if len(text) > _MARKED_DATE_MAX_CHARS or _OTHER_DATE.search(text):
            continue
        if _marks_another_date(marks):
            continue
        # A hidden field the page names its published date: `<input type="hidden"
        # class="published_date" value=...>`; no other input (a search form's date picker).
        values = "./@datetime | .//time/@datetime"
        if "publish" in marks:
            values += " | self::input[@type='hidden']/@value"
        for value in element.xpath(values):
            if valid := _valid(value):
                return valid
        if text and (day := _written_day(text, language)):
            return day
    return None


def _marks_another_date(marks: str) -> bool:
    """A class, id or name that says the element holds another date than the page's
    publication: an update (`modified_date`, `dateModified`, `lastUpdated`), unless it says
    published too (hAtom's `published updated`), or a person's or event's date (hCard's
    `bday`, hCalendar's `dtstart`)."""
    if any(mark in marks for mark in ("bday", "dtstart", "dtend", "birth")):
        return True
    return any(mark in marks for mark in ("modif", "updat")) and "publish" not in marks


def _dateline(tree, language: str | None) -> str | None:
    """ "Published 10 July 2020", "Posted on July 10, 2020" or Korean "기사입력 :[
    2018-08-25 15:24 ]" in the page's visible text."""
    if tree is None:
        return None
    for node in tree.xpath("//body//*[not(self::script or self::style)]/text()"):
        for match in _DATELINE.finditer(str(node)):
            lead = match.group()[: match.start(1) - match.start()]
            if _OTHER_DATE.search(lead):  # "Posted by admin, last updated on 2021-05-06"
                continue
            if day := _written_day(match.group(1), language):
                return day
    return None


def _written_day(text: str, language: str | None) -> str | None:
    """The day a written date names ("November 19, 2019, 9:02 AM" -> "2019-11-19"; "on
    2019-02-15, all posts" -> "2019-02-15"), if it is a plausible publication day."""
    written = parse_written_date(text, language)
    if written is None:
        iso = _ISO_DAY.search(text)
        if iso:
            return _valid(iso.group())
        numeric = _YEAR_FIRST_DAY.search(text)
        day = numeric and _iso_day(*(int(part) for part in numeric.groups()))
        return _valid(day) if day else None
    day = written.date() if isinstance(written, datetime) else written
    return _valid(day.isoformat())
