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
