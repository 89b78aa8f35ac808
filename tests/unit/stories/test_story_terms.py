"""An article's story terms: what outlets share when they tell one story in their words."""

from newsbeam.transforms.stories.story_terms import TITLE_WEIGHT, story_terms


def test_inflections_meet_and_stop_words_and_numbers_are_left_out():
    terms = story_terms("Fed tapers as the taper debate goes on in 2014")
    assert terms["taper"] == 2 * TITLE_WEIGHT
    assert "the" not in terms and "2014" not in terms and "as" not in terms


def test_title_words_weigh_more_than_the_lead_and_the_lead_ends():
    text = "Carney spoke to the committee. " + "filler " * 100 + "Ukraine"
    terms = story_terms("Carney questioned", text)
    assert terms["carney"] == TITLE_WEIGHT + 1
    assert terms["committee"] == 1 and "ukraine" not in terms


def test_other_languages_keep_their_words_without_english_stemming():
    terms = story_terms("Die Regierung beschließt neue Sanktionen", language="de")
    assert {"regierung", "beschliesst", "sanktionen"} <= set(terms)  # casefolded: ß is ss
    assert "die" not in terms


def test_bridge_features_are_names_places_and_large_numbers_in_any_locale():
    from newsbeam.transforms.stories.story_terms import bridge_features

    entities = [
        {"label": "PERSON", "canonical": "António Guterres"},
        {"label": "GPE", "canonical": "Bakou", "latitude": 40.3777, "longitude": 49.892},
        {"label": "GPE", "canonical": "Nowhere", "latitude": None, "longitude": None},
        {"label": "DATE", "canonical": "27 septembre"},
    ]
    french = bridge_features("Au moins 1 300 morts", "Bilan de 2020 : 1.300 morts, 7,8", entities)
    assert french == {"n:antónio guterres", "p:40.4,49.9", "#:1300"}
    assert bridge_features("At least 1,300 dead", "", []) == {"#:1300"}
    assert bridge_features("2,000,000 and 2.500", "", []) == {"#:2000000", "#:2500"}
    # Not whole numbers: a date, a time, a decimal, numbers side by side, a phone number.
    for text in ("27.09.2020", "10.30 Uhr", "12.5 percent", "2019,2020", "+49 30 1234567"):
        assert bridge_features(text, "", []) == set(), text


def test_numbers_side_by_side_are_each_their_own():
    from newsbeam.transforms.stories.story_terms import bridge_features

    assert bridge_features("Toll rises to 1,300", "2,000 injured", []) == {"#:1300", "#:2000"}
    assert bridge_features("In 2020 1,300 died", "", []) == {"#:1300"}


def test_names_and_places_are_terms_at_their_weight_and_numbers_are_not():
    from newsbeam.transforms.stories.story_terms import ENTITY_WEIGHT, with_entity_terms

    terms = story_terms("Guterres calls for ceasefire")
    features = {"n:antónio guterres", "p:40.4,49.9", "#:1300"}
    weighted = with_entity_terms(terms, features)
    assert weighted["n:antónio guterres"] == weighted["p:40.4,49.9"] == ENTITY_WEIGHT
    assert "#:1300" not in weighted
    assert {term: weighted[term] for term in terms} == dict(terms)  # the words as they were
