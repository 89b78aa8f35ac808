"""newsbeam's Dask translation: Beam's results, with side inputs computed once and the
partitions bounded. Computed with dask's synchronous scheduler (no cluster needed);
`tests/e2e/test_dask_cluster.py` runs the whole pipeline on a real cluster."""

from __future__ import annotations

import apache_beam as beam
import pytest
from apache_beam.runners.dask.overrides import dask_overrides
from apache_beam.utils.windowed_value import WindowedValue

pytest.importorskip("dask.bag", reason="the dask extra is not installed")

from newsbeam.dask_runner import _BagVisitor  # noqa: E402 - needs dask

_PARTITIONS = 3


def _bags(pipeline: beam.Pipeline) -> dict[str, object]:
    pipeline.replace_all(dask_overrides())
    visitor = _BagVisitor(_PARTITIONS)
    pipeline.visit(visitor)
    return {applied.full_label: bag for applied, bag in visitor.bags.items()}


def _values(bag) -> list:
    return [v.value if isinstance(v, WindowedValue) else v for v in bag.compute(scheduler="sync")]


def _with_total(grouped, whole):
    rest, numbers = grouped
    return rest, sum(numbers), whole


def test_groups_joins_and_side_inputs_give_beams_results_in_bounded_partitions():
    pipeline = beam.Pipeline(runner="DirectRunner")  # built here, computed by dask
    numbers = pipeline | "Numbers" >> beam.Create(range(40))
    more = pipeline | "More" >> beam.Create(range(40, 60))
    both = (numbers, more) | "Both" >> beam.Flatten()
    total = both | "Total" >> beam.CombineGlobally(sum).without_defaults()
    _ = (
        both
        | "ByRest" >> beam.Map(lambda n: (n % 5, n))
        | "Group" >> beam.GroupByKey()
        | "Share" >> beam.Map(_with_total, beam.pvalue.AsSingleton(total))
    )
    bags = _bags(pipeline)
    assert bags["Numbers"].npartitions == _PARTITIONS  # the Create is spread
    assert bags["Group/GroupByKey"].npartitions <= _PARTITIONS  # not 2 x 3 after the Flatten
    shares = sorted(_values(bags["Share"]))
    assert shares == [(rest, sum(range(rest, 60, 5)), sum(range(60))) for rest in range(5)]


class _CountsAtTheEnd(beam.DoFn):
    def start_bundle(self):
        self._seen = 0

    def process(self, element):
        self._seen += 1
        yield element

    def finish_bundle(self):
        from apache_beam.transforms.window import GlobalWindow

        yield WindowedValue(("seen", self._seen), 0, [GlobalWindow()])


def test_what_a_dofn_emits_when_its_bundle_ends_is_kept():
    pipeline = beam.Pipeline(runner="DirectRunner")
    _ = pipeline | "Words" >> beam.Create(list("abcdef")) | "Count" >> beam.ParDo(_CountsAtTheEnd())
    outputs = _values(_bags(pipeline)["Count"])
    assert sorted(o for o in outputs if isinstance(o, str)) == list("abcdef")
    # One count per partition (bundle), adding up to every element.
    counts = [o[1] for o in outputs if isinstance(o, tuple)]
    assert len(counts) == _PARTITIONS and sum(counts) == 6


def test_task_keys_name_the_beam_step_they_run():
    """What an operator reads on the dashboard, and the cluster test on the task stream."""
    pipeline = beam.Pipeline(runner="DirectRunner")
    _ = pipeline | "Read Files" >> beam.Create(range(9)) | "Clean/Trim" >> beam.Map(abs)
    bag = _bags(pipeline)["Clean/Trim"]
    names = {key[0] for key in bag.__dask_keys__()}
    assert len(names) == 1 and next(iter(names)).startswith("Clean_Trim-")
    assert len(bag.__dask_keys__()) == _PARTITIONS


def test_a_cluster_started_for_a_run_keeps_glibcs_own_memory_thresholds():
    """`--dask-workers N`: dask's nanny would set MALLOC_TRIM_THRESHOLD_ in each worker,
    which makes glibc map and unmap every large array spaCy allocates."""
    import os

    import distributed
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.runners.dask.dask_runner import DaskOptions

    from newsbeam.dask_cluster import dask_cluster
    from newsbeam.options import NewsbeamOptions, resolve_runner

    options = PipelineOptions(["--runner", "dask", "--dask-workers", "1"])
    resolve_runner(options)
    with dask_cluster(options, options.view_as(NewsbeamOptions)):
        address = options.view_as(DaskOptions).address
        with distributed.Client(address) as client:
            (environment,) = client.run(lambda: dict(os.environ)).values()
    assert address.startswith("tcp://127.0.0.1:")
    assert "MALLOC_TRIM_THRESHOLD_" not in environment
    assert environment["OMP_NUM_THREADS"] == "1"  # dask's other settings stay


def test_a_cluster_started_for_a_run_logs_nothing_but_warnings_and_drops_beams_extra_warning():
    """A run on `--dask-workers N` printed some 30 INFO lines of the scheduler and, from
    each worker, the warning Beam logs on import for its BigQuery extra, which the command
    line drops (docs/cli.md, Warnings)."""
    import logging

    import distributed
    from apache_beam.options.pipeline_options import PipelineOptions
    from apache_beam.runners.dask.dask_runner import DaskOptions

    from newsbeam.beam_warnings import _OptionalExtraFilter
    from newsbeam.dask_cluster import dask_cluster
    from newsbeam.options import NewsbeamOptions, resolve_runner

    def worker_filters() -> list[str]:
        return [type(f).__name__ for f in logging.getLogger().filters]

    level_before = logging.getLogger("distributed").level
    options = PipelineOptions(["--runner", "dask", "--dask-workers", "1"])
    resolve_runner(options)
    with dask_cluster(options, options.view_as(NewsbeamOptions)):
        assert logging.getLogger("distributed").getEffectiveLevel() >= logging.WARNING
        with distributed.Client(options.view_as(DaskOptions).address) as client:
            (filters,) = client.run(worker_filters).values()
    assert _OptionalExtraFilter.__name__ in filters
    assert logging.getLogger("distributed").level == level_before  # as it was
