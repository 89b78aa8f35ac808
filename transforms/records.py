"""The plain-dict records that flow between stages, and the reject row every stage emits.

Elements are dicts keyed by the column names of `schemas.tables`, so that writing a row is
a lookup, not a mapping; a stage builds a new dict instead of mutating its input.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, NamedTuple

import apache_beam as beam

__all__ = ["REJECTS_TAG", "SplitOutputs", "Stage", "Tagged", "reject"]

REJECTS_TAG = "rejects"


class Stage:
    """Names of the stages that can reject an input; they appear in `rejects.stage`."""

    FEED = "feed"
    FETCH = "fetch"
    READ = "read"
    CLEAN = "clean"
    EXTRACT = "extract"
    WRITE = "write"


def reject(
    input_ref: str,
    stage: str,
    reason: str,
    detail: str | None,
    ingested_at: datetime,
    source: str | None = None,
) -> dict:
    """A `rejects` row. `reason` is a short code to group by; `detail` a sentence for people.

    The id depends only on what was rejected and why, so a re-run does not add it twice.
    """
    key = f"{input_ref}\x1f{stage}\x1f{reason}".encode()
    return {
        "reject_id": hashlib.sha256(key).hexdigest()[:32],
        "input": input_ref,
        "stage": stage,
        "reason": reason,
        "detail": detail[:500] if detail else detail,
        "source": source,
        "ingested_at": ingested_at,
    }


class Tagged(NamedTuple):
    """An element meant for a side output (rejects, duplicates, states), yielded as a plain
    value by a DoFn with one output, and sorted out by `SplitOutputs`.

    newsbeam does not use multi-output `ParDo`s (`TaggedOutput` with `with_outputs`):
    Beam's DaskRunner (2.77) sends every output of such a ParDo to each tagged output.
    """

    tag: str
    value: Any


class Outputs(dict):
    """PCollections by tag, also readable as attributes (`outputs.rejects`), like Beam's
    `DoOutputsTuple`."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _untagged(element):
    return () if isinstance(element, Tagged) else (element,)


def _tagged_as(element, tag: str):
    return (element.value,) if isinstance(element, Tagged) and element.tag == tag else ()


class SplitOutputs(beam.PTransform):
    """Elements and `Tagged` elements -> `Outputs`: `main` holds the untagged ones, and each
    tag its own, each through a ParDo with a single output (correct on every runner)."""

    def __init__(self, *tags: str, main: str) -> None:
        super().__init__()
        self._tags = tags
        self._main = main

    def expand(self, elements):
        outputs = Outputs({self._main: elements | "Untagged" >> beam.FlatMap(_untagged)})
        for tag in self._tags:
            outputs[tag] = elements | f"Only{tag.title()}" >> beam.FlatMap(_tagged_as, tag)
        return outputs
