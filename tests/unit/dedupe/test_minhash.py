"""MinHash: shingles, signatures, bands and the parameters that fix them (pure numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from newsbeam.transforms.dedupe.minhash import (
    MinHashParams,
    band_hash_matrix,
    band_keys,
    estimated_jaccard,
    shingle_hashes,
    shingles,
    signatures,
)

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
