"""Direct quotations and who said them, as GDELT's quotation extraction does.

A quotation is text between quote marks (straight or curly) of at least four words -- a
shorter one is usually a scare quote ("war crime"). Its speaker is the attribution next to
it: `"...", said Morgan Ortagus.`, `"...," Ortagus said.`, `Ortagus added, "..."`,
`"...," the UN statement read.` A speaker that names a person found in the article is given
that person's canonical name; otherwise the attribution as written ("UN leader's
spokesperson"). Unattributed quotations are left out: a quote without a speaker is not
what analysts query this list for, nor is a clause ("I almost wrote “...”").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsbeam.transforms.extract.word_lists import word_list

__all__ = ["find_quotes"]

_VERBS = (
    r"(?:said|says|added|adds|told|stated|noted|asked|wrote|read|reads|insisted|warned|"
    r"explained|declared|announced|pleaded|reckoned|informed|continued|argued|replied|"
    r"urged|stressed|tweeted|posted)"
)
# Straight and curly quotes are paired separately: a stray mark of one kind (real copy has
# “such“ mistakes) must not swallow a quotation marked with the other.
_QUOTES = (re.compile(r'"([^"\n]{10,800}?)"'), re.compile(r"“([^“”\n]{10,800}?)”"))
# An attribution stays in its quotation's paragraph: the next one's "In 1997, Elise wrote"
# attributes nothing before it.
_SPEAKER = r"[A-Za-z][^\"“”.;:!?\n]{0,60}?"
_SPACE = r"[^\S\n]"
_AFTER = re.compile(
    rf"^{_SPACE}*[,.]?{_SPACE}*"
    rf"(?:{_VERBS}\s+(?P<after_verb>{_SPEAKER})|(?P<before_verb>{_SPEAKER})\s+{_VERBS})"
    r"\s*(?:[.,;]|$)"
)
_BEFORE = re.compile(
    rf"(?P<speaker>[A-Z][^\"“”.;!?\n]{{0,60}}?)\s+{_VERBS}(?:\s+that)?{_SPACE}*[,:]?{_SPACE}*$"
)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_NOT_SPEAKER_OPENINGS = word_list("not_speaker_openings")
_TITLE_ABBREVIATIONS = word_list("title_abbreviations")
# A title's abbreviation ("Dr.") or a name's initial ("William J. Bratton") before a
# capitalised word: its dot ends no attribution.
_ABBREVIATED_TITLE = re.compile(
    rf"\b({'|'.join(sorted(_TITLE_ABBREVIATIONS, key=len, reverse=True))}|[A-Z])\.(?=\s+[A-Z])"
)
_MIN_WORDS = 4


def find_quotes(text: str, persons: Sequence[str] = ()) -> list[dict]:
    """[{"speaker": ..., "text": ...}] for each attributed direct quotation, in order."""
    quotes = []
    matches = sorted(
        (m for pattern in _QUOTES for m in pattern.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        quoted = " ".join(match.group(1).split()).strip(" ,")
        if len(quoted.split()) < _MIN_WORDS:
            continue
        speaker = _speaker_after(_undotted(text[match.end() : match.end() + 120]))
        if speaker is None:
            speaker = _speaker_before(_undotted(text[max(0, match.start() - 120) : match.start()]))
        if speaker:
            quotes.append({"speaker": _canonical(speaker, persons), "text": quoted})
    return quotes


def _speaker_after(following: str) -> str | None:
    found = _AFTER.match(following)
    if not found:
        return None
    return _clean(found.group("after_verb") or found.group("before_verb"))


def _speaker_before(preceding: str) -> str | None:
    found = _BEFORE.search(preceding)
    return _clean(found.group("speaker")) if found else None


def _undotted(attribution: str) -> str:
    """ "said Dr. Ashish Babhulkar" -> "said Dr Ashish Babhulkar", so that the speaker is
    the name and not the title alone."""
    return _ABBREVIATED_TITLE.sub(r"\1", attribution)


def _clean(speaker: str | None) -> str | None:
    if not speaker:
        return None
    speaker = " ".join(speaker.split()).strip(" ,")
    # "he", "she", "they" name nobody, nor does a clause ("I almost", "As the licence");
    # too long a clause is not an attribution.
    if _a_clause(speaker) and "," in speaker:  # "of the patients, Dempsey": the name is last
        speaker = speaker.rsplit(",", 1)[1].strip()
    if _a_clause(speaker) or len(speaker.split()) > 8:
        return None
    return speaker


def _a_clause(speaker: str) -> bool:
    opening = _LEADING_ARTICLE.sub("", speaker).split(maxsplit=1)
    return not opening or opening[0].casefold() in _NOT_SPEAKER_OPENINGS


def _canonical(speaker: str, persons: Sequence[str]) -> str:
    """The person the attribution names, by full name or last name; else the attribution."""
    words = set(re.findall(r"[\w'’-]+", speaker))
    for person in persons:
        if person in speaker or person.split()[-1] in words:
            return person
    return _LEADING_ARTICLE.sub("", speaker)
