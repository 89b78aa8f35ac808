"""Near-duplicate detection: pure MinHash functions and the `NearDedupe` transform."""

from __future__ import annotations

from datetime import UTC, date, datetime

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.clean.clean_articles import clean_article
from newsbeam.transforms.dedupe.minhash import (
    MinHashParams,
    band_hash_matrix,
    band_keys,
    estimated_jaccard,
    shingle_hashes,
    shingles,
    signatures,
)
from newsbeam.transforms.dedupe.near_dedupe import MINHASH_FIELD, NearDedupe
from newsbeam.transforms.sources.article_files import raw_record

NOW = datetime(2025, 3, 10, tzinfo=UTC)
PARAMS = MinHashParams()


def test_shingles_ignore_case_and_punctuation():
    assert shingles("The cat, sat. ON the mat!", 3) == [
        "the cat sat",
        "cat sat on",
        "sat on the",
        "on the mat",
    ]
    assert shingles("Two words", 3) == ["two words"]


def _shingle_texts(seeds_dir) -> list[str]:
    seeds = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))]
    return [
        *seeds,
        seeds[0].upper(),
        "The cat, sat. ON the mat!",
        "the CAT sat \u2014 on the mat today",
        "Two words",
        "",
        "   ",
        "a\u00a0b\u2009c d\u2014e \u201cf\u201d g",
        "a b c d e f g",
        "Stra\u00dfe \u00abquote\u00bb \u2013 dash\u2018s caf\u00e9 \u0394\u03b5\u03bb\u03c4\u03af\u03bf",
        "tab\there\nnew\x1cline\u3000ideographic space",
        "x" * 300 + " y z",
        "y z " + "x" * 300,
        "a-very-long-hyphenated-word-that-splits up here",
    ]


def test_shingle_hashes_give_equal_shingles_equal_hashes(seeds_dir):
    """The vectorised hashes stand for `shingles` exactly: the same count per text, and
    the same overlap between any two texts (Unicode punctuation and spaces included)."""
    texts = _shingle_texts(seeds_dir)
    flat, offsets = shingle_hashes(texts, 3)
    hashed = [set(flat[offsets[i] : offsets[i + 1]].tolist()) for i in range(len(texts))]
    named = [set(shingles(text, 3)) for text in texts]
    for i, text in enumerate(texts):
        assert offsets[i + 1] - offsets[i] == len(shingles(text, 3)), text[:40]
        assert len(hashed[i]) == len(named[i]), text[:40]
        alone, _ = shingle_hashes([text], 3)
        assert alone.tolist() == flat[offsets[i] : offsets[i + 1]].tolist()
        for j in range(len(texts)):
            assert len(hashed[i] & hashed[j]) == len(named[i] & named[j]), (text[:30], j)
    assert len(hashed[0] & hashed[1]) > 0  # the two seeds share wording
    assert hashed[0] == hashed[2]  # case does not count


def test_signatures_are_deterministic_and_estimate_jaccard():
    a = " ".join(f"word{i}" for i in range(400))
    b = " ".join(f"word{i}" for i in range(100, 500))  # 298 of 498 shingles shared: J ~ 0.60
    first, again = signatures([a, b], PARAMS), signatures([a, b], PARAMS)
    assert first.dtype == np.uint32 and first.shape == (2, 128)
    assert np.array_equal(first, again)
    assert estimated_jaccard(first[0], first[0]) == 1.0
    assert estimated_jaccard(first[0], first[1]) == pytest.approx(298 / 502, abs=0.1)


def test_band_keys():
    keys = band_keys(signatures(["some text here"], PARAMS)[0], PARAMS)
    assert len(keys) == PARAMS.bands and len(set(keys)) == PARAMS.bands
    assert keys[0].startswith("00:") and keys[-1].startswith("31:")


def test_band_hashes_are_equal_exactly_where_bands_are():
    first, second = signatures(["some text here and more", "some text here and less"], PARAMS)
    second[: PARAMS.rows] = first[: PARAMS.rows]  # the first band equal, the rest differ
    ours, theirs = band_hash_matrix(np.stack([first, second]), PARAMS).tolist()
    assert [band >> 56 for band in ours] == list(range(PARAMS.bands))
    equal_bands = [
        np.array_equal(
            first[b * PARAMS.rows : (b + 1) * PARAMS.rows],
            second[b * PARAMS.rows : (b + 1) * PARAMS.rows],
        )
        for b in range(PARAMS.bands)
    ]
    assert [a == b for a, b in zip(ours, theirs, strict=True)] == equal_bands
    assert equal_bands[0] and not all(equal_bands)


def test_the_scheme_names_what_fixes_signature_values():
    assert MinHashParams(threshold=0.5).scheme == PARAMS.scheme  # the threshold does not
    assert MinHashParams(shingle_size=2).scheme != PARAMS.scheme
    assert MinHashParams(seed=1).scheme != PARAMS.scheme
    assert MinHashParams(num_perm=64).scheme != PARAMS.scheme


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_perm": 100, "bands": 32}, "multiple of bands"),
        ({"threshold": 0}, "threshold"),
        ({"shingle_size": 0}, "positive"),
        ({"num_perm": 1024, "bands": 512}, "at most 256"),
    ],
)
def test_params_are_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MinHashParams(**kwargs)


def _article(name, text, day, url=None):
    record = raw_record(
        name,
        text=text,
        ingested_at=NOW,
        url=url or f"https://{name}.test/story",
        source=name,
        published=day.isoformat(),
        date_source="header",
    )
    return clean_article(record)


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
