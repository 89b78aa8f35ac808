"""The MinHash index beside the output: what later runs compare new articles against.

Each run adds one file of (id, signature, indexed_at) for the articles it kept, under
`DIR/_state/minhash/`, through the same atomic writer as the tables. Files whose every row is
older than the expiry are deleted before a run starts, so the index holds at most
`--state-expiry` worth of articles however long the pipeline runs.

Each entry names its signature scheme. Entries of another scheme (an index written by a
version that hashed shingles differently) are left out, counted and logged: compared with
this version's signatures they would never match, so a copy of one would pass as new.
"""

from __future__ import annotations

import logging
from datetime import datetime

import apache_beam as beam
import numpy as np
from apache_beam.metrics import Metrics

from newsbeam.schemas import MINHASH_INDEX
from newsbeam.schemas.layout import state_dir
from newsbeam.transforms.dedupe.minhash import MinHashParams
from newsbeam.transforms.write.parquet_files import list_table_files, read_parquet

__all__ = ["ReadMinHashIndex"]

_LOG = logging.getLogger(__name__)


class _EntriesFn(beam.DoFn):
    """(id, signature) of an index file's entries since `not_before`, of `scheme` and
    `num_perm` values only."""

    def __init__(self, not_before: datetime, scheme: str, num_perm: int) -> None:
        self._not_before = not_before
        self._scheme = scheme
        self._num_perm = num_perm
        self._other_scheme = Metrics.counter("newsbeam", "minhash_index_other_scheme")
        self._malformed = Metrics.counter("newsbeam", "minhash_index_malformed")

    def process(self, path: str):
        table = read_parquet(path)
        schemes = table.column("scheme").to_pylist() if "scheme" in table.column_names else None
        other = malformed = 0
        for number, row in enumerate(table.to_pylist()):
            if row["indexed_at"] < self._not_before:
                continue
            if schemes is None or schemes[number] != self._scheme:
                other += 1
                continue
            signature = np.asarray(row["signature"], dtype=np.uint32)
            if len(signature) != self._num_perm:  # a damaged file: no comparable signature
                malformed += 1
                continue
            yield row["id"], signature
        if malformed:
            self._malformed.inc(malformed)
            _LOG.warning("%s: %d MinHash index entries of a wrong length left out", path, malformed)
        if other:
            self._other_scheme.inc(other)
            _LOG.warning(
                "%s: %d MinHash index entries of another signature scheme (not %s) left out; "
                "copies of those articles are not recognised until they expire",
                path,
                other,
                self._scheme,
            )


class ReadMinHashIndex(beam.PTransform):
    """PBegin -> (id, signature) of articles written since `not_before` (bounded) whose
    signatures were made as `params` make them (by default, this version's defaults).
    Metrics: minhash_index_other_scheme, minhash_index_malformed."""

    def __init__(
        self, output_dir: str, not_before: datetime, params: MinHashParams | None = None
    ) -> None:
        super().__init__()
        self._output_dir = output_dir
        self._not_before = not_before
        self._params = params or MinHashParams()

    def expand(self, pbegin):
        return (
            pbegin
            | "Start" >> beam.Create([None])
            | "IndexFiles"
            >> beam.FlatMap(
                lambda _, d: list_table_files(d, MINHASH_INDEX), state_dir(self._output_dir)
            )
            | "SpreadIndexFiles" >> beam.Reshuffle()
            | "IndexEntries"
            >> beam.ParDo(_EntriesFn(self._not_before, self._params.scheme, self._params.num_perm))
        )
