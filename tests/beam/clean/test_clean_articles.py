"""`CleanArticles`: boilerplate stripped, short texts rejected, on a real runner."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.clean.clean_articles import CleanArticles
from tests.support.beam import project
from tests.support.builders import STORY, raw_article


def _cleaned(pipeline, texts: dict[str, str], min_words: int):
    """`CleanArticles` over one raw article per (input, text)."""
    articles = [
        raw_article(name, text=text, source="S", published="2025-03-03")
        for name, text in texts.items()
    ]
    return pipeline | beam.Create(articles) | CleanArticles(min_words=min_words)


def test_clean_articles_strips_boilerplate_and_rejects_short_texts(pipeline):
    noisy = f"{STORY}\n\nRead: More On Kenya\n\nInputs: ANI/ Image: AP"
    texts = {"long": noisy, "short": "Too short to be news."}
    with pipeline as p:
        cleaned = _cleaned(p, texts, min_words=40)
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


def test_a_text_of_boilerplate_lines_only_is_its_own_words_not_an_empty_text(pipeline):
    """A headline-only record ("VIDEO: ...", "WATCH: ...") has no article around its line:
    the line is kept and judged by the word floor, instead of a 0-word reject."""
    headline = "VIDEO: Snowden Says Encryption And Oversight Are Key To Protecting The Public"
    with pipeline as p:
        cleaned = _cleaned(p, {"video": headline, "credit": "Photo: Reuters"}, min_words=5)
        assert_that(
            cleaned.articles | beam.Map(lambda r: (r["input"], r["text"], r["word_count"])),
            equal_to([("video", headline, 12)]),
            label="kept",
        )
        assert_that(
            cleaned.rejects | beam.Map(project("input", "reason", "detail")),
            equal_to([("credit", "too_short", "2 words, fewer than --min-words=5")]),
            label="rejected",
        )
