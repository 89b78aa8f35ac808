"""The named steps of `NearDedupe`, each on its own: candidate pairs, confirmation,
connected components, the choice of the copy kept, and batching by grouping (Dask)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import apache_beam as beam
import numpy as np
import pytest
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.clean.clean_articles import clean_article
from newsbeam.transforms.dedupe.minhash import MinHashParams, estimated_jaccard
from newsbeam.transforms.dedupe.near_dedupe import (
    MINHASH_FIELD,
    Edge,
    NearDedupe,
    Node,
    NodeKey,
    _CandidatePairs,
    _Components,
    _Confirm,
    _KeepOnePerComponent,
    node_key,
    prior_key,
)
from newsbeam.transforms.sources.article_files import raw_record

PARAMS = MinHashParams()  # 128 values in 32 bands of 4
NOW = datetime(2025, 3, 10, tzinfo=UTC)


def _signature(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2**32, PARAMS.num_perm, dtype=np.uint32)


BASE = _signature(1)
EDITED = BASE.copy()  # the last ten values differ: Jaccard 118/128, most bands shared
EDITED[-10:] = _signature(2)[-10:]
FIRST_BAND_ONLY = _signature(3)  # shares the first band with BASE and EDITED, nothing else
FIRST_BAND_ONLY[: PARAMS.rows] = BASE[: PARAMS.rows]
UNRELATED = _signature(4)


def _key(article_id: str, day: int = 1) -> NodeKey:
    return NodeKey(1, 0, day, article_id, f"{article_id}.txt", "", "")


def _node(key: NodeKey, signature: np.ndarray) -> tuple[str, Node]:
    return key.article_id, Node(key, signature.tobytes())


@pytest.mark.parametrize("shards", [1, 16])
def test_candidate_pairs_are_ids_sharing_a_band_once_each_smaller_first(pipeline, shards):
    nodes = [
        _node(_key("b"), EDITED),
        _node(_key("a"), BASE),
        _node(prior_key("a"), BASE),  # "a" again, from the index: never paired with itself
        _node(_key("c"), FIRST_BAND_ONLY),
        _node(_key("d"), UNRELATED),
    ]
    with pipeline as p:
        pairs = p | beam.Create(nodes) | _CandidatePairs(PARAMS, shards, False)
        assert_that(pairs, equal_to([("a", "b"), ("a", "c"), ("b", "c")]))


def test_confirm_keeps_similar_pairs_as_edges_with_the_smaller_node_first(pipeline):
    current_a, prior_a = _node(_key("a"), BASE), _node(prior_key("a"), BASE)
    later_b = _node(_key("b", day=0), EDITED)  # published earlier: its key sorts first
    c = _node(_key("c"), FIRST_BAND_ONLY)
    pairs = [("a", "b"), ("a", "c"), ("b", "c"), ("a", "b")]  # a re-fired pane repeats one
    with pipeline as p:
        edges = {
            "nodes": p | "Nodes" >> beam.Create([current_a, prior_a, later_b, c]),
            "pairs": p | "Pairs" >> beam.Create(pairs),
        } | _Confirm(PARAMS.threshold)
        # The article already written stands for "a", and sorts before every current one.
        assert_that(edges, equal_to([Edge(prior_a[1], later_b[1])]))


@pytest.mark.parametrize("rounds", [0, 1, 4])
def test_components_label_each_node_with_its_components_smallest_key(pipeline, rounds):
    """A chain longer than the rounds and a separate pair: exact whatever the rounds."""
    chain = [_key(f"n{i}", day=i) for i in range(7)]
    pair = [_key("m1", day=1), _key("m0", day=0)]
    links = [(chain[i], chain[i + 1]) for i in (5, 0, 3, 1, 4, 2)] + [tuple(sorted(pair))]
    edges = [Edge(Node(a, b""), Node(b, b"")) for a, b in links]
    expected = [(key.article_id, chain[0]) for key in chain]
    expected += [(key.article_id, min(pair)) for key in pair]
    with pipeline as p:
        labels = p | beam.Create(edges) | _Components(rounds)
        assert_that(labels, equal_to(expected))


def _article(name: str, text: str, day: date, signature: np.ndarray | None = None) -> dict:
    record = raw_record(
        name,
        text=text,
        ingested_at=NOW,
        url=f"https://{name}.test/story",
        source=name,
        published=day.isoformat(),
        date_source="header",
    )
    article = clean_article(record)
    return article if signature is None else {**article, MINHASH_FIELD: signature}


def test_the_smallest_of_a_component_is_kept_and_the_rest_point_to_it(pipeline):
    text = "a story long enough to pass for an article " * 10
    kept = _article("kept", text, date(2025, 3, 1), BASE)
    copy = _article("copy", text, date(2025, 3, 2), EDITED)
    alone = _article("alone", text, date(2025, 3, 3), UNRELATED)
    rerun = _article("rerun", text, date(2025, 3, 4), FIRST_BAND_ONLY)
    kept_node, copy_node = Node(node_key(kept), BASE.tobytes()), Node(node_key(copy), b"")
    rerun_key = prior_key(rerun["id"])  # its own index entry from an earlier run
    rerun_copy = Node(node_key(_article("other", text, date(2025, 3, 5))), b"")
    labels = [
        (kept["id"], kept_node.key),
        (copy["id"], kept_node.key),
        (rerun["id"], rerun_key),
        (rerun_copy.key.article_id, rerun_key),
    ]
    edges = [
        Edge(kept_node, copy_node),
        Edge(Node(rerun_key, FIRST_BAND_ONLY.tobytes()), rerun_copy),
    ]
    with pipeline as p:
        decided = {
            "articles": p | "Articles" >> beam.Create([kept, copy, alone, rerun]),
            "edges": p | "Edges" >> beam.Create(edges),
            "labels": p | "Labels" >> beam.Create(labels),
        } | _KeepOnePerComponent()
        assert_that(
            decided["articles"] | beam.Map(lambda a: a["input"]),
            equal_to(["kept", "alone", "rerun"]),
            label="kept",
        )
        assert_that(
            decided["duplicates"]
            | beam.Map(lambda d: (d["input"], d["duplicate_of"], d["kind"], d["similarity"])),
            equal_to([("copy", kept["id"], "near", round(estimated_jaccard(EDITED, BASE), 4))]),
            label="duplicates",
        )


def _versions() -> list[dict]:
    words = [f"w{i}" for i in range(300)]
    versions = []
    for step in range(6):
        changed = words[:]
        for k in range(step * 5):
            changed[(k * 7) % 300] = f"edit{k}"
        versions.append(_article(f"v{step}", " ".join(changed), date(2025, 3, 1 + step)))
    other = " ".join(f"x{i}" for i in range(300))
    return [*versions, _article("other", other, date(2025, 3, 1))]


@pytest.mark.parametrize("batch_by_grouping", [False, True], ids=["bundles", "grouping"])
def test_batching_by_grouping_finds_the_same_duplicates(pipeline, batch_by_grouping):
    """Dask's runner needs `batch_by_grouping`: the rows must not depend on it."""
    articles = _versions()
    ids = {article["input"]: article["id"] for article in articles}
    with pipeline as p:
        result = {
            "articles": p | "Articles" >> beam.Create(articles),
            "prior": p | "NoPrior" >> beam.Create([]),
        } | NearDedupe(PARAMS, batch_by_grouping=batch_by_grouping)
        assert_that(
            result["articles"] | beam.Map(lambda a: a["input"]),
            equal_to(["v0", "other"]),
            label="kept",
        )
        assert_that(
            result["duplicates"] | beam.Map(lambda d: (d["input"], d["duplicate_of"])),
            equal_to([(f"v{step}", ids["v0"]) for step in range(1, 6)]),
            label="duplicates",
        )
