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

_ATTRIBUTION_VERBS = word_list("attribution_verbs")
_VERBS = rf"(?:{'|'.join(sorted(_ATTRIBUTION_VERBS))})"
# Straight and curly quotes are paired separately: a stray mark of one kind (real copy has
# “such“ mistakes) must not swallow a quotation marked with the other.
_QUOTES = (re.compile(r'"([^"\n]{10,800}?)"'), re.compile(r"“([^“”\n]{10,800}?)”"))
# An attribution stays in its quotation's paragraph: the next one's "In 1997, Elise wrote"
# attributes nothing before it.
_SPEAKER = r"[A-Za-z][^\"“”.;:!?\n]{0,90}?"
_SPACE = r"[^\S\n]"
# After the quotation: `said Grace Wanjiru.` ends at the speaker's punctuation;
# `Boudreau said before the game` may go on after the verb.
_AFTER = re.compile(
    rf"^{_SPACE}*[,.]?{_SPACE}*"
    rf"(?:{_VERBS}\s+(?P<after_verb>{_SPEAKER})\s*(?:[.,;]|$)"
    rf"|(?P<before_verb>{_SPEAKER})\s+{_VERBS}\b)"
)
# After a quotation that ends its own sentence with a full stop (`"... easily." Jones said
# the claim was false.`), what follows is a new sentence: only an attribution that ends
# there counts.
_AFTER_CLOSED = re.compile(
    rf"^{_SPACE}*(?:{_VERBS}\s+(?P<after_verb>{_SPEAKER})|(?P<before_verb>{_SPEAKER})\s+{_VERBS})"
    r"\s*(?:[.,;]|$)"
)
_BEFORE = re.compile(
    rf"(?P<speaker>[A-Z][^\"“”.;!?\n]{{0,60}}?)\s+{_VERBS}(?:\s+that)?{_SPACE}*[,:]?{_SPACE}*$"
)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# "“...” Kurinji Selvaraj, a research analyst at the Council on Energy, said": the name,
# then what the speaker is, then the verb.
_NAME_THEN_WHO = re.compile(
    rf"^{_SPACE}*[,.]?{_SPACE}*(?P<name>[A-Z][\w'’-]+(?:{_SPACE}[A-Z][\w'’-]+){{0,3}}),"
    rf"[^\"“”\n]{{0,160}}?\s{_VERBS}\b"
)
_MAX_WORDS = 8
_RELATIVE_WORDS = frozenset({"that", "which", "whom", "whose"})
_PRONOUNS = frozenset({"i", "you", "he", "she", "it", "we", "they"})
"""Words of an attribution at most, unless it names a person of the article."""
_NOT_SPEAKER_OPENINGS = word_list("not_speaker_openings")
_TITLE_ABBREVIATIONS = word_list("title_abbreviations")
# A title's abbreviation ("Dr.") or a name's initial ("William J. Bratton") before a
# capitalised word: its dot ends no attribution.
_ABBREVIATED_TITLE = re.compile(
    rf"\b({'|'.join(sorted(_TITLE_ABBREVIATIONS, key=len, reverse=True))}|[A-Z])\."
    r"(?=\s+[A-Z]|[A-Z]\.)"  # "U.S. Attorney Erin Nealy Cox" -> "US Attorney Erin Nealy Cox"
)
_MIN_WORDS = 4
_MAX_ATTRIBUTION = 120
_A_VERB = re.compile(rf"\b{_VERBS}\b")
_SENTENCE_END = re.compile(r"[.!?]\s+[A-Z]")  # "the U.S. attorney" ends none


def find_quotes(text: str, persons: Sequence[str] = ()) -> list[dict]:
    """[{"speaker": ..., "text": ...}] for each attributed direct quotation, in order."""
    quotes = []
    previous: tuple[int, str] | None = None  # the last attributed quotation's end, speaker
    matches = sorted(
        (m for pattern in _QUOTES for m in pattern.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        quoted = " ".join(match.group(1).split()).strip(" ,")
        if len(quoted.split()) < _MIN_WORDS:
            continue
        following = _undotted(text[match.end() : match.end() + 2 * _MAX_ATTRIBUTION])
        preceding = _undotted(text[max(0, match.start() - _MAX_ATTRIBUTION) : match.start()])
        # A quotation closed by a full stop ends its sentence; one followed by its
        # attribution closes on a comma, or on "!" or "?" ("“Why?” Smith asked.").
        if match.group(1).rstrip().endswith("."):
            speaker = _speaker_before(preceding, persons) or _speaker_after(
                following[:_MAX_ATTRIBUTION], persons, _AFTER_CLOSED
            )
        else:
            speaker = (
                _speaker_after(following[:_MAX_ATTRIBUTION], persons, _AFTER)
                or _named_then_who(following)
                or _speaker_before(preceding, persons)
            )
        if speaker is None and previous is not None:
            speaker = _continued(text[previous[0] : match.start()], previous[1])
        previous = (match.end(), speaker) if speaker else None
        if speaker:
            quotes.append({"speaker": _canonical(speaker, persons), "text": quoted})
    return quotes


def _continued(between: str, speaker: str) -> str | None:
    """ "“We will see the industry shake out,” Mayer said. “We are the disruptor.”": a
    quotation right after an attributed one in its paragraph, with nothing between but the
    attribution, goes on in the same voice."""
    if "\n" in between or len(between) > _MAX_ATTRIBUTION or not _A_VERB.search(between):
        return None
    # One sentence, the attribution: "Smith said. Jones disagreed." is two.
    inner = _undotted(between).strip(' \t"“”,.')
    return None if _SENTENCE_END.search(inner) else speaker


def _speaker_after(following: str, persons: Sequence[str], form: re.Pattern) -> str | None:
    found = form.match(following)
    if not found:
        return None
    return _clean(found.group("after_verb") or found.group("before_verb"), persons)


def _named_then_who(following: str) -> str | None:
    found = _NAME_THEN_WHO.match(following)
    return _clean(found.group("name"), ()) if found else None


def _speaker_before(preceding: str, persons: Sequence[str]) -> str | None:
    found = _BEFORE.search(preceding)
    return _clean(found.group("speaker"), persons) if found else None


def _undotted(attribution: str) -> str:
    """ "said Dr. Ashish Babhulkar" -> "said Dr Ashish Babhulkar", so that the speaker is
    the name and not the title alone."""
    return _ABBREVIATED_TITLE.sub(r"\1", attribution)


def _clean(speaker: str | None, persons: Sequence[str]) -> str | None:
    if not speaker:
        return None
    speaker = " ".join(speaker.split()).strip(" ,")
    # "he", "she", "they" name nobody, nor does a clause ("I almost", "As the licence");
    # too long a clause is not an attribution, unless it names a person ("planetary
    # geologist Rosaly Lopes of NASA's Jet Propulsion Laboratory in California").
    if "," in speaker and (_a_clause(speaker) or speaker[0].islower()):
        speaker = speaker.rsplit(",", 1)[1].strip()  # "of the patients, Dempsey": the name
    if _a_clause(speaker):
        return None
    if len(speaker.split()) > _MAX_WORDS and not any(
        _named_at(speaker, person) >= 0 for person in persons
    ):
        return None
    return speaker


def _a_clause(speaker: str) -> bool:
    """Words that are no one: opening with a pronoun or conjunction ("I almost", "As the
    licence"), ending with a pronoun ("about which he"), or holding a relative word ("that",
    "which": "adding that Weeks' family had")."""
    words = _LEADING_ARTICLE.sub("", speaker).casefold().split()
    return (
        not words
        or words[0] in _NOT_SPEAKER_OPENINGS
        or words[-1] in _PRONOUNS
        or not _RELATIVE_WORDS.isdisjoint(words)
    )


def _canonical(speaker: str, persons: Sequence[str]) -> str:
    """The person the attribution names, by full name or last name; else the attribution.
    Of several, the one named last: "Goddard planetary scientist Avi Mandell" is Mandell,
    whatever the model made of "Goddard"."""
    named = [(_named_at(speaker, person), person) for person in persons]
    named = [(where, person) for where, person in named if where >= 0]
    if named:
        return max(named, key=lambda found: found[0])[1]
    return _LEADING_ARTICLE.sub("", speaker)


def _named_at(speaker: str, person: str) -> int:
    """Where in the attribution the person is named, in full or by last name; -1 if not."""
    if person in speaker:
        return speaker.rfind(person)
    last = person.split()[-1]
    found = list(re.finditer(rf"(?<![\w'’-]){re.escape(last)}(?![\w'’-])", speaker))
    return found[-1].start() if found else -1
