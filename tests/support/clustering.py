"""Scores of a clustering against gold clusters: B-cubed and pairwise precision and recall.

B-cubed averages over items (for each item, the share of its predicted cluster that is in
its gold cluster, and the reverse); it flatters a set where most clusters are small.
Pairwise counts the pairs of items put together: precision over predicted pairs, recall
over gold pairs. Both are reported, as Amigó et al. (2009) and the story-clustering
literature do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from typing import NamedTuple


class Scores(NamedTuple):
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def b_cubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    assert len(gold) == len(predicted) and gold
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_sizes, predicted_sizes = Counter(gold), Counter(predicted)
    precision = recall = 0.0
    for (g, p), together in pairs.items():
        precision += together * together / predicted_sizes[p]
        recall += together * together / gold_sizes[g]
    return Scores(precision / len(gold), recall / len(gold))


def pairwise(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    assert len(gold) == len(predicted) and gold

    def pairs(count: int) -> int:
        return count * (count - 1) // 2

    together = sum(pairs(n) for n in Counter(zip(gold, predicted, strict=True)).values())
    predicted_pairs = sum(pairs(n) for n in Counter(predicted).values())
    gold_pairs = sum(pairs(n) for n in Counter(gold).values())
    return Scores(
        together / predicted_pairs if predicted_pairs else 1.0,
        together / gold_pairs if gold_pairs else 1.0,
    )
