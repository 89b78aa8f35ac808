"""`AssignStories` in a pipeline: every article and copy gets its story, in batch and
across the windows of a stream (keyed state), and a story's summary row is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import apache_beam as beam
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.test_stream import TestStream
from apache_beam.testing.util import assert_that, equal_to
from apache_beam.transforms import window
from apache_beam.transforms.window import TimestampedValue

from newsbeam.transforms.stories.assign_stories import AssignStories
from tests.support.beam import project, streaming_pipeline
from tests.support.builders import article_row, duplicate_row

START = datetime(2025, 3, 10, 9, tzinfo=UTC)
SNOWDEN = [
    ("Edward Snowden warns of personal data vulnerability at SXSW", "Tech Daily"),
    ("Snowden tells SXSW crowd to encrypt personal data", "Wire"),
]
CARNEY = ("Carney questioned by Treasury committee over Bank of England forex probe", "City")


def _article(article_id: str, title: str, source: str, minutes: int) -> dict:
    return article_row(
        id=article_id,
        title=title,
        text=title + ". More follows.",
        source=source,
        published_at=START + timedelta(minutes=minutes),
    )


def _articles() -> list[dict]:
    return [
        _article("a" * 32, *SNOWDEN[0], 0),
        _article("b" * 32, *SNOWDEN[1], 5),
        _article("c" * 32, *CARNEY, 10),
    ]


def test_articles_of_one_event_share_a_story_and_a_copy_takes_its_article_s():
    copy = duplicate_row(id="d" * 32, duplicate_of="b" * 32, story_id=None)
    with TestPipeline(runner="DirectRunner") as p:
        stories = {
            "articles": p | "Articles" >> beam.Create(_articles()),
            "duplicates": p | "Duplicates" >> beam.Create([copy]),
        } | AssignStories(None, 7 * 86_400.0)
        assert_that(
            stories["articles"] | "A" >> beam.Map(project("id", "story_id")),
            equal_to([("a" * 32, "a" * 32), ("b" * 32, "a" * 32), ("c" * 32, "c" * 32)]),
            label="articles",
        )
        assert_that(
            stories["duplicates"] | "D" >> beam.Map(project("id", "story_id")),
            equal_to([("d" * 32, "a" * 32)]),
            label="duplicates",
        )
        assert_that(
            stories["stories"]
            | "S" >> beam.Map(project("story_id", "articles_added", "sources", "title")),
            equal_to(
                [
                    ("a" * 32, 2, ["Tech Daily", "Wire"], SNOWDEN[0][0]),
                    ("c" * 32, 1, ["City"], CARNEY[0]),
                ]
            ),
            label="stories",
        )


def test_a_story_opened_in_one_window_is_joined_in_the_next_through_keyed_state():
    first, second, other = _articles()
    second = {**second, "published_at": START + timedelta(minutes=90)}
    at = START.timestamp()
    articles = (
        TestStream()
        .add_elements([TimestampedValue(first, at), TimestampedValue(other, at + 60)])
        .advance_watermark_to(at + 3600)  # closes the first hour
        .add_elements([TimestampedValue(second, at + 5400)])
        .advance_watermark_to_infinity()
    )
    with streaming_pipeline() as p:
        windowed = p | articles | beam.WindowInto(window.FixedWindows(3600))
        none = p | "NoCopies" >> beam.Create([]) | "W" >> beam.WindowInto(window.FixedWindows(3600))
        stories = {"articles": windowed, "duplicates": none} | AssignStories(
            None, 7 * 86_400.0, in_keyed_state=True
        )
        assert_that(
            stories["articles"] | beam.Map(project("id", "story_id")),
            equal_to([("a" * 32, "a" * 32), ("b" * 32, "a" * 32), ("c" * 32, "c" * 32)]),
        )
