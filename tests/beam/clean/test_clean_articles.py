"""`CleanArticles`: boilerplate stripped, short texts rejected, on a real runner."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.clean.clean_articles import CleanArticles
from tests.support.beam import project
from tests.support.builders import STORY, raw_article


def test_clean_articles_strips_boilerplate_and_rejects_short_texts(pipeline):
    noisy = f"{STORY}\n\nRead: More On Kenya\n\nInputs: ANI/ Image: AP"
    with pipeline as p:
        cleaned = (
            p
            | beam.Create(
                [
                    raw_article("long", text=noisy, source="S", published="2025-03-03"),
                    raw_article(
                        "short", text="Too short to be news.", source="S", published="2025-03-03"
                    ),
                ]
            )
            | CleanArticles(min_words=40)
        )
        assert_that(
            cleaned.articles | beam.Map(lambda r: (r["input"], r["text"])),
            equal_to([("long", STORY)]),
            label="kept",
        )
        assert_that(
            cleaned.rejects | beam.Map(project("input", "stage", "reason")),
            equal_to([("short", "clean", "too_short")]),
            label="rejected",
        )
