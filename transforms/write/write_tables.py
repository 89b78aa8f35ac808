"""`WriteTables`: rows of several tables to Parquet, idempotently and atomically, in one
branch of the graph; `WriteRunRow`: the run's `runs` row, once everything else is written.

All tables go through one flatten, one key check and one grouping, so the graph ends in a
single write: some runners (Beam's DaskRunner) compute only the last branch of a graph.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.schemas.tables import RUNS, Table
from newsbeam.transforms.write.accounting import RunInfo, run_row
from newsbeam.transforms.write.parquet_files import (
    existing_keys,
    list_table_files,
    partition_dir,
    write_rows,
)

__all__ = ["Target", "WriteRunRow", "WriteTable", "WriteTables"]

Target = tuple[str, Table]
"""(output directory, table): where a table's files go."""


def _name(target: Target) -> str:
    output_dir, table = target
    return f"{output_dir}\x1f{table.name}"


class _WritePartitionFn(beam.DoFn):
    """Writes one partition's rows as files of at most `max_rows_per_file` rows."""

    def __init__(self, targets: dict[str, Target], max_rows_per_file: int) -> None:
        self._targets = targets
        self._max_rows = max_rows_per_file

    def process(self, keyed_rows):
        (name, partition), rows = keyed_rows
        output_dir, table = self._targets[name]
        rows = sorted(rows, key=lambda row: str(row[table.key]))
        for start in range(0, len(rows), self._max_rows):
            chunk = rows[start : start + self._max_rows]
            path = write_rows(output_dir, table, partition, chunk)
            Metrics.counter("newsbeam", f"{table.name}_written").inc(len(chunk))
            Metrics.counter("newsbeam", f"{table.name}_files").inc()
            yield name, path


class _NewRowsOnlyFn(beam.DoFn):
    """Keeps one row per key, and none for a key the table already holds (counted)."""

    def process(self, joined):
        (name, _key), grouped = joined
        new = list(grouped["new"])
        if not new:
            return
        already = Metrics.counter("newsbeam", f"{name.rsplit(chr(31), 1)[1]}_already_written")
        if list(grouped["existing"]):
            already.inc(len(new))
            return
        already.inc(len(new) - 1)
        yield name, new[0]


def _existing_keys(name: str, targets: dict[str, Target]):
    output_dir, table = targets[name]
    for path in list_table_files(output_dir, table):
        yield name, path


def _keys_of(name_and_path: tuple[str, str], targets: dict[str, Target]):
    name, path = name_and_path
    table = targets[name][1]
    return (((name, key), None) for key in existing_keys(path, table))


def _by_partition(item: tuple[str, dict], targets: dict[str, Target]):
    name, row = item
    return (name, partition_dir(targets[name][1], row)), row


def _by_key(item: tuple[str, dict], targets: dict[str, Target]):
    name, row = item
    return (name, str(row[targets[name][1].key])), row


class WriteTables(beam.PTransform):
    """{label: rows} -> (target name, path) of every Parquet file written (one branch).

    `targets` maps each label of the input dict to (output directory, table). Files land
    under `output_dir/<table>/<partition>/part-<hash>.parquet`, each renamed into place only
    when complete. With `skip_existing`, rows whose key the table already holds (an earlier
    run into the same directory) are skipped, so re-running an input adds no duplicate row;
    streaming runners, whose feed state already prevents repeats, turn it off. Rows are
    grouped by partition: a window's rows are written when the window closes.
    """

    def __init__(
        self,
        targets: dict[str, Target],
        max_rows_per_file: int = 100_000,
        skip_existing: bool = True,
    ) -> None:
        super().__init__()
        for output_dir, _table in targets.values():
            if not output_dir:
                raise ValueError("WriteTables needs an output directory for every table")
        self._targets = {_name(target): target for target in targets.values()}
        self._names = {label: _name(target) for label, target in targets.items()}
        self._max_rows = max_rows_per_file
        self._skip_existing = skip_existing

    def expand(self, tables):
        tagged = [
            tables[label] | f"Tag{label.title()}" >> beam.Map(lambda row, name: (name, row), name)
            for label, name in self._names.items()
            if tables.get(label) is not None
        ]
        rows = tuple(tagged) | "AllTables" >> beam.Flatten()
        if self._skip_existing:
            rows = self._only_new(rows)
        targets = self._targets
        return (
            rows
            | "KeyByPartition" >> beam.Map(_by_partition, targets)
            | "GroupByPartition" >> beam.GroupByKey()
            | "WriteFiles" >> beam.ParDo(_WritePartitionFn(targets, self._max_rows))
        )

    def _only_new(self, rows):
        targets = self._targets
        existing = (
            rows.pipeline
            | "TableNames" >> beam.Create(sorted(targets))
            | "ExistingFiles" >> beam.FlatMap(_existing_keys, targets)
            | "SpreadExistingFiles" >> beam.Reshuffle()
            | "ExistingKeys" >> beam.FlatMap(_keys_of, targets)
        )
        new = rows | "KeyRows" >> beam.Map(_by_key, targets)
        return (
            {"new": new, "existing": existing}
            | "JoinExisting" >> beam.CoGroupByKey()
            | "DropWritten" >> beam.ParDo(_NewRowsOnlyFn())
        )


class WriteTable(beam.PTransform):
    """Row dicts of one table -> paths of the Parquet files written (see `WriteTables`)."""

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
        target = {table.name: (output_dir, table)}
        self._write = WriteTables(target, max_rows_per_file, skip_existing)
        self._table = table

    def expand(self, rows):
        return (
            {self._table.name: rows}
            | "Write" >> self._write
            | "Paths" >> beam.Map(lambda name_and_path: name_and_path[1])
        )


class _RunRowFn(beam.DoFn):
    def __init__(self, output_dir: str, run: RunInfo, per_window: bool) -> None:
        self._output_dir = output_dir
        self._run = run
        self._per_window = per_window

    def process(self, grouped, window=beam.DoFn.WindowParam):
        _key, items = grouped
        tallies = [value for kind, value in items if kind == "tally"]
        if not tallies:
            return
        run = self._run
        if self._per_window:
            from dataclasses import replace
            from datetime import UTC

            start = window.start.to_utc_datetime().replace(tzinfo=UTC)
            run = replace(run, run_id=f"{run.run_id}-{start:%Y%m%dT%H%M%S}", started_at=start)
        yield write_rows(self._output_dir, RUNS, "", [run_row(run, tallies[0])])


class WriteRunRow(beam.PTransform):
    """{"tally": the run's tally, "written": paths of every file written} -> the runs file.

    The row is made after the last file of the run (or window) is written, in the same
    branch as every other write: the graph's only end.
    """

    def __init__(self, output_dir: str, run: RunInfo, per_window: bool = False) -> None:
        super().__init__()
        self._output_dir = output_dir
        self._run = run
        self._per_window = per_window

    def expand(self, flows):
        tally = flows["tally"] | "TagTally" >> beam.Map(lambda tally: (None, ("tally", tally)))
        written = flows["written"] | "TagWritten" >> beam.Map(lambda item: (None, ("file", item)))
        return (
            (tally, written)
            | "TallyAndFiles" >> beam.Flatten()
            | "AfterEveryWrite" >> beam.GroupByKey()
            | "WriteRunRow" >> beam.ParDo(_RunRowFn(self._output_dir, self._run, self._per_window))
        )
