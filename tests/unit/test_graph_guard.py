"""The static guard: every graph newsbeam runs on Dask is free of what Beam's DaskRunner
mishandles without a word, and each such shape is caught."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.coders import VarIntCoder
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.transforms.userstate import ReadModifyWriteStateSpec

from newsbeam.compose import build, write
from newsbeam.graph_guard import dask_hazards
from newsbeam.options import NewsbeamOptions, run_info
from tests.support.paths import SAMPLES

_FEED = "https://wire.test/feed.xml"


@pytest.mark.parametrize(
    "sources",
    [
        pytest.param(["--input", str(SAMPLES)], id="files"),
        pytest.param(["--feed", _FEED], id="feeds"),
        pytest.param(["--input", str(SAMPLES), "--feed", _FEED], id="files-and-feeds"),
    ],
)
def test_newsbeams_batch_graph_has_nothing_the_dask_runner_would_lose(sources, tmp_path):
    options = PipelineOptions(["--runner", "dask", "--output", str(tmp_path), *sources])
    news = options.view_as(NewsbeamOptions)
    pipeline = beam.Pipeline(runner="DirectRunner", options=options)  # built, never run
    write(build(pipeline, news), str(tmp_path), run=run_info(options, "batch"))
    assert dask_hazards(pipeline) == []


def _pipeline() -> beam.Pipeline:
    return beam.Pipeline(runner="DirectRunner")


def test_a_branch_that_does_not_lead_to_the_last_step_is_named():
    pipeline = _pipeline()
    numbers = pipeline | "Numbers" >> beam.Create([1, 2])
    _ = numbers | "Lost" >> beam.Map(str)
    _ = numbers | "Kept" >> beam.Map(abs)
    assert [h.transform for h in dask_hazards(pipeline)] == ["Lost"]


def test_a_side_input_leads_to_the_step_that_reads_it():
    pipeline = _pipeline()
    numbers = pipeline | "Numbers" >> beam.Create([1, 2])
    total = numbers | "Total" >> beam.CombineGlobally(sum)
    _ = numbers | "Share" >> beam.Map(
        lambda n, whole: n / whole, whole=beam.pvalue.AsSingleton(total)
    )
    assert dask_hazards(pipeline) == []


def test_a_pardo_with_several_outputs_is_named():
    pipeline = _pipeline()
    split = (
        pipeline
        | beam.Create([1, 2])
        | "Split"
        >> beam.FlatMap(lambda n: [beam.pvalue.TaggedOutput("odd", n)]).with_outputs(
            "odd", main="even"
        )
    )
    _ = (split.even, split.odd) | beam.Flatten()
    ((hazard,),) = [dask_hazards(pipeline)]
    assert hazard.transform.startswith("Split/") and "several outputs" in hazard.problem


class _EmitsAtTheEnd(beam.DoFn):
    def process(self, element):
        self._last = element

    def finish_bundle(self):
        from apache_beam.transforms.window import GlobalWindow
        from apache_beam.utils.windowed_value import WindowedValue

        yield WindowedValue(self._last, 0, [GlobalWindow()])


class _ClosesAtTheEnd(beam.DoFn):
    def process(self, element):
        yield element

    def finish_bundle(self):
        self._closed = True


class _Counts(beam.DoFn):
    COUNT = ReadModifyWriteStateSpec("count", VarIntCoder())

    def process(self, element, count=beam.DoFn.StateParam(COUNT)):
        count.write((count.read() or 0) + 1)
        yield element


@pytest.mark.parametrize(
    ("dofn", "problem"),
    [
        (_EmitsAtTheEnd(), "emits in finish_bundle"),
        (_Counts(), "uses state or timers"),
    ],
)
def test_a_dofn_the_runner_cannot_run_is_named(dofn, problem):
    pipeline = _pipeline()
    _ = pipeline | beam.Create([("k", 1)]) | "Step" >> beam.ParDo(dofn)
    assert [(h.transform, problem in h.problem) for h in dask_hazards(pipeline)] == [("Step", True)]


def test_a_finish_bundle_that_only_cleans_up_is_fine():
    pipeline = _pipeline()
    _ = pipeline | beam.Create([1]) | "Step" >> beam.ParDo(_ClosesAtTheEnd())
    assert dask_hazards(pipeline) == []
