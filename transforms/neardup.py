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

from transforms.components import merge_labels
from transforms.dedupe import canonical_order, duplicate_row
from transforms.minhash import MinHashParams, band_keys, estimated_jaccard, signatures

__all__ = ["MINHASH_FIELD", "NearDedupe", "node_key"]

MINHASH_FIELD = "_minhash"
_PRIOR, _CURRENT = 0, 1
_MAX_BUCKET = 2_000  # beyond this, members are compared with the first 200 only


def node_key(article: dict) -> tuple:
    """A sortable key whose smallest member of a component is the article to keep."""
    return (_CURRENT, canonical_order(article), article["id"])


def prior_key(article_id: str) -> tuple:
    return (_PRIOR, (), article_id)


class _SignFn(beam.DoFn):
    """Adds the MinHash signature to a batch of articles (one rensa call per batch)."""

    def __init__(self, params: MinHashParams) -> None:
        self._params = params

    def process(self, batch: list[dict]):
        matrix = signatures([article["text"] for article in batch], self._params)
        for article, signature in zip(batch, matrix, strict=True):
            yield {**article, MINHASH_FIELD: signature}


def _bucket_members(node, params: MinHashParams):
    key, signature = node
    for band in band_keys(signature, params):
        yield band, (key, signature)


class _ConfirmPairsFn(beam.DoFn):
    """Pairs in a bucket whose estimated Jaccard reaches the threshold, smaller key first."""

    def __init__(self, threshold: float) -> None:
        self._threshold = threshold
        self._oversized = Metrics.counter("newsbeam", "neardup_oversized_buckets")

    def process(self, bucket):
        _band, members = bucket
        members = sorted(members, key=lambda member: member[0])
        if len(members) < 2:
            return
        anchors = members
        if len(members) > _MAX_BUCKET:
            self._oversized.inc()
            anchors = members[:200]
        for i, (key_a, sig_a) in enumerate(anchors):
            for key_b, sig_b in members[i + 1 :]:
                if key_a[-1] == key_b[-1]:
                    continue  # an article already written, met again (a re-run)
                if estimated_jaccard(sig_a, sig_b) >= self._threshold:
                    # Keyed by ids: join keys must encode deterministically, node keys
                    # (with datetimes) need not.
                    yield (key_a[-1], key_b[-1]), (key_a, key_b)


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
    """Keeps an article whose component label is itself; the rest point to the label."""

    def __init__(self) -> None:
        self._near = Metrics.counter("newsbeam", "duplicates_near")

    def process(self, joined):
        _node, grouped = joined
        articles = list(grouped["article"])
        labels = list(grouped["label"])
        for article in articles:
            # Its own label, or the index entry of itself from an earlier run: kept.
            if not labels or labels[0][-1] == article["id"]:
                yield article
            else:
                self._near.inc()
                yield beam.pvalue.TaggedOutput("pending", (labels[0][-1], article))


def _with_similarity(joined):
    kept_id, grouped = joined
    signatures_of_kept = list(grouped["signature"])
    for article in grouped["pending"]:
        similarity = (
            estimated_jaccard(article[MINHASH_FIELD], signatures_of_kept[0])
            if signatures_of_kept
            else 0.0
        )
        yield duplicate_row(article, {"id": kept_id}, "near", round(similarity, 4))


class NearDedupe(beam.PTransform):
    """{"articles": articles, "prior": (id, signature)} -> {"articles", "duplicates"}.

    `articles` carry `text` and are returned with their signature in `_minhash` (for the
    index of a later run); `prior` holds signatures of articles already written (may be
    empty). Grouping only, no per-key state: correct on every runner, and deterministic
    (the article kept is the smallest by `canonical_order`, prior articles first). Under
    windowing, duplicates are found within a window plus the prior index.
    Metrics: duplicates_near, neardup_oversized_buckets.
    """

    def __init__(self, params: MinHashParams | None = None, rounds: int = 4) -> None:
        super().__init__()
        if rounds < 0:
            raise ValueError("NearDedupe rounds cannot be negative")
        self._params = params or MinHashParams()
        self._rounds = rounds

    def expand(self, inputs):
        articles, params = inputs["articles"], self._params
        # The prior index is bounded and unwindowed; give it the articles' windows.
        prior = inputs["prior"] | "WindowPrior" >> beam.WindowInto(articles.windowing.windowfn)
        signed = (
            articles
            | "BatchForMinHash" >> beam.BatchElements(min_batch_size=16, max_batch_size=256)
            | "Sign" >> beam.ParDo(_SignFn(params))
        )
        nodes = (
            signed | "CurrentNodes" >> beam.Map(lambda a: (node_key(a), a[MINHASH_FIELD])),
            prior
            | "PriorNodes"
            >> beam.Map(lambda p: (prior_key(p[0]), np.asarray(p[1], dtype=np.uint32))),
        ) | "AllNodes" >> beam.Flatten()
        edges = (
            nodes
            | "BandKeys" >> beam.FlatMap(_bucket_members, params)
            | "GroupByBand" >> beam.GroupByKey()
            | "ConfirmPairs" >> beam.ParDo(_ConfirmPairsFn(params.threshold))
            | "OneEdgePerPair" >> beam.CombinePerKey(min)
            | "EdgeEnds" >> beam.Values()
        )
        neighbours = edges | "BothDirections" >> beam.FlatMap(
            lambda e: [(e[0][-1], e[1][-1]), (e[1][-1], e[0][-1])]
        )
        labels = edges | "OwnLabels" >> beam.FlatMap(lambda e: [(e[0][-1], e[0]), (e[1][-1], e[1])])
        labels = labels | "OneLabelEach" >> beam.CombinePerKey(min)
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
        final = labels | "Settle" >> beam.Map(
            lambda item, mapping: (item[0], mapping.get(item[1], item[1])),
            beam.pvalue.AsSingleton(remap, default_value={}),
        )
        decided = (
            {"article": signed | "KeyArticles" >> beam.Map(lambda a: (a["id"], a)), "label": final}
            | "JoinLabels" >> beam.CoGroupByKey()
            | "Decide" >> beam.ParDo(_Decide()).with_outputs("pending", main="kept")
        )
        signatures_by_key = nodes | "KeyBySignatureOwner" >> beam.Map(lambda n: (n[0][-1], n[1]))
        duplicates = (
            {"pending": decided.pending, "signature": signatures_by_key}
            | "JoinKeptSignature" >> beam.CoGroupByKey()
            | "DuplicateRows" >> beam.FlatMap(_with_similarity)
        )
        return {"articles": decided.kept, "duplicates": duplicates}
