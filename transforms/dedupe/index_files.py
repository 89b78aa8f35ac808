"""Rows of the MinHash index, and the expiry of its files.

The index (`DIR/_state/minhash/`) holds (id, signature, indexed_at, scheme) of every article
a run kept; `read_minhash_index` reads it back for the next run.
"""

from __future__ import annotations

import logging
from datetime import datetime

from apache_beam.io.filesystems import FileSystems

from newsbeam.schemas import MINHASH_INDEX
from newsbeam.schemas.layout import state_dir
from newsbeam.transforms.dedupe.minhash import MINHASH_FIELD
from newsbeam.transforms.write.parquet_files import list_table_files, read_parquet

__all__ = ["index_row", "prune_index"]


_LOG = logging.getLogger(__name__)


def index_row(article: dict, scheme: str) -> dict:
    return {
        "id": article["id"],
        "signature": article[MINHASH_FIELD].tolist(),
        "indexed_at": article["ingested_at"],
        "scheme": scheme,
    }


def prune_index(output_dir: str, not_before: datetime) -> int:
    """Deletes index files holding only entries older than `not_before`; returns how many."""
    expired = []
    for path in list_table_files(state_dir(output_dir), MINHASH_INDEX):
        newest = read_parquet(path, ["indexed_at"]).column(0)
        if len(newest) == 0 or max(newest.to_pylist()) < not_before:
            expired.append(path)
    if expired:
        FileSystems.delete(expired)
    return len(expired)
