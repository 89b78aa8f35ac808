"""Parquet files of the output tables: paths, atomic writes, and keys already written.

Paths go through Beam's `FileSystems`, so the output directory may be local, `gs://` or
`s3://`. A file is written under `DIR/_temporary/` with a `.tmp` suffix and renamed into its
partition when complete: readers globbing `*.parquet` never see a half-written file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from newsbeam.schemas.layout import temporary_dir
from newsbeam.schemas.tables import Table
from newsbeam.transforms.slugs import slugify

__all__ = [
    "UnreadableFile",
    "existing_keys",
    "list_table_files",
    "partition_dir",
    "read_parquet",
    "read_parquet_metadata",
    "remove_stale_temporary",
    "table_rows",
    "write_rows",
]

_LOG = logging.getLogger(__name__)

_ROW_GROUP_ROWS = 64_000


def partition_dir(table: Table, row: dict) -> str:
    """`date=2020-10-19/region=western-asia` for an articles row; "" for flat tables.

    Values are slugs or ISO dates, so no row can name a path outside the table.
    """
    return "/".join(f"{column}={_partition_value(row[column])}" for column in table.partition_by)


def _partition_value(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else slugify(value)


def write_rows(output_dir: str, table: Table, partition: str, rows: Sequence[dict]) -> str:
    """Writes rows as one Parquet file in the partition, atomically; returns its path.

    The file name is a hash of the keys it holds, so writing the same rows again replaces
    the file instead of adding a second copy.
    """
    keys = sorted(str(row[table.key]) for row in rows)
    digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]
    folder = FileSystems.join(output_dir, table.name, *([partition] if partition else []))
    final_path = FileSystems.join(folder, f"part-{digest}.parquet")
    temp_path = FileSystems.join(temporary_dir(output_dir), f"{table.name}-{uuid.uuid4().hex}.tmp")
    ordered = sorted(rows, key=lambda row: str(row[table.key]))
    arrow_table = pa.Table.from_pylist(ordered, schema=table.file_schema)
    with FileSystems.create(temp_path) as handle:
        pq.write_table(
            arrow_table,
            handle,
            compression="zstd",
            use_dictionary=True,
            row_group_size=_ROW_GROUP_ROWS,
        )
    if FileSystems.get_scheme(folder) is None:
        os.makedirs(folder, exist_ok=True)
    FileSystems.rename([temp_path], [final_path])
    return final_path


def remove_stale_temporary(output_dir: str, older_than_s: float, now: float | None = None) -> int:
    """Deletes temporary files a killed run left behind; returns how many (local only).

    Readers never see them, but they take disk space. Only files older than `older_than_s`
    go: a younger one may belong to a run writing into the same directory right now.
    """
    import time

    folder = temporary_dir(output_dir)
    if "://" in output_dir or not os.path.isdir(folder):
        return 0
    cutoff = (time.time() if now is None else now) - older_than_s
    removed = 0
    for entry in os.scandir(folder):
        if entry.name.endswith(".tmp") and entry.is_file() and entry.stat().st_mtime < cutoff:
            os.remove(entry.path)
            removed += 1
    return removed


def list_table_files(
    output_dir: str, table: Table, written_since: float | None = None
) -> list[str]:
    """Paths of the table's complete Parquet files (temporary files are never listed);
    with `written_since` (epoch seconds), only those last written at or after it."""
    root = FileSystems.join(output_dir, table.name)
    pattern = FileSystems.join(root, *(["*"] * len(table.partition_by)), "*.parquet")
    try:
        results = FileSystems.match([pattern])
    except Exception:  # noqa: BLE001 - Beam raises BeamIOError for a missing root
        return []
    return sorted(
        metadata.path
        for result in results
        for metadata in result.metadata_list
        if written_since is None or metadata.last_updated_in_seconds >= written_since
    )


def table_rows(
    output_dir: str,
    table: Table,
    columns: Sequence[str],
    written_since: float | None = None,
    newest_first: bool = False,
) -> Iterator[list[dict]]:
    """The rows of each complete file of `table` (written since `written_since`, if
    given). A damaged file is named in the log and skipped: callers that tidy or recover
    state must go on without what it held, as `newsbeam check --repair` would."""
    paths = list_table_files(output_dir, table, written_since=written_since)
    for path in reversed(paths) if newest_first else paths:
        try:
            yield read_parquet(path, columns).to_pylist()
        except UnreadableFile as error:
            _LOG.warning("%s not read: %s", table.name, error)


class UnreadableFile(ValueError):
    """A file of the output that is not readable Parquet (truncated, empty, damaged).

    Its message names the file: a pipeline step that meets one fails with that name, not
    pyarrow's (which names a buffer). One argument only, so that Beam can re-raise it with
    the step's name appended.
    """


def read_parquet(path: str, columns: Sequence[str] | None = None) -> pa.Table:
    """One Parquet file (local, gs://, s3://), read entirely on the calling thread.

    Beam's file systems hand pyarrow a Python file object. Read with pyarrow's defaults
    (pre-buffering, thread pools), its I/O threads keep buffers of that Python object alive
    after the call returns; one released during interpreter shutdown needs the GIL, the
    thread is torn down, and the process aborts ("terminate called without an active
    exception", exit 134) after a complete run. Every read of the output goes through here.
    Raises `UnreadableFile` naming the file when it cannot be read.
    """
    try:
        with FileSystems.open(path) as handle:
            parquet = pq.ParquetFile(handle, pre_buffer=False)
            return parquet.read(columns=columns, use_threads=False)
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(path, error) from error


def read_parquet_metadata(path: str) -> pq.FileMetaData:
    """The footer of one Parquet file, its data left unread: enough to tell a file cut
    short (the footer is written last) from a complete one. Raises `UnreadableFile`."""
    try:
        with FileSystems.open(path) as handle:
            return pq.ParquetFile(handle, pre_buffer=False).metadata
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(path, error) from error


def _unreadable(path: str, error: Exception) -> UnreadableFile:
    reason = " ".join(str(error).split()).rstrip(".") or type(error).__name__
    return UnreadableFile(
        f"cannot read {path}: {reason}. `newsbeam check DIR --repair`, DIR the output "
        "directory, moves unreadable files aside"
    )


def existing_keys(path: str, table: Table) -> Iterable[tuple[str, str | None]]:
    """(key, version) of each row of one existing file, read alone; the version (see
    `Table.version`) is None in a table without one."""
    columns = [table.key] if table.version is None else [table.key, table.version]
    read = read_parquet(path, columns)
    keys = map(str, read.column(table.key).to_pylist())
    if table.version is None:
        return ((key, None) for key in keys)
    return zip(keys, read.column(table.version).to_pylist(), strict=True)
