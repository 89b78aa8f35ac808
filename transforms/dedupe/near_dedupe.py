"""`NearDedupe`: one row per story, whatever the edits syndication made to its copies.

Element flow (batch, or within each window):
  articles -> MinHash signatures -> LSH band buckets -> candidate pairs confirmed by
  estimated Jaccard >= threshold -> connected components (min-label rounds + exact merge
  of the rest) -> per component the earliest article is kept, the others become
  `duplicates` rows (kind `near`, with their similarity to the one kept).

Articles already written by an earlier run or window ("prior" index entries) take part as
nodes that always win: a copy that arrives later is recorded against the one on disk.
"""

from __future__ import annotations

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics

from newsbeam.transforms.batch import Batch
from newsbeam.transforms.dedupe.components import merge_labels
from newsbeam.transforms.dedupe.duplicate_rows import canonical_order, duplicate_row
from newsbeam.transforms.dedupe.minhash import (
    MinHashParams,
    band_hash_matrix,
    estimated_jaccard,
    signatures,
)
from newsbeam.transforms.records import Tagged
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["MINHASH_FIELD", "NearDedupe", "node_key"]

MINHASH_FIELD = "_minhash"
_PRIOR, _CURRENT = 0, 1
_MAX_BUCKET = 2_000  # beyond this, members are compared with the first 200 only


def node_key(article: dict) -> tuple:
    """A sortable key whose smallest member of a component is the article to keep.

    Plain ints and strings only, so Beam encodes it natively and deterministically.
    """
    ingested_only, published, article_id, input_ref, feed_url, source = canonical_order(article)
    micros = int(published.timestamp() * 1_000_000)
    return (_CURRENT, int(ingested_only), micros, article_id, input_ref, feed_url, source)


def prior_key(article_id: str) -> tuple:
    return (_PRIOR, 0, 0, article_id, "", "", "")


def node_id(key: tuple) -> str:
    return key[3]


class _SignFn(beam.DoFn):
    """Adds the MinHash signature to a batch of articles (one rensa call per batch)."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, batch: list[dict]):
        matrix = signatures([article["text"] for article in batch], self._params)
        for article, signature in zip(batch, matrix, strict=True):
            yield {**article, MINHASH_FIELD: signature}


def _band_shards(batch: list, params: MinHashParams, shards: int):
    """(shard, (ids, rows, band hashes)) for a batch of nodes: each shard gets the band
    hashes that fall in it, with the row (index into `ids`) each belongs to. A few
    elements per batch rather than one per article and shard: Beam's cost per element
    was most of this step's."""
    ids = [article_id for article_id, _node in batch]
    packed = b"".join(signature for _id, (_key, signature) in batch)
    matrix = np.frombuffer(packed, dtype=np.uint32).reshape(len(batch), params.num_perm)
    hashes = band_hash_matrix(matrix, params)
    shard_of = hashes % np.uint64(shards)
    for shard in range(shards):
        in_shard = shard_of == shard
        rows, _bands = np.nonzero(in_shard)
        if rows.size:
            yield shard, (ids, rows.astype(np.int32), hashes[in_shard])


def _unpack(packed: bytes) -> np.ndarray:
    return np.frombuffer(packed, dtype=np.uint32)


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
        for chunk_ids, chunk_rows, chunk_hashes in chunks:
            rows.append(chunk_rows.astype(np.int64) + len(ids))
            ids.extend(chunk_ids)
            hashes.append(chunk_hashes)
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
                anchors = ordered[:200]
            for i, first in enumerate(anchors):
                for second in ordered[i + 1 :]:
                    yield (first, second), None


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
        ends: dict[str, tuple] = {}
        for node in nodes:  # one per id; a pair met twice (a re-fired pane) is one pair
            article_id = node_id(node[0])
            ends[article_id] = min(node, ends.get(article_id, node))
        if len(ends) != 2:
            return
        (key_a, packed_a), (key_b, packed_b) = sorted(ends.values())
        if estimated_jaccard(_unpack(packed_a), _unpack(packed_b)) >= self._threshold:
            # Each edge carries its ends' signatures: the kept article's is needed later.
            yield key_a, key_b, packed_a, packed_b


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
    _node, grouped = joined
    own = list(grouped["label"])
    for theirs in grouped["theirs"]:
        if own and theirs != own[0]:
            yield (min(theirs, own[0]), max(theirs, own[0]))


class _Decide(beam.DoFn):
    """Keeps an article whose component label is itself; the rest become duplicate rows.

    The labels (only articles that have a near-duplicate at all) and the signatures of the
    articles kept for them come as side inputs: articles themselves are never shuffled.
    """

    def __init__(self) -> None:
        self._near = Metrics.counter("newsbeam", "duplicates_near")

    def process(self, article, labels, kept_signatures):
        label = labels.get(article["id"])
        # No label, its own, or the index entry of itself from an earlier run: kept.
        if label is None or node_id(label) == article["id"]:
            yield article
            return
        self._near.inc()
        kept_id = node_id(label)
        kept = kept_signatures.get(kept_id)
        similarity = estimated_jaccard(article[MINHASH_FIELD], _unpack(kept)) if kept else 0.0
        row = duplicate_row(article, {"id": kept_id}, "near", round(similarity, 4))
        yield Tagged("duplicates", row)


class NearDedupe(beam.PTransform):
    """{"articles": articles, "prior": (id, signature)} -> {"articles", "duplicates"}.

    `articles` carry `text` and are returned with their signature in `_minhash` (for the
    index of a later run); `prior` holds signatures of articles already written (may be
    empty). Grouping only, no per-key state: correct on every runner, and deterministic
    (the article kept is the smallest by `canonical_order`, prior articles first). Under
    windowing, duplicates are found within a window plus the prior index.
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
        articles, params = inputs["articles"], self._params
        # The prior index is bounded and unwindowed; give it the articles' windows.
        prior = inputs["prior"] | "WindowPrior" >> beam.WindowInto(articles.windowing.windowfn)
        signed = (
            articles
            | "BatchForMinHash"
            >> Batch(16, 256, self._batch_by_grouping, key=lambda article: article["id"])
            | "Sign" >> beam.ParDo(_SignFn(params))
        )
        # Nodes: id -> (sort key, packed signature). An article met again in the index
        # (a re-run) is one node, with the index entry's key, which sorts first.
        nodes = (
            signed
            | "CurrentNodes"
            >> beam.Map(lambda a: (a["id"], (node_key(a), a[MINHASH_FIELD].tobytes()))),
            prior
            | "PriorNodes"
            >> beam.Map(lambda p: (p[0], (prior_key(p[0]), np.asarray(p[1], np.uint32).tobytes()))),
        ) | "AllNodes" >> beam.Flatten()
        pairs = (
            nodes
            | "BatchNodes" >> Batch(16, 256, self._batch_by_grouping, key=lambda node: node[0])
            | "BandShards" >> beam.FlatMap(_band_shards, params, self._shards)
            | "GroupByShard" >> beam.GroupByKey()
            | "CandidatePairs" >> beam.ParDo(_CandidatePairsFn())
            | "OnePairEach" >> beam.CombinePerKey(lambda _values: None)
            | "Pairs" >> beam.Keys()
        )
        # Each node is joined once with the pairs it is an end of; a pair's two ends then
        # meet by grouping on the pair.
        confirmed = (
            {
                "node": nodes,
                "pair": pairs | "PairEnds" >> beam.FlatMap(lambda p: [(p[0], p), (p[1], p)]),
            }
            | "JoinEnds" >> beam.CoGroupByKey()
            | "EndsByPair" >> beam.FlatMap(_ends_by_pair)
            | "GroupEnds" >> beam.GroupByKey()
            | "Confirm" >> beam.ParDo(_ConfirmFn(params.threshold))
        )
        edges = confirmed | "EdgeKeys" >> beam.Map(lambda edge: (edge[0], edge[1]))
        labels = self._components(edges)
        kept_ids = (
            labels
            | "KeptIds" >> beam.Map(lambda item: (node_id(item[1]), None))
            | "OneEachKept" >> beam.CombinePerKey(lambda _values: None)
        )
        end_signatures = confirmed | "EndSignatures" >> beam.FlatMap(
            lambda e: [(node_id(e[0]), e[2]), (node_id(e[1]), e[3])]
        )
        kept_signatures = (
            {"kept": kept_ids, "signature": end_signatures}
            | "JoinKeptSignatures" >> beam.CoGroupByKey()
            | "KeptSignatures"
            >> beam.FlatMap(
                lambda item: (
                    [(item[0], next(iter(item[1]["signature"])))]
                    if list(item[1]["kept"]) and list(item[1]["signature"])
                    else []
                )
            )
        )
        decided = (
            signed
            | "Decide"
            >> beam.ParDo(
                _Decide(), beam.pvalue.AsDict(labels), beam.pvalue.AsDict(kept_signatures)
            )
            | "SplitDuplicates" >> SplitOutputs("duplicates", main="kept")
        )
        return {"articles": decided.kept, "duplicates": decided.duplicates}

    def _components(self, edges):
        """(node id, label key) for every node with an edge: its component's smallest key."""
        neighbours = edges | "BothDirections" >> beam.FlatMap(
            lambda e: [(node_id(e[0]), node_id(e[1])), (node_id(e[1]), node_id(e[0]))]
        )
        labels = (
            edges
            | "OwnLabels" >> beam.FlatMap(lambda e: [(node_id(e[0]), e[0]), (node_id(e[1]), e[1])])
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
        return labels | "Settle" >> beam.Map(
            lambda item, mapping: (item[0], mapping.get(item[1], item[1])),
            beam.pvalue.AsSingleton(remap, default_value={}),
        )
