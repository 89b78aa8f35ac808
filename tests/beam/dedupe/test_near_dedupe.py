"""`NearDedupe`: syndicated copies found by MinHash and recorded against the article kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.dedupe.minhash import MinHashParams, estimated_jaccard, signatures
from newsbeam.transforms.dedupe.near_dedupe import MINHASH_FIELD, NearDedupe
from tests.support.builders import clean_article

NOW = datetime(2025, 3, 10, tzinfo=UTC)
PARAMS = MinHashParams()


def _article(name, text, day, url=None):
    return clean_article(
        name,
        text=text,
        ingested_at=NOW,
        url=url or f"https://{name}.test/story",
        source=name,
        published=day.isoformat(),
    )


def test_syndicated_copies_are_found_and_the_seeds_are_not_copies(seeds_dir, pipeline):
    from newsbeam.transforms.sources.text_headers import split_header

    _, first = split_header((seeds_dir / "000_b9602190ba00a2ba.txt").read_text())
    _, second = split_header((seeds_dir / "003_ef4239176ea9162e.txt").read_text())
    paragraphs = first.split("\n\n")
    trimmed = "\n\n".join(paragraphs[:-1])
    credited = (
        first.replace("Ganja", "Gyandzha").replace("said", "stated")
        + "\n\n(With inputs from agencies)"
    )
    articles = [
        _article("original", first, date(2020, 10, 19)),
        _article("trimmed", trimmed, date(2020, 10, 20)),
        _article("credited", credited, date(2020, 10, 19)),
        _article("other-story", second, date(2020, 10, 18)),
    ]
    ids = {a["input"]: a["id"] for a in articles}
    with pipeline as p:
        result = {
            "articles": p | "Articles" >> beam.Create(articles),
            "prior": p | "NoPrior" >> beam.Create([]),
        } | NearDedupe(PARAMS)
        assert_that(
            result["articles"] | beam.Map(lambda a: a["input"]),
            equal_to(["original", "other-story"]),
            label="kept",
        )
        assert_that(
            result["duplicates"]
            | beam.Map(
                lambda d: (d["input"], d["duplicate_of"], d["kind"], d["similarity"] >= 0.8)
            ),
            equal_to(
                [
                    ("trimmed", ids["original"], "near", True),
                    ("credited", ids["original"], "near", True),
                ]
            ),
            label="duplicates",
        )


def test_a_copy_of_an_article_already_written_points_to_it(pipeline):
    text = " ".join(
        f"Sentence number {i} of the wire story about the harbour strike." for i in range(40)
    )
    earlier = _article("earlier", text, date(2025, 3, 1))
    later_but_older = _article("later", text.replace("harbour", "port"), date(2025, 2, 1))
    prior_signature = signatures([earlier["text"]], PARAMS)[0]
    with pipeline as p:
        result = {
            "articles": p | "Articles" >> beam.Create([later_but_older]),
            "prior": p | "Prior" >> beam.Create([(earlier["id"], prior_signature)]),
        } | NearDedupe(PARAMS)
        assert_that(result["articles"], equal_to([]), label="none kept")
        assert_that(
            result["duplicates"] | beam.Map(lambda d: d["duplicate_of"]),
            equal_to([earlier["id"]]),
            label="points to the written one",
        )


def test_chains_longer_than_the_rounds_are_still_one_story(pipeline):
    """Each version differs a little from the last: a chain, not a star."""
    words = [f"w{i}" for i in range(300)]
    versions = []
    for step in range(8):
        changed = words[:]
        for k in range(step * 6):
            changed[(k * 7) % 300] = f"edit{k}"
        versions.append(_article(f"v{step}", " ".join(changed), date(2025, 3, 1 + step)))
    first, last = signatures([versions[0]["text"], versions[-1]["text"]], PARAMS)
    assert estimated_jaccard(first, last) < 0.8  # the ends are not near-duplicates themselves
    with pipeline as p:
        result = {
            "articles": p | "Articles" >> beam.Create(versions),
            "prior": p | "NoPrior" >> beam.Create([]),
        } | NearDedupe(MinHashParams(threshold=0.8), rounds=1)
        assert_that(
            result["articles"] | beam.Map(lambda a: a["input"]), equal_to(["v0"]), label="one kept"
        )
        assert_that(
            result["duplicates"] | beam.Map(lambda d: d["duplicate_of"]) | beam.Distinct(),
            equal_to([versions[0]["id"]]),
            label="all point to v0",
        )


def test_kept_articles_carry_their_signature_for_the_index(pipeline):
    article = _article("a", "a unique story " * 50, date(2025, 3, 1))
    with pipeline as p:
        result = {
            "articles": p | beam.Create([article]),
            "prior": p | "NoPrior" >> beam.Create([]),
        } | NearDedupe(PARAMS)
        assert_that(
            result["articles"]
            | beam.Map(lambda a: (a[MINHASH_FIELD].dtype.name, len(a[MINHASH_FIELD]))),
            equal_to([("uint32", 128)]),
        )
