"""The gazetteer: places to countries and UN M49 regions, countries ranked by mentions."""

import pytest

from newsbeam.transforms.extract.geo import rank_countries


@pytest.mark.parametrize(
    ("mention", "country", "kind"),
    [
        ("Armenia", "AM", "country"),
        ("Azerbaijan’s", "AZ", "country"),
        ("the United States", "US", "country"),
        ("U.S.", "US", "country"),
        ("UK", "GB", "country"),
        ("Georgia", "GE", "country"),  # the country wins over the US state
        ("Ganja", "AZ", "city"),
        ("Nairobi", "KE", "city"),
        ("Queensland", "AU", "subdivision"),
        ("South Korea", "KR", "country"),
        ("Türkiye", "TR", "country"),
    ],
)
def test_places_resolve_to_countries(gazetteer, mention, country, kind):
    place = gazetteer.resolve(mention)
    assert place is not None
    assert (place.country, place.kind) == (country, kind)


@pytest.mark.parametrize(
    "mention",
    ["IT", "AT", "Secretary", "", "the", "Island", "Dominique", "Mann"],  # not IS, DM, IM
)
def test_non_places_do_not_resolve(gazetteer, mention):
    assert gazetteer.resolve(mention) is None


def test_cities_carry_coordinates(gazetteer):
    ganja = gazetteer.resolve("Ganja")
    assert ganja.latitude == pytest.approx(40.68, abs=0.05)
    assert ganja.longitude == pytest.approx(46.36, abs=0.05)


@pytest.mark.parametrize(
    ("country", "level", "region"),
    [
        ("AZ", "subregion", "western-asia"),
        ("AM", "subregion", "western-asia"),
        ("US", "subregion", "northern-america"),
        ("KE", "subregion", "eastern-africa"),
        ("AU", "subregion", "australia-and-new-zealand"),
        ("AZ", "continent", "asia"),
        ("AZ", "country", "az"),
        (None, "subregion", "unknown"),
    ],
)
def test_regions_are_un_m49_slugs(gazetteer, country, level, region):
    assert gazetteer.region_of(country, level) == region


def test_countries_rank_by_mentions_weighted_towards_the_start():
    # One early mention outweighs one late one; three mentions outweigh one early one.
    assert rank_countries([("US", 900), ("FR", 10)], 1000) == ["FR", "US"]
    assert rank_countries([("FR", 0), ("DE", 500), ("DE", 600), ("DE", 990)], 1000) == ["DE", "FR"]
    assert rank_countries([], 100) == []


@pytest.mark.parametrize(
    ("name", "country", "kind"),
    [
        # Two states of one name: the one of more people, as a share of its country's.
        ("Montana", "US", "subdivision"),  # not the Bulgarian province
        ("Maryland", "US", "subdivision"),  # not the county of Liberia
        ("La Rioja", "ES", "subdivision"),  # not the Argentine province
        # A city of more people than a state of its name is likely to hold keeps the name.
        ("Toledo", "US", "city"),  # not the district of Belize
        ("Saint Paul", "US", "city"),  # not the parish of Antigua
        ("Victoria", "AU", "subdivision"),  # the state holds more than the Canadian city
        # A territory keeps its own subdivisions, which its sovereign lists too.
        ("Bonaire", "BQ", "subdivision"),
    ],
)
def test_a_name_goes_to_the_place_of_more_people(gazetteer, name, country, kind):
    place = gazetteer.resolve(name)
    assert (place.country, place.kind) == (country, kind)


def test_repeated_nationals_do_not_move_the_news_to_their_country():
    # Libération, "Un troisième Français mort dans le séisme au Népal": the French eight
    # times, Paris and France once each; Nepal and Kathmandu five times.
    french = [("FR", offset, 0.5) for offset in (30, 120, 300, 420, 500, 640, 700, 860)]
    places = [("FR", 650), ("FR", 900), *[("NP", offset) for offset in (40, 150, 200, 610, 800)]]
    assert rank_countries(french + places, 1000)[0] == "NP"
    # Without its places Nepal is not the news: the nationals still count, up to the cap.
    assert rank_countries(french + [("NP", 990)], 1000)[0] == "FR"


# Codes allowed to have no M49 sub-region. Empty: country_converter gives even Antarctica
# (AQ) and the uninhabited territories one; add a code here only with the reason.
NO_SUBREGION: set[str] = set()


def test_every_iso_code_has_an_m49_region(gazetteer):
    import pycountry

    missing = [
        c.alpha_2
        for c in pycountry.countries
        if c.alpha_2 not in NO_SUBREGION and gazetteer.region_of(c.alpha_2) == "unknown"
    ]
    assert missing == []


def test_every_country_a_name_resolves_to_has_a_region(gazetteer):
    """Beyond ISO: Pristina is Kosovo's (XK, as GeoNames and CLDR code it), and an article
    about it landed in `region=unknown`; so did "Serbia and Montenegro" (CS, withdrawn)."""
    places = (
        gazetteer.resolve(name) for name in gazetteer.names(("country", "subdivision", "city"))
    )
    missing = {
        place.country
        for place in places
        if place is not None and gazetteer.region_of(place.country) == "unknown"
    }
    assert missing == set()
    assert gazetteer.region_of("XK") == "southern-europe"


@pytest.mark.parametrize(
    ("country", "level", "region"),
    [
        ("GB", "subregion", "northern-europe"),
        ("GR", "subregion", "southern-europe"),
        ("GB", "continent", "europe"),
        ("BR", "continent", "americas"),
    ],
)
def test_united_kingdom_and_greece_have_regions(gazetteer, country, level, region):
    assert gazetteer.region_of(country, level) == region


@pytest.mark.parametrize(
    ("demonym", "country"),
    [
        ("Azeri", "AZ"),  # absent from countryinfo, seen in real news beside "Armenian"
        ("Azeris", "AZ"),
        ("French", "FR"),  # shared with Saint Pierre and Miquelon: the most populous wins
        ("Armenian", "AM"),
    ],
)
def test_demonyms_name_the_country_news_means(gazetteer, demonym, country):
    assert gazetteer.demonym_country(demonym) == country


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Manchester", "GB"),  # not Jamaica's parish: seen in a real article naming London
        ("Portland", "US"),
        ("Victoria", "AU"),  # the state keeps its name (data/subdivisions_before_cities.txt)
    ],
)
def test_a_major_city_outranks_a_foreign_subdivision_of_its_name(gazetteer, name, country):
    assert gazetteer.resolve(name).country == country


@pytest.mark.parametrize(("mention", "country"), [("man", None), ("turkey", None), ("Man", "CI")])
def test_a_lowercase_word_is_no_place(gazetteer, mention, country):
    """Case is evidence: "man" and "turkey" are words; "Man" may be the Ivorian city."""
    place = gazetteer.resolve(mention)
    assert (place.country if place else None) == country


def test_a_place_in_capitals_resolves_as_in_a_dateline(gazetteer):
    """ "MOSCOW (Reuters) -": capitals of four letters or more are read as the name."""
    assert gazetteer.resolve("MOSCOW").country == "RU"
    assert gazetteer.resolve("NATO") is None


@pytest.mark.parametrize("region", ["Asia", "Gulf", "Sahel", "Western Asia", "Middle East"])
def test_a_world_region_is_no_town_or_province_of_its_name(gazetteer, region):
    """ "oil prices in Asia" named a Philippine town of 23,000 (gold set); "the Gulf" a
    province of Papua New Guinea, "the Sahel" one of Burkina Faso."""
    assert gazetteer.resolve(region) is None


def test_a_country_named_like_a_world_region_stays_the_country(gazetteer):
    assert gazetteer.resolve("Micronesia").country == "FM"


@pytest.mark.parametrize(
    ("mention", "country"),
    [("NIU", None), ("CAN", None), ("USA", "US"), ("UAE", "AE"), ("DRC", "CD")],
)
def test_three_letter_codes_are_no_names_but_the_abbreviations_news_writes(
    gazetteer, mention, country
):
    """ "NIU" (Northern Illinois University) was Niue by its ISO alpha-3 code; "USA", "UAE"
    and "DRC" are names (data/country_aliases.tsv)."""
    place = gazetteer.resolve(mention)
    assert (place.country if place else None) == country


@pytest.mark.parametrize(
    ("mention", "country", "kind"),
    [
        ("Montreal", "CA", "city"),  # GeoNames: Montréal
        ("Sao Paulo", "BR", "city"),
        ("Zurich", "CH", "city"),
        ("Karnataka", "IN", "subdivision"),  # ISO 3166-2: Karnātaka
        ("Maharashtra", "IN", "subdivision"),
    ],
)
def test_a_name_written_without_its_accents_is_the_place(gazetteer, mention, country, kind):
    place = gazetteer.resolve(mention)
    assert place is not None
    assert (place.country, place.kind) == (country, kind)


def test_an_unaccented_spelling_another_place_holds_stays_that_place(gazetteer):
    # "Orleans" is a town of Brazil by that very spelling; the Orléans are other places.
    assert gazetteer.resolve("Orleans").country == "BR"
    assert gazetteer.resolve("Orléans").country != "BR"


@pytest.mark.parametrize(
    ("mention", "country"),
    [
        ("Wales", "GB"),  # ISO 3166-2: "Wales [Cymru GB-CYM]"
        ("Cymru", "GB"),
        ("Catalonia", "ES"),  # data/subdivision_exonyms.tsv
        ("Cataluña", "ES"),  # "Catalunya [Cataluña]"
        ("Sicily", "IT"),
        ("Bavaria", "DE"),  # iso-codes' English name of Bayern
        ("Wallonia", "BE"),  # "Wallonia, Region"
        ("Qinghai", "CN"),  # "Qinghai Sheng"
        ("Tibet", "CN"),
    ],
)
def test_subdivisions_resolve_by_the_names_news_writes(gazetteer, mention, country):
    place = gazetteer.resolve(mention)
    assert place is not None
    assert (place.country, place.kind) == (country, "subdivision")


def test_an_acronym_in_capitals_is_no_place_and_a_dateline_s_city_is(gazetteer):
    # "NICE" is the health institute; "MOSCOW" and "WASHINGTON" in a dateline are cities,
    # though English leaves "Washington" to the model elsewhere.
    assert gazetteer.resolve("NICE") is None
    assert gazetteer.resolve("Nice").country == "FR"
    assert gazetteer.resolve("AJAX") is None  # the web technique, not Ajax, Ontario
    assert gazetteer.resolve("MOSCOW").country == "RU"
    assert gazetteer.resolve("WASHINGTON").country == "US"


def test_a_city_s_own_name_stays_its_own_beside_a_namesake_s_state(gazetteer):
    # "Odesa" is written for the Ukrainian city only; "Odessa" is also a Texan town's name.
    text = "Drones struck Odesa, a senator from Texas said."
    odesa, texas = gazetteer.resolve("Odesa"), gazetteer.resolve("Texas")
    places = [(odesa, 14, 19), (texas, 36, 41)]
    assert [text[start:end] for _place, start, end in places] == ["Odesa", "Texas"]
    settled = gazetteer.settle_homonyms(places, text)
    assert [place.country for place in settled] == ["UA", "US"]
    written = "Drones struck Odessa, a senator from Texas said."
    places = [(gazetteer.resolve("Odessa"), 14, 20), (texas, 37, 42)]
    settled = gazetteer.settle_homonyms(places, written)
    assert [place.country for place in settled] == ["US", "US"]


def test_an_english_name_of_a_subdivision_does_not_take_a_city_s_name(gazetteer):
    # iso-codes name Fribourg "Fribourg / Freiburg / Friburgo / Friburg" in English.
    assert gazetteer.resolve("Freiburg").country == "DE"


@pytest.mark.parametrize(
    ("mention", "name", "country"),
    [
        ("Kiev", "Kyiv", "UA"),
        ("Cologne", "Köln", "DE"),
        ("Bombay", "Mumbai", "IN"),
        ("Raqqa", "Ar Raqqah", "SY"),
        ("Odessa", "Odesa", "UA"),
    ],
)
def test_a_city_s_english_name_is_the_city(gazetteer, mention, name, country):
    place = gazetteer.resolve(mention)
    assert (place.name, place.country, place.kind) == (name, country, "city")


def test_a_city_that_bears_another_s_english_name_is_still_found_by_its_state(gazetteer):
    # "Odessa" is Odesa in world news, and Odessa in a report that says Texas.
    text = "Odessa, Texas"
    odessa, texas = gazetteer.resolve("Odessa"), gazetteer.resolve("Texas")
    settled = gazetteer.settle_homonyms([(odessa, 0, 6), (texas, 8, 13)], text)
    assert [place.country for place in settled] == ["US", "US"]
