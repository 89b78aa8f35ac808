"""Connected components of near-duplicate pairs: a few rounds of propagation, then a merge."""

from hypothesis import given
from hypothesis import strategies as st

from newsbeam.transforms.dedupe.components import merge_labels


def test_labels_joined_by_disagreeing_edges_merge_to_the_smallest():
    assert merge_labels([(5, 3), (3, 9), (7, 8)]) == {3: 3, 5: 3, 9: 3, 7: 7, 8: 7}
    assert merge_labels([]) == {}


def _components(nodes, edges):
    parent = {n: n for n in nodes}

    def find(n):
        while parent[n] != n:
            n = parent[n]
        return n

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in nodes}


def _propagate(nodes, edges, rounds):
    labels = {n: n for n in nodes}
    for _ in range(rounds):
        new = dict(labels)
        for a, b in edges:
            new[a] = min(new[a], labels[b])
            new[b] = min(new[b], labels[a])
        labels = new
    return labels


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=60),
    st.integers(0, 4),
)
def test_truncated_propagation_plus_merge_gives_exact_components(edges, rounds):
    """The pipeline's method (a few rounds, then merge the rest) equals union-find."""
    nodes = {n for edge in edges for n in edge}
    labels = _propagate(nodes, edges, rounds)
    remap = merge_labels((labels[a], labels[b]) for a, b in edges if labels[a] != labels[b])
    final = {n: remap.get(label, label) for n, label in labels.items()}
    assert final == _components(nodes, edges)
