"""`ValidateRows`: a row breaking its table's schema becomes a reject, not a failed file."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.schemas import ARTICLES
from tests.support.beam import project
from tests.support.builders import article_row


def test_rows_breaking_the_schema_become_rejects(pipeline):
    from newsbeam.transforms.write.validate_rows import ValidateRows

    good = article_row(id="ok", input="ok")
    bad = article_row(id="bad", input="bad", text=None)
    with pipeline as p:
        checked = p | beam.Create([good, bad]) | ValidateRows(ARTICLES)
        assert_that(checked.valid | beam.Map(lambda r: r["id"]), equal_to(["ok"]), label="valid")
        assert_that(
            checked.rejects | beam.Map(project("input", "stage", "reason", "detail")),
            equal_to([("bad", "write", "schema_violation", "articles row lacks required text")]),
            label="rejected",
        )
