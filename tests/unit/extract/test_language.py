"""Language detection: a short headline in doubt is read as the language more news is
written in; a text of its own language is read as that language, however short."""

from __future__ import annotations

import pytest

from newsbeam.transforms.extract.language import (
    detect_language,
    language_priors,
    load_language_model,
)


@pytest.mark.parametrize(
    "headline",
    [
        "US stocks dip on weak China data",  # read as Nigerian Pidgin without the priors
        "Four European Nations Appeal for US Natural Gas Exports",
        "McDonald's Sales Tank In February",  # Bikol
    ],
)
def test_a_short_english_headline_is_english(headline):
    assert detect_language(headline) == "en"


@pytest.mark.parametrize(
    ("headline", "language"),
    [
        ("Die Regierung beschließt neue Sanktionen", "de"),
        ("Le gouvernement annonce de nouvelles sanctions", "fr"),
        ("Governo anuncia novas sanções contra a Rússia", "pt"),
        ("Правительство объявило новые санкции", "ru"),
        ("Hoe de Nederlandse regering de stikstofcrisis aanpakt", "nl"),
        ("Rząd ogłasza nowe sankcje wobec Rosji", "pl"),
    ],
)
def test_a_short_headline_in_another_language_keeps_it(headline, language):
    assert detect_language(headline) == language


def test_every_language_of_the_priors_is_one_the_identifier_knows():
    known = set(load_language_model().nb_classes)
    priors = language_priors()
    assert priors["en"] > priors["de"] > 0
    assert set(priors) <= known, set(priors) - known


def test_too_short_a_text_has_no_language():
    assert detect_language("Oil up") is None
