"""Input files in successive chunks, so a local batch run's memory stays bounded.

Beam's local runner (FnApiRunner) keeps every PCollection of a bounded run in memory: its
peak grows with the input (about 100 KB per 900-word article here). Cluster runners spill
to disk and need no chunks. A local `newsbeam run` over more input than `--chunk-bytes`
therefore runs once per chunk of files, one after the other, as a local stream runs once
per window: each run writes its files, its MinHash index entries and its `runs` row before
the next starts, so a copy in a later chunk is found against the index (kind `near`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

__all__ = ["file_sizes", "plan_chunks"]


def plan_chunks(paths: Sequence[str], sizes: Sequence[int], max_bytes: int) -> list[list[str]]:
    """Consecutive groups of `paths` of at most `max_bytes` together (a larger file is a
    group of its own); `max_bytes` 0 means one group. Order is kept, nothing is dropped."""
    if max_bytes <= 0 or not paths:
        return [list(paths)]
    chunks: list[list[str]] = [[]]
    total = 0
    for path, size in zip(paths, sizes, strict=True):
        if chunks[-1] and total + size > max_bytes:
            chunks.append([])
            total = 0
        chunks[-1].append(path)
        total += size
    return chunks


def file_sizes(paths: Sequence[str]) -> list[int]:
    """Bytes of each file, local or on a Beam file system (gs://, s3://).

    A file gone or unreadable since it was listed counts 0 bytes: sizes only plan the
    chunks, and reading it makes its reject row.
    """
    from apache_beam.io.filesystems import FileSystems

    def size_of(path: str) -> int:
        if FileSystems.get_scheme(path) is None:
            try:
                return os.path.getsize(path)
            except OSError:
                return 0
        try:
            found = FileSystems.match([path])[0].metadata_list
        except Exception:  # noqa: BLE001 - a file system's own errors: unreadable counts 0
            return 0
        return found[0].size_in_bytes if found else 0

    return [size_of(path) for path in paths]
