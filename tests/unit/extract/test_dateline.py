"""The dateline at the start of a news report: its place's span, found by shape."""

import pytest

from newsbeam.transforms.extract.dateline import dateline_span


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("MOSCOW (Reuters) - Oil prices fell.", "MOSCOW"),
        ("HAYWARD, Calif. (AP) — The Latest on a stabbing.", "HAYWARD, Calif."),
        ("Hong Kong (CNN Business)A muddled view of trade talks.", "Hong Kong"),
        ("MADRID — Rafael Nadal kept Spain’s hopes alive.", "MADRID"),
        ("Washington, DC, United States: Getting to the Moon.", "Washington, DC, United States"),
        ("BERLIN (dpa) - Die Regierung hat beschlossen.", "BERLIN"),
        ("SÃO PAULO – O governo anunciou.", "SÃO PAULO"),
        ("MOSCOU, 24 SET (ANSA) - O líder de oposição russo.", "MOSCOU"),
        ("LONDON, Sept 24 (Reuters) - Sterling rose.", "LONDON"),
        ("Madrid, 24 sep (EFE).- El Gobierno aprobó.", "Madrid"),
        ("BRASÍLIA, 24 de setembro (Reuters) - O governo.", "BRASÍLIA"),
    ],
)
def test_a_dateline_place_is_found_at_the_start(text, place):
    span = dateline_span(text)
    assert span is not None and text[span[0] : span[1]] == place


@pytest.mark.parametrize(
    "text",
    [
        "Kara Swisher on Travis Kalanick: Uber confirmed the resignation.",
        "Beauty company Coty is breaking out — in a good way.",
        "The stock rose 2% in Moscow (Reuters) - trading.",
        "Coca-Cola said on Monday it would raise prices.",
        "Paris, 24 May was a sunny day - everyone was out.",
        "Manchester United, Liverpool 3 (Salah 2, Jota) - a draw.",
        "Last Year, Sales 12 (up from 10) rose.",
        "",
    ],
)
def test_text_without_a_dateline_shape_has_none(text):
    assert dateline_span(text) is None


def test_main_country_counts_a_dateline_as_focus(gazetteer):
    """A country named once, in the dateline, is the focus, as it is in the title (here
    beside another country named once, so that neither is the only one named)."""
    from newsbeam.transforms.extract.entities import Mention, summarise_mentions
    from newsbeam.transforms.extract.focus import main_country

    text = "NAIROBI (Reuters) - The central bank held its rate on Tuesday, as did Uganda's."
    mentions = [Mention("NAIROBI", "GPE", 0, 7), Mention("Uganda", "GPE", 70, 76)]
    found = summarise_mentions(mentions, gazetteer, text, (0, 7))
    assert main_country(found, "Central bank holds rate") is None
    assert main_country(found, "Central bank holds rate", "NAIROBI") == "KE"


def test_a_dateline_in_capitals_names_its_place_in_every_language(gazetteer):
    """Where no model serves the language, the gazetteer reads a dateline's capitals as a
    name ("MOSCOU"), and its country becomes the focus; capitals elsewhere stay acronyms."""
    from newsbeam.transforms.extract.focus import main_country
    from newsbeam.transforms.extract.multilingual_places import MultilingualPlaces

    places = MultilingualPlaces(gazetteer)
    text = "MOSCOU, 24 SET (ANSA) - O líder de oposição foi condenado."
    span = dateline_span(text)
    found = places.extract(text, "pt", span)
    assert found.countries == ["RU"]
    assert main_country(found, "Rival é condenado", text[span[0] : span[1]]) == "RU"
    assert places.extract("A PARIS e a ONU disseram.", "pt").countries == []
