"""The MinHash index beside the output: what later runs compare new articles against.

Each run adds one file of (id, signature, indexed_at) for the articles it kept, under
`DIR/_state/minhash/`, through the same atomic writer as the tables. Files whose every row is
older than the expiry are deleted before a run starts, so the index holds at most
`--state-expiry` worth of articles however long the pipeline runs.
"""

from __future__ import annotations

from datetime import datetime

import apache_beam as beam
import numpy as np
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from schemas import MINHASH_INDEX
from transforms.neardup import MINHASH_FIELD
from transforms.parquet_files import list_table_files

__all__ = ["ReadMinHashIndex", "index_row", "prune_index", "state_dir"]


def state_dir(output_dir: str) -> str:
    return FileSystems.join(output_dir, "_state")


def index_row(article: dict) -> dict:
    return {
        "id": article["id"],
        "signature": article[MINHASH_FIELD].tolist(),
        "indexed_at": article["ingested_at"],
    }


def prune_index(output_dir: str, not_before: datetime) -> int:
    """Deletes index files holding only entries older than `not_before`; returns how many."""
    expired = []
    for path in list_table_files(state_dir(output_dir), MINHASH_INDEX):
        with FileSystems.open(path) as handle:
            newest = pq.read_table(handle, columns=["indexed_at"]).column(0)
        if len(newest) == 0 or max(newest.to_pylist()) < not_before:
            expired.append(path)
    if expired:
        FileSystems.delete(expired)
    return len(expired)


def _entries(path: str, not_before: datetime):
    with FileSystems.open(path) as handle:
        table = pq.read_table(handle)
    for row in table.to_pylist():
        if row["indexed_at"] >= not_before:
            yield row["id"], np.asarray(row["signature"], dtype=np.uint32)


class ReadMinHashIndex(beam.PTransform):
    """PBegin -> (id, signature) of articles written since `not_before` (bounded)."""

    def __init__(self, output_dir: str, not_before: datetime) -> None:
        super().__init__()
        self._output_dir = output_dir
        self._not_before = not_before

    def expand(self, pbegin):
        return (
            pbegin
            | "Start" >> beam.Create([None])
            | "IndexFiles"
            >> beam.FlatMap(
                lambda _, d: list_table_files(d, MINHASH_INDEX), state_dir(self._output_dir)
            )
            | "SpreadIndexFiles" >> beam.Reshuffle()
            | "IndexEntries" >> beam.FlatMap(_entries, self._not_before)
        )
