"""Named entities of an article: gazetteer ruler, spaCy NER, corrections, canonical names.

`en_core_web_sm` on news mislabels places it has not seen ("Ganja" as PERSON,
"Nagorno-Karabakh" as ORG) and splits people into full, short and misspelt mentions
("Antonio Guterres", "Guterres" tagged ORG, "Guetteres"). Extraction therefore:

1. runs an entity ruler built from the gazetteer (countries, alternative spellings,
   first-level regions, disputed regions, cities of 200,000+, demonyms) before the NER, so
   places are recognised as places (`build_nlp`);
2. corrects what is left (`summarise_mentions`): a name the ruler split off a person
   ("Michael" + "Jordan") is joined back; an entity whose whole text is a known country or
   a city of 100,000+ becomes a place unless the words belong to a longer PERSON name;
   titles are stripped ("Spokesperson Morgan Ortagus" -> "Morgan Ortagus"); a platform
   named as a person is the organization ("said on Twitter"); a place split off an
   organization's name is joined to it ("Cambridge" + "Analytica"); a state abbreviated
   after a city is the state ("Friedensburg, Pa."), and says only which city is meant;
   a town that is the last name of a person named in full is the person;
3. resolves short and misspelt mentions to the fullest form in the article: a one-word
   mention equal to, or within a conservative edit distance of, the last name of one
   person mentioned in full (rapidfuzz ratio >= 82, six letters or more, same initial);
   a one-word PERSON left without a full name is an organization where the model tags
   it ORG elsewhere in the article ("Twitter"), and no entity where the article also
   writes it in lower case ("Moon", "the moon").

The word lists these rules need (titles, place names left to the NER) are data files under
`data/`, each naming its source (`word_lists.word_list`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from newsbeam.transforms.extract.geo import (
    DEMONYM_WEIGHT,
    MAJOR_CITY,
    Gazetteer,
    Place,
    rank_countries,
)
from newsbeam.transforms.extract.mentions import surface_form
from newsbeam.transforms.extract.models import MODEL_NAME
from newsbeam.transforms.extract.word_lists import name_table, word_list

__all__ = [
    "ArticleEntities",
    "ENTITY_LABELS",
    "MODEL_NAME",
    "Mention",
    "NER_ONLY_EXCLUDES",
    "build_nlp",
    "gazetteer_patterns",
    "strip_titles",
    "summarise_mentions",
]

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT")
PLACE_LABELS = frozenset({"GPE", "LOC"})
# The NER of en_core_web_sm has its own embedding layer: nothing else is needed.
NER_ONLY_EXCLUDES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_MIN_POPULATION_TO_RELABEL = 100_000
_MIN_POPULATION_IN_RULER = 200_000


# Place names that are at least as often people or words in English news: left to the NER.
_AMBIGUOUS_PLACE_NAMES = word_list("ambiguous_place_names")
# Words stripped from the front of a PERSON name, compared casefolded.
_TITLES = word_list("titles")
_TITLE_MODIFIERS = word_list("title_modifiers")
# The title words that name a body, not an office: "State Department", "UN", "US".
_OFFICE_BODIES = frozenset({"state", "department", "un", "us"})
# "UN", "U.N." and "United Nations" are one organization (data/organization_aliases.tsv).
_ORGANIZATION_ALIASES = name_table("organization_aliases")
# "The White House said", "the Kremlin denied": a country's institutions named without it
# are evidence of it, weighing as a demonym does (data/institution_countries.tsv).
_INSTITUTION_COUNTRIES = name_table("institution_countries")
INSTITUTION_WEIGHT = DEMONYM_WEIGHT
"""What a country's institution weighs against a place: as a demonym, who acts, not where."""
_COUNTRY_WEIGHTS = {"NORP": DEMONYM_WEIGHT, "ORG": INSTITUTION_WEIGHT}  # places weigh 1
_PLACE_CONTEXT = re.compile(
    r"\b(?:city|town|village|province|region|district|county|port) of\s+$", re.IGNORECASE
)
_PLACE_CONTEXT_CHARS = 40  # "province of" and the spaces after it fit, with room to spare
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{5,}\b")
_LOWER_CASE_WORD = re.compile(r"\b[a-z]+\b")
# "Scud missiles", "Leopard tanks": a one-word PERSON right before one of these nouns is
# the thing's name (data/named_things.txt).
_NAMED_THINGS = word_list("named_things")
_PLATFORMS = word_list("platforms_not_persons")  # "said on Twitter": no person
_NEXT_WORD = re.compile(r"[\s-]+([a-z]+)")
_FUZZY_RATIO = 82.0
_FUZZY_MIN_LENGTH = 6


@dataclass(frozen=True)
class Mention:
    """One entity mention: surface text, spaCy label and character offsets."""

    text: str
    label: str
    start: int
    end: int = -1


@dataclass(frozen=True)
class ArticleEntities:
    """What extraction adds to an article row."""

    entities: list[dict]
    persons: list[str]
    organizations: list[str]
    locations: list[str]
    countries: list[str]
    institution_mentions: tuple[tuple[str, int, float], ...] = ()
    """(country, offset, weight) of each institution named ("the Kremlin"): what ranks
    `countries` besides places and demonyms, kept for a reader whose places come from
    elsewhere (another language's gazetteer) to add."""


def gazetteer_patterns(gazetteer: Gazetteer) -> list[dict]:
    """Entity ruler patterns: places as GPE, demonyms (and plurals) as NORP.

    A subdivision named by one word is left to the NER, which sees its context: the ruler
    would make "Meta" or the "Bar" of a menu bar a place wherever it stands.
    """
    names = (
        gazetteer.names(
            ("country", "region", "city"), min_population=_MIN_POPULATION_IN_RULER, spellings=False
        )
        + gazetteer.subdivision_names_of_several_words()
    )
    patterns = [
        {"label": "GPE", "pattern": name}
        for name in names
        if name not in _AMBIGUOUS_PLACE_NAMES and len(name) > 2 and not name.isupper()
    ]
    for demonym in gazetteer.demonyms():
        for form in (demonym, f"{demonym}s"):
            patterns.append({"label": "NORP", "pattern": form})
    return patterns


def build_nlp(model_name: str, gazetteer: Gazetteer):
    """The spaCy pipeline: the gazetteer's entity ruler, then the model's NER only."""
    import spacy

    nlp = spacy.load(model_name, exclude=list(NER_ONLY_EXCLUDES))
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": False})
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(gazetteer_patterns(gazetteer))
    return nlp


def strip_titles(name: str) -> str:
    """ "Spokesperson Morgan Ortagus" -> "Morgan Ortagus"; never strips the last word."""
    words = name.split()
    while len(words) > 1 and words[0].casefold() in _TITLES:
        words = words[1:]
    return " ".join(words)


def summarise_mentions(
    mentions: Sequence[Mention],
    gazetteer: Gazetteer,
    text: str,
    dateline: tuple[int, int] | None = None,
    home_country: str | None = None,
) -> ArticleEntities:
    """Corrects labels, groups mentions by canonical name and ranks countries (a place in
    the `dateline` span of `text` weighing more; a city name several countries share
    going to the outlet's `home_country` when the text does not say otherwise)."""
    cleaned = _join_split_names(
        [
            Mention(surface_form(m.text), m.label, m.start, m.end)
            for m in mentions
            if m.label in ENTITY_LABELS
            and not _lower_case_only(m.text)
            and not (m.label == "PERSON" and _a_product_name(m.text))
            and not (m.label == "PERSON" and _a_platform(m.text) and " " in m.text)
        ],
        gazetteer,
    )
    cleaned = [_in_context(_as_organization(m), text) for m in cleaned if m.text]
    full_names = _full_person_names(cleaned)
    cleaned = sorted(
        cleaned + _untagged_misspellings(text, cleaned, full_names), key=lambda m: m.start
    )
    person_words = {word for name in full_names.values() for word in name.split()}
    cleaned = [m for m in cleaned if not _is_office(m, person_words)]

    resolved: list[tuple[Mention, str, Place | None, str | None]] = []
    abbreviations: set[int] = set()  # states written as "Pa." after a city
    for mention in cleaned:
        state = (
            gazetteer.abbreviated_state(text, mention.start, mention.end)
            if mention.label in PLACE_LABELS
            else None
        )
        if state is not None:
            abbreviations.add(len(resolved))
            label, canonical, place, country = mention.label, state.name, state, state.country
        else:
            qualified = bool(_QUALIFIED.match(text, mention.end))
            label, canonical, place, country = _correct(
                mention, gazetteer, full_names, person_words, qualified
            )
        resolved.append((Mention(mention.text, label, mention.start), canonical, place, country))
    # An abbreviation says which city the one before it is (`settle_homonyms` reads it
    # after the city), not where the whole article is: "of Towson, Md., ... in Athens".
    settled = gazetteer.settle_homonyms(
        [
            (None if i in abbreviations else place, m.start, m.start + len(m.text))
            for i, (m, _c, place, _k) in enumerate(resolved)
        ],
        text,
        home_country,
        dateline,
        {country for m, _c, _p, country in resolved if m.label in {"NORP", "ORG"} and country},
    )
    resolved = [
        (mention, canonical, place, country)
        if settled_place is None or place is settled_place  # an abbreviation stays its state
        else (mention, settled_place.name, settled_place, settled_place.country)
        for (mention, canonical, place, country), settled_place in zip(
            resolved, settled, strict=True
        )
    ]

    resolved = _lone_person_words(resolved, text)

    groups: dict[tuple[str, str], dict] = {}
    for mention, canonical, place, country in resolved:
        group = groups.setdefault(
            (canonical, mention.label),
            {
                "texts": {},
                "label": mention.label,
                "canonical": canonical,
                "count": 0,
                "first": mention.start,
                "place": place,
                "country": country,
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
            "country": group["country"],
            "latitude": group["place"].latitude if group["place"] else None,
            "longitude": group["place"].longitude if group["place"] else None,
        }
        for group in ordered
    ]
    countries = rank_countries(
        (
            (country, mention.start, _COUNTRY_WEIGHTS.get(mention.label, 1.0))
            for mention, _c, _p, country in resolved
            if country and not _a_stance(text, mention.start)
        ),
        len(text),
        dateline,
    )
    institutions = tuple(
        (country, mention.start, INSTITUTION_WEIGHT)
        for mention, _c, _p, country in resolved
        if country and mention.label == "ORG"
    )
    return ArticleEntities(
        entities=entities,
        persons=_names(ordered, {"PERSON"}),
        organizations=_names(ordered, {"ORG"}),
        locations=_names(ordered, PLACE_LABELS),
        countries=countries,
        institution_mentions=institutions,
    )


def _lower_case_only(text: str) -> bool:
    """A mention written in lower case only names nothing: a model's tag on "cursor" or
    on the "n’t" of "doesn’t". Scripts without case ("東京") are never so."""
    return text.lower() == text != text.upper()


_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|De|Di|Da|Du|Le|La|Van|Von|Fitz|O['’])")
_PRODUCT_WORD = re.compile(r"\d|\+|[a-z][A-Z]")
_LETTERS_AND_DIGITS = re.compile(r"(?=.*[^\W\d_])(?=.*\d)|\+")


def _a_platform(text: str) -> bool:
    """ "Twitter", "Twitter @Spacedotcom": a platform the small model made a person (not
    "Yahoo Serious", a name after it)."""
    words = text.split()
    if not words or words[0] not in _PLATFORMS:
        return False
    return len(words) == 1 or words[1].startswith("@")


def _as_organization(mention: Mention) -> Mention:
    """A platform named alone as a person ("said on Twitter") is the organization."""
    if mention.label == "PERSON" and _a_platform(mention.text):
        return Mention(mention.text, "ORG", mention.start, mention.end)
    return mention


def _a_product_name(text: str) -> bool:
    """A PERSON that is one word with a digit, a plus or a capital after a small letter
    ("HTML5", "C++", "AdWords", "WiFi"), or a name with a word of letters and digits
    ("Progress MS-04"), names a product, not a person. "McDonald", "DiCaprio", "O'Brien"
    are names, and so is "Nicolas Jarry 6-4" (a score after a player)."""
    words = text.split()
    if len(words) == 1:
        return bool(_PRODUCT_WORD.search(_NAME_PREFIX.sub("", text)))
    return any(_LETTERS_AND_DIGITS.match(word) for word in words)


_STANCE = re.compile(r"(?:\b(?:pro|anti)-)$", re.IGNORECASE)


def _a_stance(text: str, start: int) -> bool:
    """A name right after "pro-" or "anti-" ("the pro-Beijing camp", "anti-American
    protests") is a stance towards a country, not where the news is: it ranks none."""
    return bool(_STANCE.search(text, max(0, start - 5), start))


def _correct(
    mention: Mention,
    gazetteer: Gazetteer,
    full_names: dict[str, str],
    person_words: set[str],
    qualified: bool = False,
) -> tuple[str, str, Place | None, str | None]:
    """(label, canonical, place, country) for one mention after the corrections;
    `qualified`: a state or country follows it ("Lincoln, Neb.")."""
    label, text = mention.label, mention.text
    if text in _INSTITUTION_COUNTRIES:  # whatever the model called it: "Kremlin" as a place
        return "ORG", *_organization(text)
    if label in PLACE_LABELS:
        place = gazetteer.resolve(text)
        if not qualified and _a_person_s_last_name(text, place, full_names):
            return "PERSON", full_names[text], None, None
        return label, place.name if place else text, place, place.country if place else None
    if label == "NORP":
        return label, text, None, gazetteer.demonym_country(text)
    place = gazetteer.resolve(text)
    if (
        place is not None
        and label in {"PERSON", "ORG"}
        and (
            place.kind in {"country", "region"}
            or (place.kind == "city" and place.population >= _MIN_POPULATION_TO_RELABEL)
        )
        and not set(text.split()) & person_words
    ):
        return "GPE", place.name, place, place.country
    if label in {"PERSON", "ORG"} and " " not in text:
        full = full_names.get(text) or _fuzzy_full_name(text, full_names)
        if full:
            return "PERSON", full, None, None
    if label == "PERSON" and " " in text:
        full = _fuzzy_full_name(text.split()[-1], full_names)
        if full and full.split()[0] == text.split()[0]:
            return "PERSON", full, None, None  # "Stephane Dujjaric" with "Stephane Dujarric"
    if label == "ORG":
        return label, *_organization(text)
    return label, text, None, None


def _organization(text: str) -> tuple[str, None, str | None]:
    """(canonical, place, country) of an organization: its alias's canonical name, and the
    country of a country's institution ("White House" -> US)."""
    canonical = _ORGANIZATION_ALIASES.get(text, text)
    return (
        canonical,
        None,
        _INSTITUTION_COUNTRIES.get(canonical) or _INSTITUTION_COUNTRIES.get(text),
    )


def _lone_person_words(
    resolved: list[tuple[Mention, str, Place | None, str | None]], text: str
) -> list[tuple[Mention, str, Place | None, str | None]]:
    """A one-word PERSON that is no one's name in full in the article is checked against
    the rest of the article: tagged ORG elsewhere, it is the organization ("Twitter"); the
    text writes it in lower case too, it is a common word ("Moon" and "the moon"), and no
    entity; right before a noun of `_NAMED_THINGS` it names a thing ("Scud missiles"), and
    no entity. A surname alone ("Trump", "Obama") stays a person."""
    lone = [m.label == "PERSON" and " " not in canonical for m, canonical, _p, _c in resolved]
    if not any(lone):
        return resolved
    as_org = {mention.text for mention, *_ in resolved if mention.label == "ORG"}
    lower_case = set(_LOWER_CASE_WORD.findall(text))
    kept = []
    for is_lone, (mention, canonical, place, country) in zip(lone, resolved, strict=True):
        if is_lone and mention.text in as_org:
            mention = Mention(mention.text, "ORG", mention.start, mention.end)
            canonical, place, country = _organization(mention.text)
        elif is_lone and (mention.text.casefold() in lower_case or _names_a_thing(mention, text)):
            continue
        kept.append((mention, canonical, place, country))
    return kept


def _names_a_thing(mention: Mention, text: str) -> bool:
    following = _NEXT_WORD.match(text, mention.start + len(mention.text))
    return following is not None and following.group(1) in _NAMED_THINGS


def _in_context(mention: Mention, text: str) -> Mention:
    """Titles off people; "the village of Kapanli": a PERSON or ORG there is a place."""
    # Only the words just before the mention can match: searching from the start of the
    # text cost O(length) per mention, 3% of a run's CPU on 900-word articles.
    context_start = max(0, mention.start - _PLACE_CONTEXT_CHARS)
    if mention.label in {"PERSON", "ORG"} and _PLACE_CONTEXT.search(
        text, context_start, mention.start
    ):
        return Mention(mention.text, "GPE", mention.start, mention.end)
    if mention.label == "PERSON":
        return Mention(strip_titles(mention.text), "PERSON", mention.start, mention.end)
    if mention.label == "ORG":
        return _titled_person(mention) or mention
    return mention


def _is_office(mention: Mention, person_words: set[str]) -> bool:
    """ "UN Sec-Gen", "UN Secretary General" or "the Prime Minister" without a name after it
    names an office, whoever holds it: neither a person nor an organization. Titles that end
    in a body are the body ("State Department", "US"), and a word of a person named in full
    in the article is that person ("Aaron Judge ... Judge said")."""
    words = mention.text.casefold().split()
    return (
        mention.label in {"PERSON", "ORG"}
        and all(word in _TITLES for word in words)
        and words[-1] not in _OFFICE_BODIES
        and not set(mention.text.split()) & person_words
    )


def _titled_person(mention: Mention) -> Mention | None:
    """ "UN Sec-Gen Antonio Guterres", tagged ORG, is the person after the office; "UN
    Security Council" is no person (its title words end in a modifier, not an office)."""
    words = mention.text.split()
    titles = 0
    while titles < len(words) - 1 and words[titles].casefold() in _TITLES:
        titles += 1
    name = words[titles:]
    if (
        titles == 0
        or words[titles - 1].casefold() in _TITLE_MODIFIERS
        or not 2 <= len(name) <= 3
        or not all(word[:1].isupper() for word in name)
    ):
        return None
    start = mention.start + mention.text.index(name[0], len(" ".join(words[:titles])))
    return Mention(" ".join(name), "PERSON", start, mention.end)


def _untagged_misspellings(
    text: str, mentions: Sequence[Mention], full_names: dict[str, str]
) -> list[Mention]:
    """Capitalised words the NER missed that misspell a known person's last name."""
    if not full_names:
        return []
    covered = [(m.start, m.end if m.end >= 0 else m.start + len(m.text)) for m in mentions]
    found = []
    for match in _CAPITALISED.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in covered) or match.group() in full_names:
            continue
        if _fuzzy_full_name(match.group(), full_names):
            found.append(Mention(match.group(), "PERSON", start, end))
    return found


def _join_split_names(mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """ "Michael" (PERSON) + "Jordan" (GPE, from the ruler) one space apart -> one PERSON;
    "Cambridge" (GPE) + "Analytica" (LOC, no place) -> one ORG ("Ukraine NATO", a place
    and an organization, stay two)."""
    joined: list[Mention] = []
    for mention in mentions:
        previous = joined[-1] if joined else None
        one_word_after = (
            previous is not None
            and previous.end >= 0
            and mention.start == previous.end + 1
            and " " not in mention.text
        )
        if one_word_after and previous.label == "PERSON" and mention.label in PLACE_LABELS:
            label = "PERSON"
        elif (
            one_word_after
            and previous.label == "GPE"
            and mention.label == "LOC"
            and gazetteer.resolve(mention.text) is None
        ):
            label = "ORG"
        else:
            joined.append(mention)
            continue
        joined[-1] = Mention(f"{previous.text} {mention.text}", label, previous.start, mention.end)
    return joined


_QUALIFIED = re.compile(r",\s*[A-Z]")
"""After a city, the state or country that says which it is: "Lincoln, Neb.", "Vaughan,
Ontario" are the towns, whoever the article names."""


def _a_person_s_last_name(text: str, place: Place | None, full_names: dict[str, str]) -> bool:
    """A town's name that is the last name of a person the article names in full is that
    person ("Andrew Vaughan ... Vaughan said" is not Vaughan, Ontario). Countries, states
    and major cities keep their name: "George Washington" leaves Washington a city."""
    return (
        text in full_names
        and place is not None
        and place.kind == "city"
        and place.population < MAJOR_CITY
    )


def _full_person_names(mentions: Iterable[Mention]) -> dict[str, str]:
    """Last name -> the full PERSON name ending with it, when only one person has it.

    Of two spellings of one full name in an article ("Stephane Dujarric", "Stephane
    Dujjaric"), the one mentioned more often (then the longer) is the full name.
    """
    counts: dict[str, int] = {}
    for mention in mentions:
        if mention.label == "PERSON" and len(mention.text.split()) >= 2:
            counts[mention.text] = counts.get(mention.text, 0) + 1
    candidates: dict[str, set[str]] = {}
    for name in counts:
        candidates.setdefault(name.split()[-1], set()).add(name)
    return {
        last: max(names, key=lambda name: (counts[name], len(name)))
        for last, names in candidates.items()
        if len({name.split()[0] for name in names}) == 1
    }


def _fuzzy_full_name(word: str, full_names: dict[str, str]) -> str | None:
    """The full name whose last name `word` misspells, if exactly one is close enough."""
    if len(word) < _FUZZY_MIN_LENGTH:
        return None
    close = {
        full
        for last, full in full_names.items()
        if last[:1] == word[:1] and fuzz.ratio(word, last) >= _FUZZY_RATIO
    }
    return close.pop() if len(close) == 1 else None


def _names(groups: Sequence[dict], labels: set[str] | frozenset[str]) -> list[str]:
    return [group["canonical"] for group in groups if group["label"] in labels]
