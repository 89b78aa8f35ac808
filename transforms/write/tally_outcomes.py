"""`TallyOutcomes`: every input and outcome counted per source, for the run's `runs` row."""

from __future__ import annotations

from collections.abc import Iterable

import apache_beam as beam
from apache_beam.transforms import window

from newsbeam.transforms.write.accounting import (
    OUTCOMES,
    Tally,
    add_outcome,
    add_poll,
    add_skipped,
    empty_tally,
    merge_tallies,
    outcome_of,
)

__all__ = ["TallyOutcomes"]


class _TallyFn(beam.CombineFn):
    def create_accumulator(self) -> Tally:
        return empty_tally()

    def add_input(self, accumulator: Tally, element: tuple[str, int, str] | dict | None) -> Tally:
        if element is None:
            return accumulator
        if isinstance(element, dict):  # a feed's poll record
            return add_poll(accumulator, element)
        if isinstance(element, str):  # why an archive record was skipped
            return add_skipped(accumulator, element)
        return add_outcome(accumulator, element)

    def merge_accumulators(self, accumulators: Iterable[Tally]) -> Tally:
        return merge_tallies(accumulators)

    def extract_output(self, accumulator: Tally) -> Tally:
        return accumulator


class TallyOutcomes(beam.PTransform):
    """{"inputs", "articles", "duplicates", "rejects": PCollections of rows, and optionally
    "polls": the feeds' poll records and "skipped": the reasons archive records were
    skipped} -> one tally.

    Batch: one tally for the run, even when nothing came in: a `None` unit that counts
    for nothing stands in for Beam's default value, which is a side input (recomputed
    with everything before it inside a task on Beam's own DaskRunner). Windowed (streaming):
    one tally per window that saw anything.
    """

    def expand(self, flows):
        units = [
            flows[outcome] | f"Count{outcome.title()}" >> beam.Map(outcome_of, outcome)
            for outcome in OUTCOMES
        ]
        for optional in ("polls", "skipped"):
            if optional in flows:
                units.append(flows[optional])
        if isinstance(flows["inputs"].windowing.windowfn, window.GlobalWindows):
            units.append(flows["inputs"].pipeline | "EvenIfEmpty" >> beam.Create([None]))
        combine = beam.CombineGlobally(_TallyFn()).without_defaults()
        return tuple(units) | "AllOutcomes" >> beam.Flatten() | "TallyRun" >> combine
