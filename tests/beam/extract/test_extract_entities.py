"""`ExtractEntities`: people, places, region and language added to each article."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.schemas import SCHEMA_VERSION
from newsbeam.transforms.extract.extract_entities import ExtractEntities
from tests.support.beam import project
from tests.support.builders import clean_article


def test_extract_entities_adds_people_places_region_and_language(pipeline):
    article = clean_article("kenya", source="S", published="2025-03-03") | {
        "title": "Kenya raises drought spending"
    }
    with pipeline as p:
        rows = p | beam.Create([article]) | ExtractEntities()
        assert_that(
            rows.articles
            | beam.Map(project("persons", "countries", "region", "language", "schema_version")),
            equal_to([(["Grace Wanjiru"], ["KE"], "eastern-africa", "en", SCHEMA_VERSION)]),
        )
        assert_that(rows.rejects, equal_to([]), label="no rejects")
