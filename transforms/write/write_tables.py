"""`WriteTables`: rows of several tables to Parquet, idempotently and atomically, in one
branch of the graph; `WriteRunRow`: the run's `runs` row, once everything else is written.

All tables go through one flatten, one key check and one grouping, so the graph ends in a
single write: some runners (Beam's DaskRunner) compute only the last branch of a graph.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.schemas.tables import DUPLICATES, RUNS, Table
from newsbeam.transforms.dedupe.duplicate_rows import canonical_order, revision_row
from newsbeam.transforms.write.accounting import UNKNOWN_SOURCE, RunInfo, run_row
from newsbeam.transforms.write.parquet_files import (
    existing_keys,
    list_table_files,
    partition_dir,
    write_rows,
)

__all__ = ["ALREADY_WRITTEN", "Target", "WriteRunRow", "WriteTable", "WriteTables", "Written"]

Target = tuple[str, Table]
"""(output directory, table): where a table's files go."""

ALREADY_WRITTEN = "\x1falready"
"""The target name of the marker a row leaves instead of a file when the output already
holds its key from an earlier run (a re-run): counted, so the run still balances."""


class Written(NamedTuple):
    """What the writer did with a batch of rows: a file written (`path`), or rows already
    on disk (`path` None, target `ALREADY_WRITTEN`); `sources` counts them per source."""

    target: str
    table: str
    path: str | None
    sources: dict[str, int]


def _name(target: Target) -> str:
    output_dir, table = target
    return f"{output_dir}\x1f{table.name}"


def _table_of(name: str) -> str:
    return name.rsplit("\x1f", 1)[1]


def _source_of(row: dict) -> str:
    return row.get("source") or UNKNOWN_SOURCE


class _WritePartitionFn(beam.DoFn):
    """Writes one partition's rows as files of at most `max_rows_per_file` rows; counts
    the markers of rows already written."""

    def __init__(self, targets: dict[str, Target], max_rows_per_file: int) -> None:
        self._targets = targets
        self._max_rows = max_rows_per_file

    def process(self, keyed_rows):
        (name, partition), rows = keyed_rows
        if name == ALREADY_WRITTEN:
            yield from _count_markers(rows)
            return
        output_dir, table = self._targets[name]
        rows = sorted(rows, key=lambda row: str(row[table.key]))
        for start in range(0, len(rows), self._max_rows):
            chunk = rows[start : start + self._max_rows]
            path = write_rows(output_dir, table, partition, chunk)
            Metrics.counter("newsbeam", f"{table.name}_written").inc(len(chunk))
            Metrics.counter("newsbeam", f"{table.name}_files").inc()
            yield Written(name, table.name, path, dict(Counter(map(_source_of, chunk))))


def _count_markers(markers):
    counts: dict[str, Counter] = {}
    for table, source in markers:
        counts.setdefault(table, Counter())[source] += 1
    for table, sources in sorted(counts.items()):
        Metrics.counter("newsbeam", f"{table}_already_written").inc(sum(sources.values()))
        yield Written(ALREADY_WRITTEN, table, None, dict(sources))


def _already(name: str, row: dict) -> tuple[str, tuple[str, str]]:
    return ALREADY_WRITTEN, (_table_of(name), _source_of(row))


def _merged_in_run(name: str, rows: int) -> None:
    if rows:
        Metrics.counter("newsbeam", f"{_table_of(name)}_merged_in_run").inc(rows)


class _NewRowsOnlyFn(beam.DoFn):
    """Keeps one row per key, and none for a key the table already holds; each row whose
    key an earlier run wrote leaves a marker, so that it is counted as already written.

    Two rows of one run under one key are two inputs merged into one row: only the first
    is written, and the others are counted as `<table>_merged_in_run`, not as written
    before. For `articles`, `duplicates` and `rejects`, whose rows the run's accounting
    counts, the run then does not balance and says so: each input's row has a key of its
    own (a feed entry's includes the entry), so a merge is a defect to see, not a re-run."""

    def process(self, joined):
        (name, _key), grouped = joined
        new = list(grouped["new"])
        if not new:
            return
        if list(grouped["existing"]):
            for row in new:
                yield _already(name, row)
            return
        yield name, new[0]
        _merged_in_run(name, len(new) - 1)


class _FirstVersionFn(beam.DoFn):
    """For a table with versions (articles): a row whose key is new is kept; one whose key
    and version are on disk is already written; one whose key is on disk with another
    version (a corrected story, a reused URL) becomes a `duplicates` row of kind
    `revision`, so that it is never dropped unseen. The first version stays the article."""

    def __init__(self, targets: dict[str, Target], revisions_to: dict[str, str]) -> None:
        self._targets = targets
        self._revisions_to = revisions_to

    def process(self, joined):
        (name, key), grouped = joined
        new = sorted(grouped["new"], key=canonical_order)
        if not new:
            return
        version = self._targets[name][1].version
        seen = set(grouped["existing"])
        written_before = set(seen)
        if not seen:
            yield name, new[0]
            seen.add(new[0][version])
            new = new[1:]
        for row in new:
            if row[version] in written_before or None in written_before:
                yield _already(name, row)
            elif row[version] in seen:
                _merged_in_run(name, 1)
            else:
                seen.add(row[version])
                Metrics.counter("newsbeam", "duplicates_revision").inc()
                yield self._revisions_to[name], revision_row(row, key)


def _existing_keys(name: str, targets: dict[str, Target]):
    output_dir, table = targets[name]
    for path in list_table_files(output_dir, table):
        yield name, path


def _keys_of(name_and_path: tuple[str, str], targets: dict[str, Target]):
    name, path = name_and_path
    table = targets[name][1]
    return (((name, key), version) for key, version in existing_keys(path, table))


def _by_partition(item: tuple[str, dict], targets: dict[str, Target]):
    name, row = item
    if name == ALREADY_WRITTEN:
        return (name, ""), row
    return (name, partition_dir(targets[name][1], row)), row


def _by_key(item: tuple[str, dict], targets: dict[str, Target]):
    name, row = item
    return (name, str(row[targets[name][1].key])), row


def _revision_targets(targets: dict[str, Target]) -> dict[str, str]:
    """{versioned table's name: the duplicates table's name in the same directory}."""
    duplicates = {output_dir: name for name, (output_dir, t) in targets.items() if t == DUPLICATES}
    return {
        name: duplicates[output_dir]
        for name, (output_dir, table) in targets.items()
        if table.version and output_dir in duplicates
    }


class WriteTables(beam.PTransform):
    """{label: rows} -> a `Written` for every Parquet file written and every batch of rows
    already on disk (one branch).

    `targets` maps each label of the input dict to (output directory, table). Files land
    under `output_dir/<table>/<partition>/part-<hash>.parquet`, each renamed into place only
    when complete. With `skip_existing`, rows whose key the table already holds (an earlier
    run into the same directory) are skipped and counted, so re-running an input adds no
    duplicate row; an article whose id is on disk with another text is written as a
    `revision` duplicate. Streaming runners, whose feed state already prevents repeats, turn
    it off. Rows are grouped by partition: a window's rows are written when it closes.
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
        """Rows whose key is not on disk yet; tables with versions first, as their
        revisions are rows of another table that must be checked in turn."""
        targets = self._targets
        existing = (
            rows.pipeline
            | "TableNames" >> beam.Create(sorted(targets))
            | "ExistingFiles" >> beam.FlatMap(_existing_keys, targets)
            | "SpreadExistingFiles" >> beam.Reshuffle()
            | "ExistingKeys" >> beam.FlatMap(_keys_of, targets)
        )
        revisions_to = _revision_targets(targets)
        if not revisions_to:
            return self._drop_written(rows, existing)

        def versioned_row(item: tuple[str, dict]) -> bool:
            return item[0] in revisions_to

        def versioned_key(item: tuple[tuple[str, str], str | None]) -> bool:
            return item[0][0] in revisions_to

        first = (
            {
                "new": rows
                | "VersionedRows" >> beam.Filter(versioned_row)
                | "KeyVersionedRows" >> beam.Map(_by_key, targets),
                "existing": existing | "VersionedKeys" >> beam.Filter(versioned_key),
            }
            | "JoinExistingVersions" >> beam.CoGroupByKey()
            | "KeepFirstVersion" >> beam.ParDo(_FirstVersionFn(targets, revisions_to))
        )
        revision_names = set(revisions_to.values())
        revisions = first | "Revisions" >> beam.Filter(lambda item: item[0] in revision_names)
        kept = first | "NewVersions" >> beam.Filter(lambda item: item[0] not in revision_names)
        others = rows | "OtherRows" >> beam.Filter(lambda item: not versioned_row(item))
        unversioned = (others, revisions) | "OtherRowsAndRevisions" >> beam.Flatten()
        other_keys = existing | "OtherKeys" >> beam.Filter(lambda item: not versioned_key(item))
        return (kept, self._drop_written(unversioned, other_keys)) | "NewRows" >> beam.Flatten()

    def _drop_written(self, rows, existing):
        new = rows | "KeyRows" >> beam.Map(_by_key, self._targets)
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
            | "Files" >> beam.Filter(lambda written: written.path is not None)
            | "Paths" >> beam.Map(lambda written: written.path)
        )


class _RunRowFn(beam.DoFn):
    def __init__(self, output_dir: str, run: RunInfo, per_window: bool) -> None:
        self._output_dir = output_dir
        self._run = run
        self._per_window = per_window

    def process(self, grouped, window=beam.DoFn.WindowParam):
        _key, items = grouped
        items = list(items)
        tallies = [value for kind, value in items if kind == "tally"]
        if not tallies:
            return
        written = [value for kind, value in items if kind == "file"]
        run = self._run
        if self._per_window:
            from dataclasses import replace
            from datetime import UTC

            start = window.start.to_utc_datetime().replace(tzinfo=UTC)
            run = replace(run, run_id=f"{run.run_id}-{start:%Y%m%dT%H%M%S}", started_at=start)
        yield write_rows(self._output_dir, RUNS, "", [run_row(run, tallies[0], written)])


class WriteRunRow(beam.PTransform):
    """{"tally": the run's tally, "written": `Written` of every write} -> the runs file.

    The row is made after the last file of the run (or window) is written, in the same
    branch as every other write: the graph's only end. Its outcomes are the rows in the
    files written (and rows found already written), not what was handed to the writer:
    a write a runner dropped makes the run not balance.
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
