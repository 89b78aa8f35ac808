"""`ValidateRows`: rows that would break a table's schema become rejects, not a failed job."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.schemas.tables import Table
from newsbeam.transforms.records import REJECTS_TAG, Stage, Tagged, reject
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["ValidateRows"]


class _ValidateFn(beam.DoFn):
    def __init__(self, table: Table) -> None:
        self._table = table
        self._invalid = Metrics.counter("newsbeam", f"rejected_invalid_{table.name}")

    def process(self, row: dict):
        missing = self._table.violations(row)
        if not missing:
            yield row
            return
        self._invalid.inc()
        detail = f"{self._table.name} row lacks required {', '.join(missing)}"
        yield Tagged(
            REJECTS_TAG,
            reject(
                str(row.get("input")),
                Stage.WRITE,
                "schema_violation",
                detail,
                row["ingested_at"],
                row.get("source"),
                # A feed entry's own key; a copy's own id (two copies share their input).
                occasion=row.get("entry_key") or row.get("id"),
            ),
        )


class ValidateRows(beam.PTransform):
    """Rows -> rows with every required column set, plus a `rejects` output for the others.

    A null in a required column would make the Parquet writer fail the whole file (and the
    job); checking each row first costs one reject row instead.
    """

    def __init__(self, table: Table) -> None:
        super().__init__()
        self._table = table

    def expand(self, rows):
        return (
            rows
            | "CheckRequiredColumns" >> beam.ParDo(_ValidateFn(self._table))
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, main="valid")
        )
