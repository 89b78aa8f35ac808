"""The MinHash index beside the output: entries past the expiry are pruned from its files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq

from newsbeam.schemas import MINHASH_INDEX
from newsbeam.schemas.layout import state_dir
from newsbeam.transforms.dedupe.index_files import prune_index
from newsbeam.transforms.write.parquet_files import list_table_files, write_rows


def test_index_entries_expire(tmp_path):
    old = datetime(2025, 1, 1, tzinfo=UTC)
    write_rows(
        state_dir(str(tmp_path)),
        MINHASH_INDEX,
        "",
        [{"id": "a", "signature": [1, 2], "indexed_at": old, "scheme": "any"}],
    )
    write_rows(
        state_dir(str(tmp_path)),
        MINHASH_INDEX,
        "",
        [{"id": "b", "signature": [3, 4], "indexed_at": old + timedelta(days=10), "scheme": "any"}],
    )
    assert prune_index(str(tmp_path), old + timedelta(days=7)) == 1
    (remaining,) = list_table_files(state_dir(str(tmp_path)), MINHASH_INDEX)
    assert pq.read_table(remaining).column("id").to_pylist() == ["b"]
