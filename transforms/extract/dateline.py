"""The dateline that opens a news report: "MOSCOW (Reuters) -", "ANAHEIM, Calif. —".

A dateline says where the reporting was done. When a story is as much about two
countries, it is the dateline's that the story belongs to (a Hong Kong markets report on
the US-China trade talks is Hong Kong's); when the event is elsewhere, the place of the
event still wins ("CAIRO — Gunmen opened fire on visitors at Tunisia's most renowned
museum" is Tunisia's). So a place in the dateline weighs more than another mention
(`DATELINE_WEIGHT`), without deciding alone.

Only the span is found here, by its shape: capitalised words (with at most two commas,
"Washington, DC, United States") at the very start of the body, then an agency in
parentheses (after the day and month in the agencies' style: "MOSCOU, 24 SET (ANSA) -",
"Madrid, 24 sep (EFE).-"), a dash or a colon. Whether those words are a place is for the gazetteer:
"JESSICA LIVINGSTON:" has the shape and names no place.
"""

from __future__ import annotations

import re

__all__ = ["DATELINE_WEIGHT", "dateline_span"]

DATELINE_WEIGHT = 2.0
"""A place in the dateline counts as two mentions of its country."""

_WORD = r"[^\W\d_][\w.'’&-]*"
_NAME = rf"{_WORD}(?:[ ]{_WORD}){{0,3}}"
_MONTH = r"[^\W\d_]{3,10}\.?"
_DAY_AND_MONTH = (
    rf",[ ](?:\d{{1,2}}[ ](?:de[ ])?(?P<month>{_MONTH})|(?P<month_first>{_MONTH})[ ]\d{{1,2}})[ ]*"
)
_DATELINE = re.compile(
    rf"(?P<place>(?=[^\W\d_])(?:{_NAME})(?:,[ ]{_NAME}){{0,2}})"
    r"[ ]*(?:"
    rf"(?:{_DAY_AND_MONTH})?"  # "MOSCOU, 24 SET (ANSA) -", "LONDON, Sept 24 (Reuters) -"
    r"\([^()\n]{1,40}\)[ ]*\.?(?:(?:—|–|--|-)[ ]*)?"  # "(Reuters) -", "(EFE).-"
    r"|(?:—|–|--|-)[ ]"  # "MADRID — "
    r"|:[ ]"  # "Washington, DC, United States: "
    r")"
)
_MAX_PLACE_CHARACTERS = 60


def _is_month(word: str) -> bool:
    """A month's name or abbreviation in one of the languages `written_dates` reads
    ("SET", "Sept.", "mai"): "Liverpool 3 (Salah 2)" has no month."""
    from newsbeam.transforms.sources.written_dates import month_names

    word = word.casefold().rstrip(".")
    return word in month_names()


def dateline_span(text: str) -> tuple[int, int] | None:
    """Where the place of a dateline at the start of `text` lies, or None.

    Every word of it starts with a capital: "Kara Swisher on Travis Kalanick:" is no
    dateline.
    """
    match = _DATELINE.match(text)
    if match is None:
        return None
    month = match.group("month") or match.group("month_first")
    if month and not _is_month(month):
        return None
    place = match.group("place")
    if len(place) > _MAX_PLACE_CHARACTERS:
        return None
    if any(not word[0].isupper() for word in re.split(r"[ ,]+", place) if word):
        return None
    return match.start("place"), match.end("place")
