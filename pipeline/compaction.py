"""`newsbeam compact`: the small files of each table folder rewritten into a few larger ones.

A local stream writes one file per window into every partition it touches, and one into
each flat table (`runs`, `rejects`, ...): a week of one-minute windows is tens of thousands
of files, and a query opens each one's footer. Compaction merges them.

What is merged: in each `articles` partition no file was written into for `quiet_for`
seconds (a partition still being written would only be merged again), and in each flat
table the files older than that, the files under half of `target_bytes`, packed oldest
first into files of up to `target_bytes`. A file an older version wrote is brought to the
current schema (its missing columns null, as the views read it), or, if it lacks a column
the current schema requires, merged only with files of its own schema; a file with a
column the current schema lacks is left as it is. A row repeated whole is written once;
rows under one key that differ in any column are all kept.

How it stays atomic: a folder's new contents are built beside it under `DIR/_temporary/`
(hard links to the files it keeps, the merged files written and synced), then the two
folders are exchanged in one rename (`newsbeam.folder_exchange`): a reader lists the old
files or the new ones, never a partition with rows missing or doubled. Killed at any
point, the output holds the old folder or the new one; the next compaction deletes what
the killed one left under `_temporary/` and carries on. A query running across the
exchange can fail with a file not found (its listing is gone): run it again.

Only one writer at a time: the caller holds the output's writer lock (`newsbeam compact`
takes it; a local stream compacts between its windows, holding it already).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsbeam.folder_exchange import FolderExchangeUnsupported, exchange_folders, fsync_folder
from newsbeam.schemas import TABLES
from newsbeam.schemas.layout import TEMPORARY
from newsbeam.schemas.tables import Table

__all__ = [
    "DEFAULT_QUIET_FOR",
    "DEFAULT_TARGET_BYTES",
    "STAGING_PREFIX",
    "CompactionResult",
    "check_folder_exchange",
    "FolderPlan",
    "compact_output",
    "plan_compaction",
    "remove_abandoned_staging",
]

_LOG = logging.getLogger(__name__)

DEFAULT_TARGET_BYTES = 128 * 1024 * 1024
"""Size a merged file grows to: large enough that a query opens few files, small enough
that a day's partition of a busy region is still split across a runner's workers."""

DEFAULT_QUIET_FOR = 3600.0
"""Seconds since a partition's newest file (or a flat table's file) was written before it
counts as closed: a stream writes today's partitions every window, and last week's
rarely."""

STAGING_PREFIX = "compact-"
"""Folders under `DIR/_temporary/` that a compaction builds (or left when killed)."""

_ROW_GROUP_BYTES = 64 * 1024 * 1024
_ROW_GROUP_ROWS = 64_000


@dataclass(frozen=True)
class Merge:
    """Files whose rows become one file, in `schema`."""

    paths: tuple[str, ...]
    schema: pa.Schema


@dataclass(frozen=True)
class FolderPlan:
    """One folder to rewrite: each of `merges` becomes one file; `kept` files stay."""

    table: Table
    folder: str
    merges: tuple[Merge, ...]
    kept: tuple[str, ...]


@dataclass
class CompactionResult:
    """What a compaction did, for its summary line."""

    folders: int = 0
    files_merged: int = 0
    files_written: int = 0
    rows: int = 0
    repeated_rows_dropped: int = 0
    files_left: dict[str, int] = field(default_factory=dict)
    """Files not merged, by why: an unknown column, a newer schema, unreadable."""
    seconds: float = 0.0


Step = Callable[[str, str], None]
"""Told (step, folder) as a compaction goes: `staged` (the new folder is complete beside
the old), `exchanged`, `cleaned`; `merged` after each merged file."""


def plan_compaction(
    output_dir: str,
    target_bytes: int = DEFAULT_TARGET_BYTES,
    quiet_for: float = DEFAULT_QUIET_FOR,
    now: float | None = None,
    left: dict[str, int] | None = None,
) -> list[FolderPlan]:
    """The folders of `output_dir`'s tables worth rewriting, and which files go together.

    `quiet_for` 0 takes every folder and file, however recent. Files that cannot join a
    merge are counted in `left` by reason.
    """
    cutoff = (time.time() if now is None else now) - quiet_for
    plans = []
    for table in TABLES.values():
        for folder in _table_folders(output_dir, table):
            files = _parquet_files(folder)
            if table.partition_by:
                # A partition is closed as a whole: its newest file is old enough.
                if not files or max(mtime for _, _, mtime in files) > cutoff:
                    continue
                candidates = files
            else:
                candidates = [entry for entry in files if entry[2] <= cutoff]
            by_schema: dict[bytes, tuple[pa.Schema, list]] = {}
            for entry in candidates:
                schema = entry[1] < target_bytes // 2 and _merged_schema(entry[0], table, left)
                if schema:
                    key = schema.serialize().to_pybytes()
                    by_schema.setdefault(key, (schema, []))[1].append(entry)
            merges = [
                Merge(tuple(group), schema)
                for schema, entries in by_schema.values()
                for group in _pack(entries, target_bytes)
            ]
            if not merges:
                continue
            merged = {path for merge in merges for path in merge.paths}
            plans.append(
                FolderPlan(
                    table=table,
                    folder=folder,
                    merges=tuple(merges),
                    kept=tuple(
                        sorted(
                            entry.name for entry in os.scandir(folder) if entry.path not in merged
                        )
                    ),
                )
            )
    return plans


def compact_output(
    output_dir: str,
    target_bytes: int = DEFAULT_TARGET_BYTES,
    quiet_for: float = DEFAULT_QUIET_FOR,
    on_step: Step | None = None,
) -> CompactionResult:
    """Rewrites the closed folders of a local `output_dir` (see the module's docstring).

    The caller holds the output's writer lock. Raises `FolderExchangeUnsupported` on a
    file system that cannot exchange folders atomically, before any folder changes.
    """
    started = time.monotonic()
    remove_abandoned_staging(output_dir)
    result = CompactionResult()
    for plan in plan_compaction(output_dir, target_bytes, quiet_for, left=result.files_left):
        _compact_folder(output_dir, plan, result, on_step or _no_step)
        result.folders += 1
    result.seconds = time.monotonic() - started
    return result


def check_folder_exchange(output_dir: str) -> None:
    """Raises ValueError when the output's file system cannot exchange two folders
    atomically (compaction would refuse there): tried once on two empty folders."""
    folder = os.path.join(output_dir, TEMPORARY)
    os.makedirs(folder, exist_ok=True)
    first = os.path.join(folder, f"{STAGING_PREFIX}probe-{uuid.uuid4().hex}")
    second = f"{first}-other"
    os.mkdir(first)
    os.mkdir(second)
    try:
        exchange_folders(first, second)
    except FolderExchangeUnsupported as error:
        raise ValueError(f"--compact-after: {error.strerror}") from None
    finally:
        os.rmdir(first)
        os.rmdir(second)


def remove_abandoned_staging(output_dir: str) -> int:
    """Deletes the folders a killed compaction left under `DIR/_temporary/`: a new folder
    never exchanged, or an old one exchanged out. Only under the writer lock: a live
    compaction's folder would go too. Returns how many."""
    folder = os.path.join(output_dir, TEMPORARY)
    if not os.path.isdir(folder):
        return 0
    removed = 0
    for entry in os.scandir(folder):
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
            removed += 1
    return removed


def _no_step(_step: str, _folder: str) -> None:
    return None


def _compact_folder(output_dir: str, plan: FolderPlan, result: CompactionResult, on_step: Step):
    staging = os.path.join(output_dir, TEMPORARY, f"{STAGING_PREFIX}{uuid.uuid4().hex}")
    os.makedirs(staging)
    for name in plan.kept:
        source = os.path.join(plan.folder, name)
        if os.path.isdir(source):
            raise ValueError(f"{plan.folder} holds a folder, {name}: not compacted")
        os.link(source, os.path.join(staging, name))
    for merge in plan.merges:
        rows, repeated = _merge(merge, plan.table, staging)
        result.rows += rows
        result.repeated_rows_dropped += repeated
        result.files_merged += len(merge.paths)
        result.files_written += 1
        on_step("merged", plan.folder)
    fsync_folder(staging)
    on_step("staged", plan.folder)
    exchange_folders(staging, plan.folder)
    fsync_folder(os.path.dirname(plan.folder))
    on_step("exchanged", plan.folder)
    shutil.rmtree(staging)  # the old folder's contents, exchanged out
    on_step("cleaned", plan.folder)
    _LOG.info(
        "compacted %s: %d files into %d",
        plan.folder,
        sum(len(merge.paths) for merge in plan.merges),
        len(plan.merges),
    )


def _merge(merge: Merge, table: Table, staging: str) -> tuple[int, int]:
    """Writes the rows of `merge` as one file in `staging`, named like a written file by a
    hash of its keys, synced; returns (rows written, repeated rows dropped)."""
    paths = merge.paths
    seen: set[bytes] = set()
    keys: list[str] = []
    buffered: list[pa.Table] = []
    buffered_bytes = written = repeated = 0
    temporary = os.path.join(staging, f".{uuid.uuid4().hex}.tmp")
    with pq.ParquetWriter(
        temporary, merge.schema, compression="zstd", use_dictionary=True
    ) as writer:
        for part in _conformed_parts(paths, merge.schema):
            keep = []
            for row in part.to_pylist():
                # A row repeated whole (the same run written twice) goes; rows under one
                # key that differ in any column are all kept: nothing is decided here.
                identity = _digest(row)
                keep.append(identity not in seen)
                seen.add(identity)
            repeated += keep.count(False)
            part = part.filter(pa.array(keep, pa.bool_())) if not all(keep) else part
            keys += map(str, part.column(table.key).to_pylist())
            buffered.append(part)
            buffered_bytes += part.nbytes
            if buffered_bytes >= _ROW_GROUP_BYTES or sum(map(len, buffered)) >= _ROW_GROUP_ROWS:
                written += _write_sorted(writer, buffered, table)
                buffered, buffered_bytes = [], 0
        written += _write_sorted(writer, buffered, table)
    with open(temporary, "rb") as handle:
        os.fsync(handle.fileno())
    # The rows' own age, not the compaction's: a merged partition stays closed.
    newest = max(os.stat(path).st_mtime for path in paths)
    os.utime(temporary, (newest, newest))
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:24]
    os.rename(temporary, os.path.join(staging, f"part-{digest}.parquet"))
    return written, repeated


def _digest(row: dict) -> bytes:
    return hashlib.blake2b(repr(sorted(row.items())).encode(), digest_size=16).digest()


def _write_sorted(writer: pq.ParquetWriter, parts: list[pa.Table], table: Table) -> int:
    if not parts:
        return 0
    rows = pa.concat_tables(parts)
    rows = rows.take(pc.sort_indices(rows, [(table.key, "ascending")]))
    writer.write_table(rows, row_group_size=max(len(rows), 1))
    return len(rows)


def _conformed_parts(paths: tuple[str, ...], schema: pa.Schema) -> Iterator[pa.Table]:
    """Each file's rows in `schema`: missing columns null."""
    for path in paths:
        # A local path: pyarrow's own file, read on this thread (see `read_parquet`).
        read = pq.read_table(path, use_threads=False, pre_buffer=False)
        columns = [
            read.column(column.name).cast(column.type)
            if column.name in read.column_names
            else pa.nulls(len(read), column.type)
            for column in schema
        ]
        yield pa.Table.from_arrays(columns, schema=schema)


def _merged_schema(path: str, table: Table, left: dict[str, int] | None) -> pa.Schema | None:
    """The schema a file's rows are merged in: the current one when they fit it (columns
    it lacks are nullable there), else its own; None when it cannot join a merge (counted
    in `left` by reason)."""
    reason = None
    try:
        found = pq.read_schema(path)
    except (pa.ArrowException, OSError):
        reason = "unreadable (newsbeam check)"
    else:
        schema = table.file_schema
        if any(name not in schema.names for name in found.names):
            reason = "a column this version does not write"
        elif any(
            not _castable(found.field(name).type, schema.field(name).type) for name in found.names
        ):
            reason = "a column of another type"
        elif all(column.nullable or column.name in found.names for column in schema):
            return schema
        else:
            return found
    if left is not None:
        left[reason] = left.get(reason, 0) + 1
    return None


def _castable(source: pa.DataType, target: pa.DataType) -> bool:
    if source == target:
        return True
    try:
        pa.nulls(0, source).cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _pack(files: list[tuple[str, int, float]], target_bytes: int) -> list[list[str]]:
    """Groups files oldest first into runs of at most `target_bytes`; a group of one file
    is left alone (rewriting it gains nothing)."""
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path, file_size, _ in sorted(files, key=lambda entry: (entry[2], entry[0])):
        if current and size + file_size > target_bytes:
            groups.append(current)
            current, size = [], 0
        current.append(path)
        size += file_size
    groups.append(current)
    return [group for group in groups if len(group) > 1]


def _table_folders(output_dir: str, table: Table) -> list[str]:
    """The folders holding a table's files: each partition's, or the table's own."""
    folders = [os.path.join(output_dir, table.name)]
    for _ in table.partition_by:
        folders = [
            entry.path
            for folder in folders
            if os.path.isdir(folder)
            for entry in os.scandir(folder)
            if entry.is_dir(follow_symlinks=False) and "=" in entry.name
        ]
    return sorted(folder for folder in folders if os.path.isdir(folder))


def _parquet_files(folder: str) -> list[tuple[str, int, float]]:
    """(path, size, modified) of the complete Parquet files in one folder."""
    files = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".parquet") and entry.is_file(follow_symlinks=False):
            stat = entry.stat()
            files.append((entry.path, stat.st_size, stat.st_mtime))
    return files
