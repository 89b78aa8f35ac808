"""What the Beam-level tests share besides fixtures: a streaming TestPipeline and a
projection of rows for `assert_that`."""

from __future__ import annotations

from collections.abc import Callable

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.testing.test_pipeline import TestPipeline

STREAMING_RUNNER = "BundleBasedDirectRunner"  # the local runner that executes TestStream


def streaming_pipeline() -> TestPipeline:
    """A streaming TestPipeline for `TestStream` sources; it runs when its `with` block ends."""
    options = PipelineOptions()
    options.view_as(StandardOptions).streaming = True
    return TestPipeline(runner=STREAMING_RUNNER, options=options)


def project(*keys: str) -> Callable[[dict], tuple]:
    """row -> the tuple of its `keys`, to compare rows on the columns a test is about."""
    return lambda row: tuple(row[key] for key in keys)
