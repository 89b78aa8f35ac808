"""A reproducible synthetic news corpus for benchmarks.

Articles are drawn from a seeded Zipf-distributed vocabulary of word-like tokens with
sentence and paragraph structure, so shingling, hashing and parsing cost what they cost on
real text of the same length. A share of them are syndicated copies with realistic edits
(a trimmed last paragraph, a dateline, a credit line).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["SyntheticArticle", "articles"]

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tas",
    "vo",
    "pel",
    "dru",
    "sen",
    "ta",
    "mor",
    "qui",
    "ban",
    "lit",
    "zer",
    "ha",
    "nu",
    "gro",
    "fel",
    "ost",
]


@dataclass(frozen=True)
class SyntheticArticle:
    id: str
    text: str
    copy_of: str | None


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def _text(rng: random.Random, vocabulary: list[str], weights: list[float], words: int) -> str:
    tokens = rng.choices(vocabulary, weights=weights, k=words)
    paragraphs, sentence, paragraph = [], [], []
    for token in tokens:
        sentence.append(token)
        if len(sentence) >= rng.randint(12, 28):
            paragraph.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if len(paragraph) >= rng.randint(3, 5):
                paragraphs.append(" ".join(paragraph))
                paragraph = []
    if sentence:
        paragraph.append(" ".join(sentence).capitalize() + ".")
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs)


def _syndicate(rng: random.Random, text: str) -> str:
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 4 and rng.random() < 0.5:
        paragraphs = paragraphs[:-1]
    paragraphs[0] = "LONDON (Wire) - " + paragraphs[0]
    return "\n\n".join(paragraphs) + "\n\n(With inputs from agencies)"


def articles(
    count: int, words: tuple[int, int] = (800, 800), copies: float = 0.1, seed: int = 7
) -> Iterator[SyntheticArticle]:
    """`count` articles of `words` (min, max) words; a `copies` share are syndicated copies."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(vocabulary))]
    originals: list[SyntheticArticle] = []
    for number in range(count):
        if originals and rng.random() < copies:
            source = rng.choice(originals)
            yield SyntheticArticle(f"a{number:06d}", _syndicate(rng, source.text), source.id)
            continue
        article = SyntheticArticle(
            f"a{number:06d}", _text(rng, vocabulary, weights, rng.randint(*words)), None
        )
        originals.append(article)
        yield article
