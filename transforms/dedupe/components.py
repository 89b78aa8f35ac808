"""Connected components of the near-duplicate graph, labelled by their smallest node.

Beam has no loops, so components are found by a fixed number of min-label propagation
rounds (each node takes the smallest label among itself and its neighbours), which settles
every component whose diameter is at most the number of rounds: news clusters are mostly
stars around the original. What has not settled shows as edges whose two ends disagree;
`merge_labels` resolves exactly those -- a small set -- in one place. The result is exact.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

__all__ = ["merge_labels"]

L = TypeVar("L", bound=Hashable)


def merge_labels(disagreements: Iterable[tuple[L, L]]) -> dict[L, L]:
    """Maps each label on a disagreeing edge to the smallest label it is connected to.

    Every node carrying label `a` is connected to node `a` (labels travel along edges), so
    two label groups joined by an edge are one component, whose label is the smaller.
    """
    parent: dict[L, L] = {}

    def find(label: L) -> L:
        root = label
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(label, label) != root:  # path compression
            parent[label], label = root, parent[label]
        return root

    for first, second in disagreements:
        root_first, root_second = find(first), find(second)
        if root_first != root_second:
            low, high = sorted((root_first, root_second))
            parent[high] = low
            parent.setdefault(low, low)
    return {label: find(label) for label in list(parent)}
