"""`Batch`: elements to lists, for work that is cheaper by the batch (`nlp.pipe`, MinHash).

Beam's `BatchElements` emits its last batch when a bundle finishes. Beam's DaskRunner
(2.77) drops whatever a DoFn emits then, so on it batches are made by grouping instead.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import apache_beam as beam

__all__ = ["Batch"]


def _chunks(grouped, max_batch_size: int):
    _shard, elements = grouped
    batch = []
    for element in elements:
        batch.append(element)
        if len(batch) == max_batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


class Batch(beam.PTransform):
    """Elements -> lists of `min_batch_size` to `max_batch_size` elements (fewer at the end).

    `by_grouping=False`: `BatchElements`, which sizes batches by timing, inside bundles.
    `by_grouping=True`: elements are spread over `shards` keys by `key` (deterministic),
    grouped, and cut into lists of `max_batch_size`: a shuffle, but correct on runners
    that drop output emitted at the end of a bundle.
    """

    def __init__(
        self,
        min_batch_size: int,
        max_batch_size: int,
        by_grouping: bool = False,
        key: Callable[[object], str] = str,
        shards: int = 64,
    ) -> None:
        super().__init__()
        self._min = min_batch_size
        self._max = max_batch_size
        self._by_grouping = by_grouping
        self._key = key
        self._shards = shards

    def expand(self, elements):
        if not self._by_grouping:
            return elements | "BatchElements" >> beam.BatchElements(
                min_batch_size=self._min, max_batch_size=self._max
            )
        key, shards = self._key, self._shards
        return (
            elements
            | "Shard" >> beam.Map(lambda e: (zlib.crc32(key(e).encode()) % shards, e))
            | "GroupShards" >> beam.GroupByKey()
            | "Cut" >> beam.FlatMap(_chunks, self._max)
        )
