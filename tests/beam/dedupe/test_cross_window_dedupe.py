"""`CrossWindowDedupe`: a stream's copies caught against earlier windows until they expire."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.test_stream import TestStream as BeamTestStream
from apache_beam.testing.util import assert_that, equal_to, equal_to_per_window
from apache_beam.transforms import window
from apache_beam.transforms.window import IntervalWindow, TimestampedValue
from apache_beam.utils.timestamp import Duration

from newsbeam.transforms.clean.clean_articles import clean_article
from newsbeam.transforms.dedupe.cross_window_dedupe import CrossWindowDedupe
from newsbeam.transforms.dedupe.minhash import MinHashParams
from newsbeam.transforms.dedupe.near_dedupe import NearDedupe
from tests.support.beam import streaming_pipeline
from tests.support.builders import feed_article


def _story(seed: int, words: int = 260) -> str:
    import random

    rng = random.Random(seed)
    vocabulary = [
        f"{stem}{n}" for stem in ("port", "vote", "rain", "grid", "bank") for n in range(40)
    ]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def _copy(text: str) -> str:
    words = text.split()
    return " ".join(words[:-12] + ["(With", "inputs", "from", "agencies)"])


def test_copies_are_caught_across_windows_in_any_arrival_order_until_they_expire(tmp_path):
    def article(name, text, at):
        record = feed_article(f"https://wire.test/{name}", text=text, at=at)
        return TimestampedValue(clean_article(record), at)

    a, b, c = _story(1), _story(2), _story(3)
    events = (
        BeamTestStream()
        .add_elements([article("a", a, 10), article("c", c, 20)])
        .advance_watermark_to(60)
        .add_elements([article("a-copy", _copy(a), 70)])  # a later window: against "a"
        .add_elements([article("b", b, 200)])
        .advance_watermark_to(240)
        .add_elements([article("b-copy-late", _copy(b), 100)])  # older, but arrives after "b"
        .add_elements([article("c-copy", _copy(c), 5_000)])  # "c" has expired by then
        .advance_watermark_to_infinity()
    )
    params = MinHashParams()
    with streaming_pipeline() as p:
        windowed = (
            p
            | events
            | beam.WindowInto(window.FixedWindows(60), allowed_lateness=Duration(seconds=3600))
        )
        near = {"articles": windowed, "prior": p | "NoPrior" >> beam.Create([])} | NearDedupe(
            params
        )
        later = near["articles"] | CrossWindowDedupe(params, expiry=1_000)
        name = lambda url: url.rsplit("/", 1)[1]  # noqa: E731
        assert_that(
            later["articles"] | "Kept" >> beam.Map(lambda r: name(r["url"])),
            equal_to_per_window(
                {
                    IntervalWindow(0, 60): ["a", "c"],
                    IntervalWindow(180, 240): ["b"],
                    IntervalWindow(4980, 5040): ["c-copy"],
                }
            ),
            label="kept",
        )
        # The late copy is its window's late pane: compare across panes.
        assert_that(
            later["duplicates"]
            | "Copies" >> beam.Map(lambda r: (name(r["url"]), r["kind"], r["similarity"] >= 0.8))
            | "AllPanes" >> beam.WindowInto(window.GlobalWindows()),
            equal_to([("a-copy", "near", True), ("b-copy-late", "near", True)]),
            label="duplicates",
        )
