"""Dates written with month names in any of the languages of `data/date_names.tsv`.

feedparser reads only English RFC 2822 dates, so "Seg, 24 Set 2018 10:00:00 -0300" from a
Brazilian feed came out as no date at all. The names come from CLDR (the generator is
tests/data/dates/make_date_names.py). A name that means different months in different
languages ("listopad" is November in Polish and October in Croatian) counts only with the
feed's or page's language, or when it is English.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import cache
from importlib import resources

__all__ = [
    "CJK_DAY",
    "all_names",
    "full_names",
    "month_names",
    "month_number",
    "parse_written_date",
]

_TOKEN = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?|[+-]\d{2}(?::?\d{2})?\b|\d+|[^\W\d_]+(?:-[^\W\d_]+)?"
)
_ZONES = {"gmt": 0, "utc": 0, "ut": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
          "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "cet": 1, "cest": 2, "bst": 1}  # fmt: skip


@cache
def _rows() -> tuple[tuple[str, str, int, str], ...]:
    """(language, kind, number, name) of each line of `data/date_names.tsv`."""
    text = resources.files(__package__).joinpath("data/date_names.tsv").read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines()[1:])
    return tuple((language, kind, int(number), name) for language, kind, number, name in rows)


@cache
def _names() -> dict[str, dict[str, int]]:
    """name -> {language: month number}."""
    table: dict[str, dict[str, int]] = {}
    for language, kind, number, name in _rows():
        if kind == "month":
            table.setdefault(name, {})[language] = number
    return table


@cache
def full_names(kind: str, language: str) -> frozenset[str]:
    """The names of months or weekdays (`kind`: "month", "weekday") in full in one
    language, casefolded: the longest of the table's names for each ("may", "june";
    not "jun")."""
    longest: dict[int, str] = {}
    for row_language, row_kind, number, name in _rows():
        if (row_language, row_kind) == (language, kind):
            longest[number] = max(longest.get(number, ""), name, key=len)
    return frozenset(longest.values())


@cache
def all_names(kind: str, language: str) -> frozenset[str]:
    """Every name of months or weekdays (`kind`) in one language, full and abbreviated,
    casefolded ("may", "apr", "sept")."""
    return frozenset(
        name
        for row_language, row_kind, _, name in _rows()
        if (row_language, row_kind) == (language, kind)
    )


@cache
def month_names() -> frozenset[str]:
    """Every month name and abbreviation known, casefolded."""
    return frozenset(_names())


def month_number(word: str, language: str | None = None) -> int | None:
    """The month a name or abbreviation stands for, None when unknown or ambiguous."""
    meanings = _names().get(word.casefold().rstrip("."))
    if not meanings:
        return None
    if language and language in meanings:
        return meanings[language]
    if "en" in meanings:
        return meanings["en"]
    numbers = set(meanings.values())
    return numbers.pop() if len(numbers) == 1 else None


# Chinese, Japanese and Korean write the day with unit signs: "2025年3月3日 10:00",
# "2025년 3월 3일"; a clock time may follow (after a weekday or 오전/午前, taken as written).
CJK_DAY = re.compile(
    r"((?:19|20)\d{2})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
    r"(?:[^\d:]{0,8}?(\d{1,2}):(\d{2}))?"
)


def parse_written_date(text: str, language: str | None = None) -> datetime | date | None:
    """ "Seg, 24 Set 2018 10:00:00 -0300", "10 July 2020", "July 10, 2020 at 5:30",
    "2025年3月3日 10:00" -> a datetime (with its offset, when one is written) or a date; None
    when no day, month name (or CJK unit signs) and four-digit year are found. Weekday
    names and other words are skipped."""
    cjk = CJK_DAY.search(text)
    if cjk is not None:
        return _cjk_date(cjk)
    day = month = year = None
    clock: list[int] | None = None
    offset: timedelta | None = None
    for token in _TOKEN.findall(text):
        lowered = token.casefold()
        if ":" in token and token[0].isdigit():
            clock = [int(part) for part in token.split(":")] + [0]
        elif token[0] in "+-" and clock is not None:  # "+05", "-0300", "+01:00"
            digits = token[1:].replace(":", "")
            sign = -1 if token[0] == "-" else 1
            offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        elif token[0] in "+-":  # "2018-09-24": a hyphen, not an offset
            continue
        elif token.isdigit():
            if len(token) == 4 and year is None:
                year = int(token)
            elif len(token) <= 2 and day is None:
                day = int(token)
        elif lowered in _ZONES and clock is not None:
            offset = timedelta(hours=_ZONES[lowered])
        elif month is None:
            month = month_number(lowered, language)
    if None in (day, month, year):
        return None
    try:
        if clock is None:
            return date(year, month, day)
        tz = timezone(offset) if offset is not None else None
        return datetime(year, month, day, clock[0], clock[1], clock[2], tzinfo=tz)
    except ValueError:
        return None


def _cjk_date(match: re.Match) -> datetime | date | None:
    year, month, day = (int(part) for part in match.groups()[:3])
    try:
        if match.group(4) is None:
            return date(year, month, day)
        return datetime(year, month, day, int(match.group(4)), int(match.group(5)))
    except ValueError:
        return None
