"""Parquet files of the tables: what a killed run can leave, and what is cleaned up."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

from newsbeam.schemas import REJECTS
from newsbeam.schemas.layout import TEMPORARY
from newsbeam.transforms.records import reject
from newsbeam.transforms.write.parquet_files import (
    list_table_files,
    remove_stale_temporary,
    write_rows,
)


def test_only_stale_temporary_files_are_removed(tmp_path):
    folder = tmp_path / TEMPORARY
    folder.mkdir()
    old, young, other = folder / "a.tmp", folder / "b.tmp", folder / "keep.txt"
    for path in (old, young, other):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    assert remove_stale_temporary(str(tmp_path), 3600) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["b.tmp", "keep.txt"]
    assert remove_stale_temporary(str(tmp_path / "missing"), 3600) == 0


def test_temporary_files_are_never_listed_as_table_files(tmp_path):
    row = reject("a.txt", "read", "empty_file", None, datetime(2025, 3, 1, tzinfo=UTC))
    path = write_rows(str(tmp_path), REJECTS, "", [row])
    (tmp_path / TEMPORARY / "rejects-x.tmp").write_bytes(b"PAR1 half a file")
    assert list_table_files(str(tmp_path), REJECTS) == [path]
