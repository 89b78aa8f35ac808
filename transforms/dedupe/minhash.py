"""MinHash signatures and LSH band keys for near-duplicate detection.

Two texts are near-duplicates when the estimated Jaccard similarity of their word shingle
sets -- the share of equal signature values -- reaches the threshold. Shingles are hashed
with numpy over the UTF-8 bytes of a whole batch (no Python string per word or shingle:
that was most of the cost), and signatures come from rensa (a Rust MinHash) fed those
hashes. LSH bands make candidates: `bands` slices of `rows` values each; texts sharing any
slice are compared. With 128 values in 32 bands of 4, a pair at Jaccard 0.8 becomes a
candidate with probability 1 - (1 - 0.8**4)**32 > 0.9999, and one at 0.3 with probability
0.23.

Signatures outlive a run (the index beside the output), so everything that fixes their
values is named by `MinHashParams.scheme`; entries of another scheme are not comparable.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MINHASH_FIELD",
    "MinHashParams",
    "band_hash_matrix",
    "band_keys",
    "estimated_jaccard",
    "shingle_hashes",
    "shingles",
    "signatures",
]

MINHASH_FIELD = "_minhash"
"""The field a kept article carries its signature in, from near dedupe to the index rows."""

_PUNCTUATION_CHARS = ".,;:!?\"'()[]{}“”‘’«»—–-/|*_"
_PUNCTUATION = str.maketrans({char: " " for char in _PUNCTUATION_CHARS})

# What separates words, as bytes: ASCII punctuation and whitespace map to a space in one
# bytes.translate; the rest (curly quotes, dashes, Unicode spaces) are found as code points.
_SEPARATOR_CODES = sorted(
    {ord(char) for char in _PUNCTUATION_CHARS}
    | {code for code in range(sys.maxunicode + 1) if chr(code).isspace()}
)
_ASCII_SEPARATORS = bytes.maketrans(
    bytes(code for code in _SEPARATOR_CODES if code < 128),
    b" " * sum(code < 128 for code in _SEPARATOR_CODES),
)
_WIDE_SEPARATORS = np.array([code for code in _SEPARATOR_CODES if code >= 128], np.int64)
_SPACE = 32
_LONG_WORD = 64  # bytes; longer words are hashed one by one
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)

# Hashing: a polynomial over the bytes of a word, a polynomial over the hashes of the
# words of a shingle, each finished by splitmix64 so that rensa gets well-spread 64 bits.
_SCHEME = "words-utf8-poly64-splitmix64"
_BYTE_BASE = np.uint64(0x100000001B3)
_WORD_BASE = np.uint64(0x9E3779B97F4A7C15)
_MIX_1, _MIX_2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


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
        if self.bands > 256:
            raise ValueError(f"bands ({self.bands}) must be at most 256: one byte numbers them")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold}")

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    @property
    def scheme(self) -> str:
        """Names what fixes signature values (not the threshold): equal schemes, comparable
        signatures."""
        import rensa

        return (
            f"{_SCHEME}/shingle-{self.shingle_size}/rensa-{rensa.RMinHash.ALGORITHM_VERSION}"
            f"/perm-{self.num_perm}/seed-{self.seed}"
        )


def shingles(text: str, size: int) -> list[str]:
    """Word `size`-grams of the lower-cased text, punctuation ignored: what is hashed.

    The reference for `shingle_hashes`, which gives equal shingles equal hashes without
    building these strings.
    """
    tokens = text.lower().translate(_PUNCTUATION).split()
    if len(tokens) <= size:
        return [" ".join(tokens)]
    return [" ".join(gram) for gram in zip(*(tokens[i:] for i in range(size)), strict=False)]


def shingle_hashes(texts: Sequence[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of each text's `shingles`, flat, and the row offsets into them.

    Row i is `flat[offsets[i]:offsets[i + 1]]`: one hash per shingle, in order (a text of
    at most `size` words has one shingle, an empty text one of no words).
    """
    buffer, text_starts = _word_bytes(texts)
    word_starts, word_lengths = _words(buffer)
    words = _word_hashes(buffer, word_starts, word_lengths)
    first_word = np.searchsorted(word_starts, text_starts)
    word_counts = np.diff(np.append(first_word, len(word_starts)))
    rows = np.maximum(word_counts - size + 1, 1)
    offsets = np.concatenate(([0], np.cumsum(rows)))
    flat = np.empty(int(offsets[-1]), dtype=np.uint64)
    long_enough = word_counts >= size
    if long_enough.any():
        # Every window of `size` consecutive words, keeping those within one text.
        windows = _combine([words[k : len(words) - size + 1 + k] for k in range(size)])
        owner = np.repeat(np.arange(len(texts)), word_counts)[: len(windows)]
        within = np.arange(len(windows)) + size <= (first_word + word_counts)[owner]
        flat[np.repeat(long_enough, rows)] = windows[within]
    short = np.flatnonzero(~long_enough)
    if short.size:
        # Fewer words than a shingle: one shingle of them all, padded with zero hashes.
        padded = np.zeros((short.size, size), dtype=np.uint64)
        for row, text in enumerate(short):
            count = word_counts[text]
            padded[row, :count] = words[first_word[text] : first_word[text] + count]
        flat[offsets[short]] = _combine(list(padded.T))
    return flat, offsets


def _word_bytes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The lower-cased texts as one byte array with every separator a space, and where
    each text starts in it (texts are joined by a space, so no word spans two; eight
    spaces at the end let every word be read in whole 8-byte chunks)."""
    encoded = [text.lower().encode("utf-8").translate(_ASCII_SEPARATORS) for text in texts]
    lengths = np.fromiter((len(part) for part in encoded), dtype=np.int64, count=len(encoded))
    text_starts = np.cumsum(lengths + 1) - lengths  # after the leading space and each joint
    buffer = np.frombuffer(b" " + b" ".join(encoded) + b" " * 8, dtype=np.uint8).copy()
    if buffer.max(initial=0) >= 0x80:
        _blank_wide_separators(buffer)
    return buffer, text_starts


def _blank_wide_separators(buffer: np.ndarray) -> None:
    """Sets the bytes of every 2- or 3-byte UTF-8 separator to spaces (the buffer ends
    in spaces, so reading two bytes past a lead byte stays inside it)."""
    leads = np.flatnonzero(buffer >= 0xC2)
    lead = buffer[leads].astype(np.int64)
    second = buffer[leads + 1].astype(np.int64) & 0x3F
    third = buffer[leads + 2].astype(np.int64) & 0x3F
    two_bytes, three_bytes = lead <= 0xDF, (lead >= 0xE0) & (lead <= 0xEF)
    code = np.where(
        two_bytes, ((lead & 0x1F) << 6) | second, ((lead & 0x0F) << 12) | (second << 6) | third
    )
    hits = np.isin(code, _WIDE_SEPARATORS) & (two_bytes | three_bytes)
    buffer[leads[hits]] = _SPACE
    buffer[leads[hits] + 1] = _SPACE
    buffer[leads[hits & three_bytes] + 2] = _SPACE


def _words(buffer: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of every run of non-space bytes (the buffer starts and ends with
    a space)."""
    is_word = buffer != _SPACE
    edges = np.flatnonzero(is_word[1:] != is_word[:-1]) + 1
    starts, ends = edges[0::2], edges[1::2]
    return starts, ends - starts


def _word_hashes(buffer: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """A hash of each word's bytes, read as little-endian 64-bit chunks straight from the
    buffer for all words at once; the rare word longer than `_LONG_WORD` bytes is hashed
    on its own."""
    chunks = np.ndarray((len(buffer) - 7,), dtype="<u8", buffer=buffer, strides=(1,))
    hashes = np.zeros(len(starts), dtype=np.uint64)
    for chunk in range(_LONG_WORD // 8):
        words = np.flatnonzero(lengths > 8 * chunk) if chunk else np.arange(len(starts))
        if not words.size:
            break
        remaining = np.minimum(lengths[words] - 8 * chunk, 8)
        values = chunks[starts[words] + 8 * chunk] & _LOW_BYTES[remaining]
        hashes[words] = hashes[words] * _BYTE_BASE + values
    hashes = _mix(hashes ^ (lengths.astype(np.uint64) * _WORD_BASE))
    for word in np.flatnonzero(lengths > _LONG_WORD):
        data = buffer[starts[word] : starts[word] + lengths[word]].tobytes()
        hashes[word] = int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")
    return hashes


def _combine(columns: list[np.ndarray]) -> np.ndarray:
    """One hash per row from equal-length arrays of word hashes, order-sensitive."""
    combined = columns[0].copy()
    for column in columns[1:]:
        combined = combined * _WORD_BASE + column
    return _mix(combined)


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves every output bit."""
    values = values ^ (values >> np.uint64(30))
    values = values * _MIX_1
    values = values ^ (values >> np.uint64(27))
    values = values * _MIX_2
    return values ^ (values >> np.uint64(31))


def signatures(texts: Sequence[str], params: MinHashParams) -> np.ndarray:
    """One row of `num_perm` uint32 MinHash values per text, computed in one batch."""
    import rensa

    if not texts:
        return np.empty((0, params.num_perm), dtype=np.uint32)
    flat, offsets = shingle_hashes(texts, params.shingle_size)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        flat, offsets.astype(np.uint64), params.num_perm, params.seed
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


def band_hash_matrix(signatures: np.ndarray, params: MinHashParams) -> np.ndarray:
    """One uint64 per text and band: the band's number in the top byte, 56 bits of a hash
    of its values below. Equal exactly where `band_keys` are (but for hash collisions),
    and computed for a whole batch at once."""
    signatures = np.asarray(signatures, dtype=np.uint64)
    bands = signatures.reshape(len(signatures), params.bands, params.rows)
    hashes = _combine([bands[:, :, row] for row in range(params.rows)]) >> np.uint64(8)
    return hashes | (np.arange(params.bands, dtype=np.uint64) << np.uint64(56))


def estimated_jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """The share of equal MinHash values: an unbiased estimate of Jaccard similarity."""
    return float(np.count_nonzero(first == second)) / len(first)
