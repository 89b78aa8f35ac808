"""A country's institutions named without it are evidence of it, on every extraction path.

"The Kremlin denied", "l'Élysée a confirmé": the article is about Russia or France though it
never names them. Through `ArticleExtractor`, as a batch runs it: English through its
model, French through its model for organizations and the multilingual gazetteer for
places, whose ranking the model's institutions join.
"""

import pytest

from newsbeam.transforms.extract.article_extractor import ArticleExtractor
from newsbeam.transforms.extract.languages import installed_models

KREMLIN = (
    "The Kremlin denied the report on Tuesday. A Kremlin spokesman said no meeting was "
    "planned in Syria this week, adding that talks would continue through other channels."
)
ELYSEE = (
    "L'Élysée a confirmé mardi la visite. Selon l'Élysée et Matignon, le président se rendra "
    "en Syrie la semaine prochaine pour rencontrer les autorités locales et des ONG."
)


@pytest.fixture(scope="module")
def extractor() -> ArticleExtractor:
    extractor = ArticleExtractor()
    extractor.setup()
    return extractor


def _row(extractor: ArticleExtractor, text: str, language: str) -> dict:
    article = {
        "input": "x",
        "title": "Annonce",
        "text": text,
        "language_hint": language,
        "ingested_at": "2025-01-01T00:00:00Z",
    }
    return extractor.extract([article]).articles[0]


def test_an_english_article_about_the_kremlin_is_russia_s(extractor):
    row = _row(extractor, KREMLIN, "en")
    assert (row["main_country"], row["countries"]) == ("RU", ["RU", "SY"])
    kremlin = next(e for e in row["entities"] if e["text"] == "Kremlin")
    assert (kremlin["label"], kremlin["country"]) == ("ORG", "RU")


def test_a_french_article_about_the_elysee_is_france_s(extractor):
    if installed_models().get("fr") is None:
        pytest.skip("no French pipeline is installed")
    row = _row(extractor, ELYSEE, "fr")
    assert row["ner_model"] == installed_models()["fr"]
    assert (row["main_country"], row["countries"]) == ("FR", ["FR", "SY"])


def test_a_demonym_counts_once_where_a_model_and_the_gazetteer_both_read(extractor):
    """French runs its model and the gazetteer: "Afghan" is a demonym of both (the English
    ruler's pattern is in the French pipeline's entities too), one mention all the same."""
    if installed_models().get("fr") is None:
        pytest.skip("no French pipeline is installed")
    text = "Un Afghan a été arrêté mardi à la gare, selon la police, qui a ouvert une enquête."
    row = _row(extractor, text, "fr")
    assert row["ner_model"] == installed_models()["fr"]
    afghan = [e for e in row["entities"] if e["country"] == "AF"]
    assert [(e["label"], e["count"]) for e in afghan] == [("NORP", 1)]
