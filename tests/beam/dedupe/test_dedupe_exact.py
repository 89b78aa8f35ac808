"""`DedupeExact`: the earliest copy of each URL and text kept, the others recorded."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics.metric import MetricsFilter
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.dedupe.dedupe_exact import DedupeExact
from tests.support.beam import project
from tests.support.builders import STORY, clean_article


def _own_id(article_id, input_ref):
    import hashlib

    return hashlib.sha256(f"{article_id}\x1f{input_ref}".encode()).hexdigest()[:32]


def test_dedupe_keeps_the_earliest_copy_of_each_url_and_text(pipeline):
    other = STORY.replace("Monday", "Tuesday")
    articles = [
        clean_article("late-copy", url="https://a.test/1", source="S", published="2025-03-04"),
        clean_article("early-copy", url="https://b.test/2", source="S", published="2025-03-03"),
        clean_article(
            "same-url",
            text=other,
            url="https://a.test/1?utm_source=rss",
            source="S",
            published="2025-03-05",
        ),
        clean_article("undated", text=other.upper(), source="S"),  # the ingestion date only
        clean_article(
            "unique",
            text=STORY + " Extra sentence here.",
            url="https://c.test/3",
            source="S",
            published="2025-03-03",
        ),
    ]
    by_input = {a["input"]: a["id"] for a in articles}
    with pipeline as p:
        result = p | beam.Create(articles) | DedupeExact()
        assert_that(
            result["articles"] | beam.Map(lambda r: r["input"]),
            # "undated" shares its text only with "same-url", which is dropped as a copy of
            # the URL of "late-copy": it is the only copy of that text left, so it is kept.
            equal_to(["early-copy", "undated", "unique"]),
            label="kept",
        )
        assert_that(
            result["duplicates"] | beam.Map(project("duplicate_of", "kind", "input")),
            equal_to(
                [
                    (by_input["early-copy"], "exact", "late-copy"),
                    # Late-copy's URL with another text: a revision of it.
                    (by_input["early-copy"], "revision", "same-url"),
                ]
            ),
            label="duplicates",
        )
        # "same-url" has late-copy's id (one URL): its row gets an id of its own, from its text.
        revision = next(a for a in articles if a["input"] == "same-url")
        assert_that(
            result["duplicates"] | "Ids" >> beam.Map(lambda d: d["id"]),
            equal_to(
                [by_input["late-copy"], _own_id(by_input["same-url"], revision["content_hash"])]
            ),
            label="distinct ids",
        )


def test_copies_under_the_same_id_get_ids_of_their_own(pipeline):
    text = STORY + " An identical wire copy with no URL."
    copies = [
        clean_article(name, text=text, source="S", published="2025-03-03")
        for name in ("first", "second", "third")
    ]
    assert len({c["id"] for c in copies}) == 1
    with pipeline as p:
        result = p | beam.Create(copies) | DedupeExact()
        assert_that(
            result["duplicates"]
            | beam.Map(
                lambda d: (
                    d["input"],
                    d["id"] != d["duplicate_of"],
                    d["duplicate_of"] == copies[0]["id"],
                )
            ),
            equal_to([("second", True, True), ("third", True, True)]),
            label="own ids",
        )
        assert_that(
            result["duplicates"]
            | "Ids" >> beam.Map(lambda d: d["id"])
            | beam.Distinct()
            | beam.combiners.Count.Globally(),
            equal_to([2]),
            label="distinct keys",
        )


def test_an_exact_copy_of_a_near_copy_is_a_near_copy_of_the_article_kept(pipeline):
    """Three readability test pages of one RTL article, the first a near copy (0.891) of the
    page kept: the other two were written `exact`, similarity 1.0, pointing to the page kept,
    whose text is not theirs. They say what they are to it: near, at 0.891. A revision moved
    the same way stays a revision."""
    from newsbeam.transforms.dedupe.dedupe_exact import RepointDuplicates

    def row(row_id, of, kind, similarity):
        return {"id": row_id, "duplicate_of": of, "kind": kind, "similarity": similarity}

    exact = [row("rtl-2", "rtl-1", "exact", 1.0), row("rtl-3", "rtl-1", "revision", None)]
    dropped = [row("rtl-1", "kept", "near", 0.891), row("other", "kept", "exact", 1.0)]
    moved = {
        "duplicates": pipeline | "Exact" >> beam.Create(exact + [row("x", "other", "exact", 1.0)]),
        "dropped": pipeline | "Dropped" >> beam.Create(dropped),
    } | RepointDuplicates()
    assert_that(
        moved | beam.Map(project("id", "duplicate_of", "kind", "similarity")),
        equal_to(
            [
                ("rtl-2", "kept", "near", 0.891),
                ("rtl-3", "kept", "revision", None),
                ("x", "kept", "exact", 1.0),
            ]
        ),
    )
    result = pipeline.run()
    result.wait_until_finish()
    # The run's summary counts the moved copy as the tables do: one exact less, one near more.
    for name, change in (("duplicates_exact", -1), ("duplicates_near", 1)):
        counters = result.metrics().query(MetricsFilter().with_name(name))["counters"]
        assert sum(counter.committed for counter in counters) == change, name
