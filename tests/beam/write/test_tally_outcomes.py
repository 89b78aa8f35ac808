"""`TallyOutcomes`: the counts behind the `runs` row, per source and stage, on a real runner."""

from __future__ import annotations

from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.write.accounting import RunInfo, run_row
from newsbeam.transforms.write.tally_outcomes import TallyOutcomes

RUN = RunInfo("r1", "batch", "FnApiRunner", datetime(2025, 3, 1, tzinfo=UTC), {"min_words": 40})


def test_the_tally_counts_each_flow(pipeline):
    with pipeline as p:
        flows = {
            "inputs": p
            | "Inputs" >> beam.Create([{"source": "Wire"}, {"source": "Wire"}, {"source": None}]),
            "articles": p | "Articles" >> beam.Create([{"source": "Wire"}]),
            "duplicates": p | "Duplicates" >> beam.Create([{"source": "Wire", "kind": "near"}]),
            "rejects": p | "Rejects" >> beam.Create([{"source": None, "stage": "read"}]),
        }
        rows = flows | TallyOutcomes() | beam.Map(lambda tally: run_row(RUN, tally))
        assert_that(
            rows | beam.Map(lambda r: (r["inputs"], r["balanced"], r["sources"], r["stages"])),
            equal_to(
                [
                    (
                        3,
                        True,
                        [
                            {
                                "source": "(unknown)",
                                "inputs": 1,
                                "articles": 0,
                                "duplicates": 0,
                                "rejects": 1,
                                "already_written": 0,
                            },
                            {
                                "source": "Wire",
                                "inputs": 2,
                                "articles": 1,
                                "duplicates": 1,
                                "rejects": 0,
                                "already_written": 0,
                            },
                        ],
                        [
                            {"name": "articles", "count": 1},
                            {"name": "duplicates_near", "count": 1},
                            {"name": "inputs", "count": 3},
                            {"name": "rejects_read", "count": 1},
                        ],
                    )
                ]
            ),
        )


def test_an_empty_batch_run_still_has_a_tally(pipeline):
    with pipeline as p:
        empty = {
            name: p | name >> beam.Create([])
            for name in ("inputs", "articles", "duplicates", "rejects")
        }
        rows = empty | TallyOutcomes() | beam.Map(lambda tally: run_row(RUN, tally))
        assert_that(rows | beam.Map(lambda r: (r["inputs"], r["balanced"])), equal_to([(0, True)]))
