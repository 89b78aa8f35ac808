"""What an article is about, as weighted terms: the words of its title and lead.

Stories are told in different words by different outlets; what they share is a few rare
words (names, places, the thing that happened). Terms are casefolded words without the
language's stop words and numbers, lightly stemmed in English so that "taper", "tapers"
and "tapering" meet. Title words weigh more than the lead's: a title says what the story
is, and a headline is all some feeds carry.
"""

from __future__ import annotations

import re
from collections import Counter

from newsbeam.transforms.extract.multilingual_places import stop_words

TITLE_WEIGHT = 2.0
LEAD_WORDS = 60
"""The lead: the first words of the text, where a news article says what happened."""

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ENGLISH_SUFFIXES = ("’s", "'s", "ing", "ies", "es", "s", "ed")
_MIN_STEM = 3


def story_terms(title: str, text: str = "", language: str = "en") -> Counter[str]:
    """Weighted terms of an article: title words count `TITLE_WEIGHT`, lead words one."""
    terms: Counter[str] = Counter()
    for term in _terms(title, language):
        terms[term] += TITLE_WEIGHT
    lead = " ".join(text.split()[:LEAD_WORDS])
    for term in _terms(lead, language):
        terms[term] += 1.0
    return terms


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
