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
        "",
    ],
)
def test_text_without_a_dateline_shape_has_none(text):
    assert dateline_span(text) is None


def test_main_country_counts_a_dateline_as_focus(gazetteer):
    """A country named once, in the dateline, is the focus, as it is in the title."""
    from newsbeam.transforms.extract.entities import Mention, summarise_mentions
    from newsbeam.transforms.extract.focus import main_country

    text = "NAIROBI (Reuters) - The central bank held its rate on Tuesday."
    found = summarise_mentions([Mention("NAIROBI", "GPE", 0, 7)], gazetteer, text, (0, 7))
    assert main_country(found, "Central bank holds rate") is None
    assert main_country(found, "Central bank holds rate", "NAIROBI") == "KE"
