"""`NearDedupe`: one row per story, whatever the edits syndication made to its copies.

Element flow (batch, or within each window), one labelled step each in `NearDedupe.expand`:
  Sign                 articles -> the same articles with their MinHash signature
  Nodes                signed articles and prior index entries -> (id, `Node`)
  CandidatePairs       nodes -> id pairs sharing an LSH band bucket
  Confirm              pairs -> `Edge`s, pairs whose estimated Jaccard >= threshold
  Components           edges -> (id, label): the smallest `NodeKey` of its connected
                       component (min-label rounds + exact merge of the rest)
  KeepOnePerComponent  per component the earliest article is kept, the others become
                       `duplicates` rows (kind `near`, with their similarity to the one kept)

Articles already written by an earlier run or window ("prior" index entries) take part as
nodes that always win: a copy that arrives later is recorded against the one on disk.

The functions handed to `Map`, `FlatMap` and `CombinePerKey` have no return annotations on
purpose: Beam reads them as type hints, which would change the coders between the steps.
"""

from __future__ import annotations

from typing import NamedTuple

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics
from apache_beam.pvalue import AsDict, AsSingleton

from newsbeam.transforms.batch import Batch
from newsbeam.transforms.dedupe.components import merge_labels
from newsbeam.transforms.dedupe.duplicate_rows import canonical_order, duplicate_row
from newsbeam.transforms.dedupe.minhash import (
    MINHASH_FIELD,
    MinHashParams,
    band_hash_matrix,
    estimated_jaccard,
    signatures,
)
from newsbeam.transforms.records import Tagged
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["MINHASH_FIELD", "Edge", "NearDedupe", "Node", "NodeKey", "node_key"]

_PRIOR, _CURRENT = 0, 1
_MAX_BUCKET = 2_000  # beyond this, members are compared with the first _BUCKET_SAMPLE only
_BUCKET_SAMPLE = 200


class NodeKey(NamedTuple):
    """Orders the nodes of a component: the smallest is the article kept, and the label.

    Prior index entries sort first, then current articles by `canonical_order`. Plain ints
    and strings, compared field by field like a tuple.
    """

    origin: int  # _PRIOR or _CURRENT
    ingested_only: int  # 1 when the article's only date is its ingestion date
    published_micros: int
    article_id: str
    input_ref: str
    feed_url: str
    source: str


class Node(NamedTuple):
    """One article in the near-duplicate graph: its key and its packed uint32 signature."""

    key: NodeKey
    signature: bytes

    def unpacked(self) -> np.ndarray:
        return _unpack(self.signature)


class Edge(NamedTuple):
    """A confirmed near-duplicate pair, the smaller node first. Both ends keep their
    signatures: the kept article's is needed for its copies' similarity."""

    first: Node
    second: Node


class _BandChunk(NamedTuple):
    """The band hashes of a batch of nodes that fall in one shard; `rows[i]` is the index
    into `ids` of the node `hashes[i]` belongs to."""

    ids: list[str]
    rows: np.ndarray
    hashes: np.ndarray


def node_key(article: dict) -> NodeKey:
    """The key of a current article: among current articles, the smallest is the one to
    keep (`canonical_order`)."""
    ingested_only, published, article_id, input_ref, feed_url, source = canonical_order(article)
    micros = int(published.timestamp() * 1_000_000)
    return NodeKey(_CURRENT, int(ingested_only), micros, article_id, input_ref, feed_url, source)


def prior_key(article_id: str) -> NodeKey:
    """The key of an article already written: smaller than every current article's."""
    return NodeKey(_PRIOR, 0, 0, article_id, "", "", "")


def _unpack(packed: bytes) -> np.ndarray:
    return np.frombuffer(packed, dtype=np.uint32)


def _article_id(article: dict) -> str:
    return article["id"]


def _nothing(_values):
    """Combines a key's values into nothing: what is wanted is each key once."""
    return None


# --- Sign --------------------------------------------------------------------------------


class _SignFn(beam.DoFn):
    """Adds the MinHash signature to a batch of articles (one rensa call per batch)."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, batch: list[dict]):
        matrix = signatures([article["text"] for article in batch], self._params)
        for article, signature in zip(batch, matrix, strict=True):
            yield {**article, MINHASH_FIELD: signature}


class _Sign(beam.PTransform):
    """Articles -> the same articles with their signature in `_minhash`, signed by the batch."""

    def __init__(self, params: MinHashParams, batch_by_grouping: bool) -> None:
        super().__init__()
        self._params = params
        self._batch_by_grouping = batch_by_grouping

    def expand(self, articles):
        return (
            articles
            | "BatchForMinHash" >> Batch(16, 256, self._batch_by_grouping, key=_article_id)
            | "Sign" >> beam.ParDo(_SignFn(self._params))
        )


# --- Nodes -------------------------------------------------------------------------------


def _current_node(article: dict):
    return article["id"], Node(node_key(article), article[MINHASH_FIELD].tobytes())


def _prior_node(entry):
    article_id, signature = entry
    return article_id, Node(prior_key(article_id), np.asarray(signature, np.uint32).tobytes())


class _Nodes(beam.PTransform):
    """{"current": signed articles, "prior": (id, signature)} -> (id, `Node`).

    An article met again in the index (a re-run) has two nodes under one id; the steps
    after treat them as one, with the index entry's key, which sorts first.
    """

    def expand(self, inputs):
        return (
            inputs["current"] | "CurrentNodes" >> beam.Map(_current_node),
            inputs["prior"] | "PriorNodes" >> beam.Map(_prior_node),
        ) | "AllNodes" >> beam.Flatten()


# --- CandidatePairs ----------------------------------------------------------------------


def _node_id(node_item) -> str:
    return node_item[0]


def _band_shards(batch: list, params: MinHashParams, shards: int):
    """(shard, `_BandChunk`) for a batch of (id, `Node`): each shard gets the band hashes
    that fall in it. A few elements per batch rather than one per article and shard:
    Beam's cost per element was most of this step's."""
    ids = [article_id for article_id, _node in batch]
    packed = b"".join(node.signature for _id, node in batch)
    matrix = np.frombuffer(packed, dtype=np.uint32).reshape(len(batch), params.num_perm)
    hashes = band_hash_matrix(matrix, params)
    shard_of = hashes % np.uint64(shards)
    for shard in range(shards):
        in_shard = shard_of == shard
        rows, _bands = np.nonzero(in_shard)
        if rows.size:
            yield shard, _BandChunk(ids, rows.astype(np.int32), hashes[in_shard])


class _CandidatePairsFn(beam.DoFn):
    """Id pairs sharing an LSH bucket within one shard, smaller id first.

    A shard holds every article's band hashes that fall in it (about 1/shards of them):
    sorted, equal hashes are the buckets, and only buckets of two or more rows are looked
    at in Python. An oversized bucket (boilerplate shared by thousands) is sampled: its
    members are paired with its first 200 only.
    """

    def __init__(self) -> None:
        self._oversized = Metrics.counter("newsbeam", "neardup_oversized_buckets")

    def process(self, shard):
        _shard, chunks = shard
        ids: list[str] = []
        rows, hashes = [], []
        for chunk in chunks:
            rows.append(chunk.rows.astype(np.int64) + len(ids))
            ids.extend(chunk.ids)
            hashes.append(chunk.hashes)
        if not hashes:
            return
        all_hashes, all_rows = np.concatenate(hashes), np.concatenate(rows)
        order = np.argsort(all_hashes, kind="stable")
        all_hashes, all_rows = all_hashes[order], all_rows[order]
        starts = np.flatnonzero(np.r_[True, all_hashes[1:] != all_hashes[:-1]])
        sizes = np.diff(np.r_[starts, len(all_hashes)])
        shared = sizes > 1
        for start, size in zip(starts[shared].tolist(), sizes[shared].tolist(), strict=True):
            ordered = sorted({ids[row] for row in all_rows[start : start + size].tolist()})
            anchors = ordered
            if len(ordered) > _MAX_BUCKET:
                self._oversized.inc()
                anchors = ordered[:_BUCKET_SAMPLE]
            for i, first in enumerate(anchors):
                for second in ordered[i + 1 :]:
                    yield (first, second), None


class _CandidatePairs(beam.PTransform):
    """(id, `Node`) -> (id, id): each pair sharing an LSH band bucket once, smaller id first.

    Band hashes are sharded by value, so one shard holds whole buckets.
    """

    def __init__(self, params: MinHashParams, shards: int, batch_by_grouping: bool) -> None:
        super().__init__()
        self._params = params
        self._shards = shards
        self._batch_by_grouping = batch_by_grouping

    def expand(self, nodes):
        return (
            nodes
            | "BatchNodes" >> Batch(16, 256, self._batch_by_grouping, key=_node_id)
            | "BandShards" >> beam.FlatMap(_band_shards, self._params, self._shards)
            | "GroupByShard" >> beam.GroupByKey()
            | "PairsInBuckets" >> beam.ParDo(_CandidatePairsFn())
            | "OnePairEach" >> beam.CombinePerKey(_nothing)
            | "Pairs" >> beam.Keys()
        )


# --- Confirm -----------------------------------------------------------------------------


def _pair_ends(pair):
    """(id, pair) for each end of a candidate pair."""
    first, second = pair
    return [(first, pair), (second, pair)]


def _ends_by_pair(joined):
    """(pair, node) for each candidate pair a node is an end of."""
    _article_id, grouped = joined
    nodes = list(grouped["node"])
    if not nodes:
        return
    node = min(nodes)  # an article met again in the index: the entry's key sorts first
    for pair in grouped["pair"]:
        yield pair, node


class _ConfirmFn(beam.DoFn):
    """Candidate pairs whose estimated Jaccard reaches the threshold become edges."""

    def __init__(self, threshold: float) -> None:
        self._threshold = threshold

    def process(self, grouped):
        _pair, nodes = grouped
        ends: dict[str, Node] = {}
        for node in nodes:  # one per id; a pair met twice (a re-fired pane) is one pair
            article_id = node.key.article_id
            ends[article_id] = min(node, ends.get(article_id, node))
        if len(ends) != 2:
            return
        first, second = sorted(ends.values())
        if estimated_jaccard(first.unpacked(), second.unpacked()) >= self._threshold:
            yield Edge(first, second)


class _Confirm(beam.PTransform):
    """{"nodes": (id, `Node`), "pairs": (id, id)} -> `Edge`s, the pairs similar enough.

    Each node is joined once with the pairs it is an end of; a pair's two ends then meet by
    grouping on the pair.
    """

    def __init__(self, threshold: float) -> None:
        super().__init__()
        self._threshold = threshold

    def expand(self, inputs):
        ends = inputs["pairs"] | "PairEnds" >> beam.FlatMap(_pair_ends)
        return (
            {"node": inputs["nodes"], "pair": ends}
            | "JoinEnds" >> beam.CoGroupByKey()
            | "EndsByPair" >> beam.FlatMap(_ends_by_pair)
            | "GroupEnds" >> beam.GroupByKey()
            | "Confirm" >> beam.ParDo(_ConfirmFn(self._threshold))
        )


# --- Components --------------------------------------------------------------------------


def _both_directions(edge: Edge):
    first, second = edge.first.key.article_id, edge.second.key.article_id
    return [(first, second), (second, first)]


def _own_labels(edge: Edge):
    return [(node.key.article_id, node.key) for node in edge]


def _spread(joined):
    """One propagation round: a node keeps the smallest label it or a neighbour has."""
    node, grouped = joined
    labels = list(grouped["label"])
    if not labels:
        return
    label = min(labels)
    yield node, label
    for neighbour in grouped["neighbour"]:
        yield neighbour, label


def _labelled_edges(joined):
    """(neighbour, label of node) for each edge of a node: half of a disagreement check."""
    _node, grouped = joined
    for label in grouped["label"]:
        for neighbour in grouped["neighbour"]:
            yield neighbour, label


def _disagreements(joined):
    """(smaller, larger) label for each edge whose two ends still carry different labels."""
    _node, grouped = joined
    own = list(grouped["label"])
    for theirs in grouped["theirs"]:
        if own and theirs != own[0]:
            yield (min(theirs, own[0]), max(theirs, own[0]))


def _settle(labelled, remap):
    node, label = labelled
    return node, remap.get(label, label)


class _Components(beam.PTransform):
    """`Edge`s -> (id, `NodeKey` label) for every node with an edge: the smallest key of its
    connected component (see `components` for why rounds and then an exact merge)."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self._rounds = rounds

    def expand(self, edges):
        neighbours = edges | "BothDirections" >> beam.FlatMap(_both_directions)
        labels = (
            edges
            | "OwnLabels" >> beam.FlatMap(_own_labels)
            | "OneLabelEach" >> beam.CombinePerKey(min)
        )
        for round_number in range(self._rounds):
            labels = (
                {"label": labels, "neighbour": neighbours}
                | f"Round{round_number}Join" >> beam.CoGroupByKey()
                | f"Round{round_number}Spread" >> beam.FlatMap(_spread)
                | f"Round{round_number}Min" >> beam.CombinePerKey(min)
            )
        theirs = (
            {"label": labels, "neighbour": neighbours}
            | "JoinEdgeLabels" >> beam.CoGroupByKey()
            | "LabelAcross" >> beam.FlatMap(_labelled_edges)
        )
        remap = (
            {"label": labels, "theirs": theirs}
            | "JoinBothEnds" >> beam.CoGroupByKey()
            | "Disagreements" >> beam.FlatMap(_disagreements)
            # Per window; a window where everything settled has no list: the default is {}.
            | "MergeUnsettled" >> beam.combiners.ToList().without_defaults()
            | "Remap" >> beam.Map(merge_labels)
        )
        return labels | "Settle" >> beam.Map(_settle, AsSingleton(remap, default_value={}))


# --- KeepOnePerComponent -----------------------------------------------------------------


def _kept_id(labelled):
    _node, label = labelled
    return label.article_id, None


def _end_signatures(edge: Edge):
    return [(node.key.article_id, node.signature) for node in edge]


def _kept_signature(joined):
    """(id, signature) of an article a component keeps: the first its edges carried."""
    article_id, grouped = joined
    if list(grouped["kept"]) and list(grouped["signature"]):
        yield article_id, next(iter(grouped["signature"]))


class _DecideFn(beam.DoFn):
    """Keeps an article whose component label is itself; the rest become duplicate rows."""

    def __init__(self) -> None:
        self._near = Metrics.counter("newsbeam", "duplicates_near")

    def process(self, article, labels, kept_signatures):
        label = labels.get(article["id"])
        # No label, its own, or the index entry of itself from an earlier run: kept.
        if label is None or label.article_id == article["id"]:
            yield article
            return
        self._near.inc()
        kept_id = label.article_id
        kept = kept_signatures.get(kept_id)
        similarity = estimated_jaccard(article[MINHASH_FIELD], _unpack(kept)) if kept else 0.0
        row = duplicate_row(article, {"id": kept_id}, "near", round(similarity, 4))
        yield Tagged("duplicates", row)


class _KeepOnePerComponent(beam.PTransform):
    """{"articles": signed articles, "edges", "labels"} -> {"articles", "duplicates"}.

    The labels (only articles that have a near-duplicate at all) and the signatures of the
    articles kept for them come as side inputs: articles themselves are never shuffled.
    """

    def expand(self, inputs):
        labels = inputs["labels"]
        kept_ids = (
            labels | "KeptIds" >> beam.Map(_kept_id) | "OneEachKept" >> beam.CombinePerKey(_nothing)
        )
        end_signatures = inputs["edges"] | "EndSignatures" >> beam.FlatMap(_end_signatures)
        kept_signatures = (
            {"kept": kept_ids, "signature": end_signatures}
            | "JoinKeptSignatures" >> beam.CoGroupByKey()
            | "KeptSignatures" >> beam.FlatMap(_kept_signature)
        )
        decided = (
            inputs["articles"]
            | "Decide" >> beam.ParDo(_DecideFn(), AsDict(labels), AsDict(kept_signatures))
            | "SplitDuplicates" >> SplitOutputs("duplicates", main="kept")
        )
        return {"articles": decided.kept, "duplicates": decided.duplicates}


class NearDedupe(beam.PTransform):
    """{"articles": articles, "prior": (id, signature)} -> {"articles", "duplicates"}.

    `articles` carry `text` and are returned with their signature in `_minhash` (for the
    index of a later run); `prior` holds signatures of articles already written (may be
    empty). Grouping only, no per-key state: correct on every runner, and deterministic
    (the article kept is the smallest by `canonical_order`, prior articles first). Under
    windowing, duplicates are found within a window plus the prior index.
    `batch_by_grouping` batches by a shuffle (for runners that drop what a DoFn emits at
    the end of a bundle, such as Dask's; see `Batch`).
    Metrics: duplicates_near, neardup_oversized_buckets.
    """

    def __init__(
        self,
        params: MinHashParams | None = None,
        rounds: int = 4,
        shards: int = 16,
        batch_by_grouping: bool = False,
    ) -> None:
        super().__init__()
        if rounds < 0 or shards < 1:
            raise ValueError("NearDedupe needs rounds >= 0 and shards >= 1")
        self._params = params or MinHashParams()
        self._rounds = rounds
        self._shards = shards
        self._batch_by_grouping = batch_by_grouping

    def expand(self, inputs):
        articles, params, by_grouping = inputs["articles"], self._params, self._batch_by_grouping
        # The prior index is bounded and unwindowed; give it the articles' windows.
        prior = inputs["prior"] | "WindowPrior" >> beam.WindowInto(articles.windowing.windowfn)
        signed = articles | "Sign" >> _Sign(params, by_grouping)
        nodes = {"current": signed, "prior": prior} | "Nodes" >> _Nodes()
        pairs = nodes | "CandidatePairs" >> _CandidatePairs(params, self._shards, by_grouping)
        edges = {"nodes": nodes, "pairs": pairs} | "Confirm" >> _Confirm(params.threshold)
        labels = edges | "Components" >> _Components(self._rounds)
        return {
            "articles": signed,
            "edges": edges,
            "labels": labels,
        } | "KeepOnePerComponent" >> _KeepOnePerComponent()
