"""`--runner dask`: Beam's DaskRunner, with the translations that decide its speed redone.

Beam 2.77's DaskRunner turns each transform into a `dask.bag` operation. Three of them
make a run slower on two workers than on one process, without changing its rows:

- a side input is computed again, with everything it depends on, inside each task of the
  step that reads it (newsbeam's names mapping depends on the spaCy pass: NER ran twice);
- every `Flatten` adds its inputs' partitions and every `GroupByKey` keeps them, so a graph
  of joins ends with hundreds of partitions, each shuffled;
- a `Create` of fewer than 128 elements (the input files) is one partition: the first
  steps run on one worker whatever the cluster.

Here a side input is a task of its own, computed once and handed to each task that reads
it; a `Create` is cut into as many partitions as the cluster has threads, twice over
(`--dask_npartitions` sets another number), and a `GroupByKey` shuffles into at most that
many. A ParDo's outputs are gathered per task, including what `finish_bundle` emits.
Everything else, and the results, are Beam's: `tests/e2e/test_dask_cluster.py` holds the
tables equal to DirectRunner's. Like Beam's, this module needs the `dask` extra; only
`--runner dask` imports it.
"""

from __future__ import annotations

import collections
import re
from typing import Any

import dask
import dask.bag as db
import dask.distributed as ddist
from apache_beam import DoFn, ParDo, pvalue
from apache_beam.pipeline import AppliedPTransform, PipelineVisitor
from apache_beam.runners.common import DoFnContext, DoFnInvoker, DoFnSignature, _OutputHandler
from apache_beam.runners.dask.dask_runner import DaskOptions, DaskRunner, DaskRunnerResult
from apache_beam.runners.dask.overrides import _Create, _Flatten, _GroupByKeyOnly, dask_overrides
from apache_beam.runners.dask.transform_evaluator import (
    OneReceiver,
    defenestrate,
    get_windowed_value,
)
from apache_beam.transforms.sideinputs import SideInputMap
from dask.bag.core import groupby_tasks
from dask.base import tokenize

__all__ = ["NewsbeamDaskRunner"]


class NewsbeamDaskRunner(DaskRunner):
    """Beam's DaskRunner with side inputs computed once and partitions sized by the cluster."""

    def run_pipeline(self, pipeline, options):
        dask_options = options.view_as(DaskOptions).get_all_options(
            drop_default=True, current_only=True
        )
        if not dask_options.get("address"):
            # dask's Client() would start a cluster of its own, as many workers as cores.
            raise ValueError("the Dask runner needs the scheduler's address")
        bag_kwargs = DaskOptions._extract_bag_kwargs(dask_options)
        client = ddist.Client(**dask_options)
        threads = sum(client.nthreads().values()) or 1
        partitions = bag_kwargs.get("npartitions") or 2 * threads
        pipeline.replace_all(dask_overrides())
        visitor = _BagVisitor(partitions)
        pipeline.visit(visitor)
        # Every end of the graph, not only the last step visited: a branch that ends
        # elsewhere is computed too.
        ends = [
            bag
            for applied, bag in visitor.bags.items()
            if applied not in visitor.consumed and dask.is_dask_collection(bag)
        ]
        optimized = dask.optimize(*ends)
        tasks = len({key for bag in optimized for key in bag.__dask_graph__()})
        futures = client.compute(optimized)
        return _ClosingResult(client, futures, tasks)


class _ClosingResult(DaskRunnerResult):
    """Beam's result, which also closes its client once the run is over: left open, it
    tries to reconnect to a cluster stopped after the run and prints tracebacks. `tasks`:
    the size of the graph sent to the scheduler, which the run's summary prints."""

    def __init__(self, client, futures, tasks: int) -> None:
        super().__init__(client, futures)
        self.tasks = tasks

    def wait_until_finish(self, duration=None) -> str:
        try:
            return super().wait_until_finish(duration)
        finally:
            if duration is None:
                self.client.close()


class _BagVisitor(PipelineVisitor):
    """Each primitive transform -> its `dask.bag.Bag`, in graph order."""

    def __init__(self, partitions: int) -> None:
        self.partitions = partitions
        self.bags: dict[AppliedPTransform, Any] = collections.OrderedDict()
        self.consumed: set[AppliedPTransform] = set()

    def visit_transform(self, applied: AppliedPTransform) -> None:
        inputs = []
        for value in applied.inputs:
            if isinstance(value, pvalue.PBegin):
                continue
            self.consumed.add(value.producer)
            inputs.append(self.bags[value.producer])
        sides = []
        for side in applied.side_inputs:
            self.consumed.add(side.pvalue.producer)
            sides.append((side, self.bags[side.pvalue.producer]))
        self.bags[applied] = _translate(applied, inputs, sides, self.partitions)


def _translate(applied: AppliedPTransform, inputs: list, sides: list, partitions: int):
    """Beam's translation, by exact class as Beam's: the rest (a grouping's windows, a
    reshuffle, the ParDo subclasses of Beam's overrides) pass their input through."""
    transform, kind = applied.transform, type(applied.transform)
    if kind is _Create:
        items = list(transform.values)
        return db.from_sequence(items, npartitions=max(1, min(len(items), partitions)))
    if kind is _Flatten:
        return db.concat(inputs)
    if kind is _GroupByKeyOnly:
        (bag,) = inputs
        # The tasks shuffle keeps its input's partitions: fewer first, by merging them.
        if bag.npartitions > partitions:
            bag = bag.repartition(npartitions=partitions)
        return groupby_tasks(bag, _key, hash=_partition_of).map(_grouped_values)
    if kind is ParDo:
        (bag,) = inputs
        return _par_do(applied, bag, sides)
    return inputs[0] if len(inputs) == 1 else inputs  # Beam's NoOp


def _key(item):
    return item[0]


def _partition_of(key) -> int:
    """Where the shuffle sends a key. A small whole number is a shard a step chose (`Batch`
    cuts articles into 64 shards for NER): taken as it is, shards spread evenly over the
    partitions, where dask's hash of its token leaves one partition with twice another's
    work and a worker idle while it finishes. Anything else: dask's own hash, the same in
    every process (Python's `hash` of a string is not)."""
    if type(key) is int and 0 <= key < 1 << 16:
        return key
    return int(tokenize(key), 16)


def _grouped_values(grouped):
    key, items = grouped
    return key, [defenestrate(item[1]) for item in items]


def _par_do(applied: AppliedPTransform, bag, sides: list):
    """The ParDo on each partition; each side input one task, computed once."""
    transform = applied.transform
    main = next(iter(applied.main_inputs.values()))
    window_fn = main.windowing.windowfn if hasattr(main, "windowing") else None
    side_specs = [(type(side), side._view_options(), side._window_mapping_fn) for side, _ in sides]
    # Unoptimised: the side input's tasks keep the keys they have in the main graph, so
    # they are computed once for both.
    side_values = [
        dask.delayed(_all_of)(side_bag.to_delayed(optimize_graph=False)) for _, side_bag in sides
    ]
    # Side inputs stand as placeholders in `args`, filled in from `side_inputs` in order.
    spec = (
        transform.fn,
        transform.label,
        list(transform.args),
        transform.kwargs,
        window_fn,
        side_specs,
    )
    # One key for the DoFn and its arguments, shipped once per worker, not per task.
    shared = dask.delayed(spec, traverse=False)
    # Keys named after the step, so that a dashboard or a task stream tells which step a
    # task belongs to.
    return bag.map_partitions(
        _run_bundle, shared, *side_values, token=_step_name(applied.full_label)
    )


def _step_name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_") or "step"


def _all_of(partitions: list) -> list:
    return [item for partition in partitions for item in partition]


def _run_bundle(items, spec, *side_values) -> list:
    """One partition through the DoFn, as one bundle, with receivers of its own."""
    fn, label, args, kwargs, window_fn, side_specs = spec
    side_inputs = [
        SideInputMap(view_class, view_options, [get_windowed_value(v, mapping_fn) for v in values])
        for (view_class, view_options, mapping_fn), values in zip(
            side_specs, side_values, strict=True
        )
    ]
    receivers = OneReceiver()
    invoker = DoFnInvoker.create_invoker(
        DoFnSignature(fn),
        _OutputHandler(
            window_fn=window_fn,
            main_receivers=receivers[None],
            tagged_receivers=receivers,
            per_element_output_counter=None,
            output_batch_converter=None,
            process_yields_batches=False,
            process_batch_yields_elements=False,
        ),
        context=DoFnContext(label, state=None),
        side_inputs=side_inputs,
        input_args=args,
        input_kwargs=kwargs,
        user_state_context=None,
        bundle_finalizer_param=DoFn.BundleFinalizerParam(),
    )
    invoker.invoke_setup()
    invoker.invoke_start_bundle()
    for item in items:
        invoker.invoke_process(get_windowed_value(item, window_fn))
    invoker.invoke_finish_bundle()
    invoker.invoke_teardown()
    return [output.value for output in receivers.values]
