"""What an article is about, as weighted terms: the words of its title and lead.

Stories are told in different words by different outlets; what they share is a few rare
words (names, places, the thing that happened). Terms are casefolded words without the
language's stop words and numbers, lightly stemmed in English so that "taper", "tapers"
and "tapering" meet. Title words weigh more than the lead's: a title says what the story
is, and a headline is all some feeds carry.

Words do not cross languages; `bridge_features` is what does: the persons and
organisations an article names (canonical), the places it names (as coordinates, the same
in every language) and its large numbers (without their locale's separators). The names and
places are terms as well (`with_entity_terms`): outlets that tell one event in their own
words still name the same people and places, and in every language alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from newsbeam.transforms.extract.multilingual_places import stop_words
from newsbeam.transforms.stories.story_index import ENTITY_TERM_KINDS

TITLE_WEIGHT = 2.0
ENTITY_WEIGHT = 2.0
"""A person, organisation or place the article names weighs as a title word. On the three
development sets (docs/stories.md, "Names and places as terms") 1 helped less; 3 helped
the pages a little more and the others about as much, and 4 fell below doing nothing on
the pages and headlines."""
LEAD_WORDS = 60
"""The lead: the first words of the text, where a news article says what happened."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ENGLISH_SUFFIXES = ("’s", "'s", "ing", "ies", "es", "s", "ed")
_MIN_STEM = 3
_NAME_LABELS = frozenset({"PERSON", "ORG"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,']\d+)*")
"""Digits, and groups of digits one separator apart: read whole, then judged
(`_whole_number`), so that "27.09.2020" is not read as 2709 and 2020."""
_SEPARATOR = re.compile(r"[ \u00a0\u202f.,']")
_MIN_NUMBER_DIGITS = 3
_MAX_PLAIN_DIGITS = 6


def story_terms(title: str, text: str = "", language: str = "en") -> Counter[str]:
    """Weighted terms of an article: title words count `TITLE_WEIGHT`, lead words one."""
    terms: Counter[str] = Counter()
    for term in _terms(title, language):
        terms[term] += TITLE_WEIGHT
    lead = " ".join(text.split()[:LEAD_WORDS])
    for term in _terms(lead, language):
        terms[term] += 1.0
    return terms


def with_entity_terms(terms: Mapping[str, float], features: Iterable[str]) -> dict[str, float]:
    """The terms and, at `ENTITY_WEIGHT`, the names and places among an article's
    `bridge_features` (its numbers stay bridges only: a count is shared by chance too often
    to weigh in every comparison)."""
    weighted = dict(terms)
    for feature in sorted(features):  # one order on every runner, whatever the hash seed
        if feature.startswith(ENTITY_TERM_KINDS):
            weighted[feature] = weighted.get(feature, 0.0) + ENTITY_WEIGHT
    return weighted


def _terms(text: str, language: str) -> list[str]:
    excluded = stop_words(language)
    words = (word.casefold() for word in _WORD.findall(text))
    kept = [word for word in words if word not in excluded and len(word) > 1]
    return [_stem(word) for word in kept] if language == "en" else kept


def _stem(word: str) -> str:
    """English words without an inflection's ending: "tapering" -> "taper"."""
    for suffix in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def bridge_features(title: str, text: str, entities: Iterable[Mapping]) -> frozenset[str]:
    """What an article shares with the same story told in another language: `n:` a person
    or organisation (canonical, casefolded), `p:` a place (its coordinates to a tenth of a
    degree), `#:` a number of three digits or more in the title or lead ("1,300", "1.300"
    and "1 300" alike), years left out (every article of a year has them)."""
    features = set()
    for entity in entities:
        if entity["label"] in _NAME_LABELS:
            features.add("n:" + entity["canonical"].casefold())
        elif entity["label"] in _PLACE_LABELS and entity.get("latitude") is not None:
            features.add(f"p:{entity['latitude']:.1f},{entity['longitude']:.1f}")
    lead = " ".join([title, *text.split()[:LEAD_WORDS]])
    for number in _NUMBER.findall(lead):
        # "1,300 2,000" is two numbers a space apart, not one in groups: each on its own.
        parts = [number] if _whole_number(number) is not None else number.split()
        for part in parts:
            digits = _whole_number(part)
            if digits and len(digits) >= _MIN_NUMBER_DIGITS and not _is_year(part):
                features.add("#:" + digits)
    return frozenset(features)


def _whole_number(text: str) -> str | None:
    """The digits of a whole number, written plain ("1300", six digits at most) or in
    groups of three after one separator throughout ("1,300", "1.300", "1 300",
    "2,000,000"); None for anything else: a decimal ("12.5"), a date ("27.09.2020"), a
    time, a phone number."""
    groups, separators = _SEPARATOR.split(text), set(_SEPARATOR.findall(text))
    if len(groups) == 1 and len(text) > _MAX_PLAIN_DIGITS:
        return None  # a phone number, an id: not a count
    if len(groups) > 1 and (
        len(separators) > 1 or not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])
    ):
        return None
    return "".join(groups).lstrip("0")


def _is_year(number: str) -> bool:
    """Written as a year is: four plain digits ("2020", not "2,020")."""
    return len(number) == 4 and number.isdigit() and 1900 <= int(number) <= 2100
