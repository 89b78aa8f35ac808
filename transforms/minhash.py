"""MinHash signatures and LSH band keys for near-duplicate detection.

Signatures come from rensa (a Rust MinHash, ~50,000 signatures/s once shingled); shingling
in Python is the cost that remains, so tokens come from a plain split after punctuation is
blanked. Two texts are near-duplicates when the estimated Jaccard similarity of their word
shingle sets -- the share of equal signature values -- reaches the threshold. LSH bands
make candidates: `bands` slices of `rows` values each; texts sharing any slice are
compared. With 128 values in 32 bands of 4, a pair at Jaccard 0.8 becomes a candidate with
probability 1 - (1 - 0.8**4)**32 > 0.9999, and one at 0.3 with probability 0.23.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MinHashParams",
    "band_hashes",
    "band_keys",
    "estimated_jaccard",
    "shingles",
    "signatures",
]

_PUNCTUATION = str.maketrans({char: " " for char in ".,;:!?\"'()[]{}“”‘’«»—–-/|*_"})


@dataclass(frozen=True)
class MinHashParams:
    """Shingle size, signature length, banding and the similarity that makes a duplicate."""

    shingle_size: int = 3
    num_perm: int = 128
    bands: int = 32
    threshold: float = 0.8
    seed: int = 20_250_303

    def __post_init__(self) -> None:
        if self.shingle_size < 1 or self.num_perm < 1 or self.bands < 1:
            raise ValueError("shingle_size, num_perm and bands must be positive")
        if self.num_perm % self.bands:
            raise ValueError(
                f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})"
            )
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold}")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


def shingles(text: str, size: int) -> list[str]:
    """Word `size`-grams of the lower-cased text, punctuation ignored."""
    tokens = text.lower().translate(_PUNCTUATION).split()
    if len(tokens) <= size:
        return [" ".join(tokens)]
    return [" ".join(gram) for gram in zip(*(tokens[i:] for i in range(size)), strict=False)]


def signatures(texts: Sequence[str], params: MinHashParams) -> np.ndarray:
    """One row of `num_perm` uint32 MinHash values per text, computed in one batch."""
    import rensa

    shingle_sets = [shingles(text, params.shingle_size) for text in texts]
    matrix = rensa.RMinHash.digest_matrix_from_token_sets(
        shingle_sets, params.num_perm, params.seed
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(len(texts), params.num_perm)


def band_keys(signature: np.ndarray, params: MinHashParams) -> list[str]:
    """One key per band: the band's number and a hash of its values."""
    rows = params.rows
    keys = []
    for band in range(params.bands):
        values = signature[band * rows : (band + 1) * rows].tobytes()
        keys.append(f"{band:02d}:{hashlib.blake2b(values, digest_size=8).hexdigest()}")
    return keys


def band_hashes(signature: np.ndarray, params: MinHashParams) -> list[int]:
    """`band_keys` as 64-bit ints (band number in the top byte): cheaper to shuffle."""
    rows = params.rows
    hashes = []
    for band in range(params.bands):
        values = signature[band * rows : (band + 1) * rows].tobytes()
        digest = int.from_bytes(hashlib.blake2b(values, digest_size=7).digest(), "big")
        hashes.append((band << 56) | digest)
    return hashes


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """The share of equal MinHash values: an unbiased estimate of Jaccard similarity."""
    return float(np.count_nonzero(first == second)) / len(first)
