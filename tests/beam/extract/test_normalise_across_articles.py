"""`NormaliseAcrossArticles`: one spelling of a name across all articles, variants recorded."""

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.extract.normalise_across_articles import NormaliseAcrossArticles
from tests.support.builders import entity


def test_variants_are_merged_across_articles_and_recorded(pipeline):
    first = {
        "id": "a",
        "entities": [entity("Stephane Dujjaric", count=2)],
        "persons": ["Stephane Dujjaric"],
        "organizations": [],
    }
    second = {
        "id": "b",
        "entities": [entity("Stephane Dujarric", count=3)],
        "persons": ["Stephane Dujarric"],
        "organizations": [],
    }
    with pipeline as p:
        result = p | beam.Create([first, second]) | NormaliseAcrossArticles()
        assert_that(
            result["articles"] | beam.Map(lambda a: (a["id"], a["persons"])),
            equal_to([("a", ["Stephane Dujarric"]), ("b", ["Stephane Dujarric"])]),
            label="articles",
        )
        assert_that(
            result["variants"]
            | beam.Map(lambda v: (v["label"], v["variant"], v["canonical"], v["mentions"])),
            equal_to([("PERSON", "Stephane Dujjaric", "Stephane Dujarric", 2)]),
            label="variants",
        )


def test_the_spelling_the_text_writes_most_is_canonical_when_mentions_tie(pipeline):
    article = {
        "id": "a",
        "title": "Zamazenta Edition announced",
        "text": "The Zamazenta Edition ships soon; the Zamazenta Editino bundle too.",
        "entities": [entity("Zamazenta Edition", count=1), entity("Zamazenta Editino", count=1)],
        "persons": ["Zamazenta Edition", "Zamazenta Editino"],
        "organizations": [],
    }
    with pipeline as p:
        result = p | beam.Create([article]) | NormaliseAcrossArticles()
        assert_that(
            result["articles"] | beam.Map(lambda a: a["persons"]),
            equal_to([["Zamazenta Edition"]]),
        )
