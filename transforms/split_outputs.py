"""`SplitOutputs`: one DoFn's plain and `Tagged` elements, sorted into named PCollections."""

from __future__ import annotations

import apache_beam as beam

from newsbeam.transforms.records import Tagged

__all__ = ["SplitOutputs", "TaggedOutputs"]


class TaggedOutputs(dict):
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
    """Elements and `Tagged` elements -> `TaggedOutputs`: `main` holds the untagged ones, and each
    tag its own, each through a ParDo with a single output (correct on every runner)."""

    def __init__(self, *tags: str, main: str) -> None:
        super().__init__()
        self._tags = tags
        self._main = main

    def expand(self, elements):
        outputs = TaggedOutputs({self._main: elements | "Untagged" >> beam.FlatMap(_untagged)})
        for tag in self._tags:
            outputs[tag] = elements | f"Only{tag.title()}" >> beam.FlatMap(_tagged_as, tag)
        return outputs
