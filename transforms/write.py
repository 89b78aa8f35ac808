"""`WriteTable`: rows to Parquet under the output directory, idempotently and atomically."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from schemas.tables import Table
from transforms.parquet_files import existing_keys, list_table_files, partition_dir, write_rows

__all__ = ["WriteTable"]


class _WritePartitionFn(beam.DoFn):
    """Writes one partition's rows as files of at most `max_rows_per_file` rows."""

    def __init__(self, output_dir: str, table: Table, max_rows_per_file: int) -> None:
        self._output_dir = output_dir
        self._table = table
        self._max_rows = max_rows_per_file
        self._rows = Metrics.counter("newsbeam", f"{table.name}_written")
        self._files = Metrics.counter("newsbeam", f"{table.name}_files")

    def process(self, keyed_rows):
        partition, rows = keyed_rows
        rows = sorted(rows, key=lambda row: str(row[self._table.key]))
        for start in range(0, len(rows), self._max_rows):
            chunk = rows[start : start + self._max_rows]
            path = write_rows(self._output_dir, self._table, partition, chunk)
            self._rows.inc(len(chunk))
            self._files.inc()
            yield path


class _NewRowsOnlyFn(beam.DoFn):
    """Keeps one row per key, and none for a key the table already holds (counted)."""

    def __init__(self, table_name: str) -> None:
        self._already = Metrics.counter("newsbeam", f"{table_name}_already_written")

    def process(self, joined):
        _key, grouped = joined
        new = list(grouped["new"])
        if not new:
            return
        if list(grouped["existing"]):
            self._already.inc(len(new))
            return
        self._already.inc(len(new) - 1)
        yield new[0]


def _keyed_existing(path: str, table: Table):
    return ((key, None) for key in existing_keys(path, table))


class WriteTable(beam.PTransform):
    """Row dicts -> paths of the Parquet files written (bounded input).

    Files land under `output_dir/<table>/<partition>/part-<hash>.parquet`, each renamed into
    place only when complete. Rows whose key is already in the table (from an earlier run
    into the same directory) are skipped, so re-running an input adds no duplicate row.
    Rows are grouped by partition: a window's rows are written when the window closes.
    With `skip_existing=False` (streaming, where the feed state already prevents repeats)
    the table is not read back first.
    """

    def __init__(
        self,
        output_dir: str,
        table: Table,
        max_rows_per_file: int = 100_000,
        skip_existing: bool = True,
    ) -> None:
        super().__init__()
        if not output_dir:
            raise ValueError("WriteTable needs an output directory")
        self._output_dir = output_dir
        self._table = table
        self._max_rows = max_rows_per_file
        self._skip_existing = skip_existing

    def expand(self, rows):
        if not self._skip_existing:
            return self._write(rows)
        table, key = self._table, self._table.key
        existing = (
            rows.pipeline
            | "ListExistingFiles" >> beam.Create([None])
            | "ExistingFiles"
            >> beam.FlatMap(lambda _, out, t: list_table_files(out, t), self._output_dir, table)
            | "SpreadExistingFiles" >> beam.Reshuffle()
            | "ExistingKeys" >> beam.FlatMap(_keyed_existing, table)
        )
        new = rows | "KeyRows" >> beam.Map(lambda row: (str(row[key]), row))
        unwritten = (
            {"new": new, "existing": existing}
            | "JoinExisting" >> beam.CoGroupByKey()
            | "DropWritten" >> beam.ParDo(_NewRowsOnlyFn(table.name))
        )
        return self._write(unwritten)

    def _write(self, rows):
        table = self._table
        return (
            rows
            | "KeyByPartition" >> beam.Map(lambda row: (partition_dir(table, row), row))
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WritePartitionFn(self._output_dir, table, self._max_rows))
        )
