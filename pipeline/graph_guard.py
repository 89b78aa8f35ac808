"""What Beam's DaskRunner would silently get wrong in a graph, found before it runs.

Beam 2.77's DaskRunner computes only the bag of the last transform visited (and what it
depends on), runs no `finish_bundle` output, sends every output of a multi-output ParDo
to each tagged consumer, and has no state or timers. None of these raises: the run ends,
with rows missing or doubled. `dask_hazards` names each transform that would meet one of
them, so that `newsbeam run --runner dask` refuses such a graph and CI fails on it.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import NamedTuple

import apache_beam as beam
from apache_beam.pipeline import AppliedPTransform, PipelineVisitor
from apache_beam.transforms.userstate import is_stateful_dofn

__all__ = ["Hazard", "dask_hazards"]


class Hazard(NamedTuple):
    """A transform (by its full label) and what the DaskRunner would do to it."""

    transform: str
    problem: str

    def __str__(self) -> str:
        return f"{self.transform}: {self.problem}"


class _Leaves(PipelineVisitor):
    """The primitive transforms, in the order the runner visits them."""

    def __init__(self) -> None:
        self.leaves: list[AppliedPTransform] = []

    def visit_transform(self, applied: AppliedPTransform) -> None:
        self.leaves.append(applied)


def dask_hazards(pipeline: beam.Pipeline) -> list[Hazard]:
    """The transforms of `pipeline` whose results the DaskRunner would lose or corrupt."""
    visitor = _Leaves()
    pipeline.visit(visitor)
    leaves = visitor.leaves
    if not leaves:
        return []
    computed = _feeding(leaves[-1], leaves)
    hazards = [
        Hazard(applied.full_label, "is not computed: it does not lead to the last step")
        for applied in leaves
        if applied not in computed
    ]
    for applied in leaves:
        dofn = _dofn_of(applied)
        if dofn is None:
            continue
        if len(applied.outputs) > 1:
            hazards.append(
                Hazard(applied.full_label, "has several outputs: each would get all of them")
            )
        if _emits_in_finish_bundle(dofn):
            hazards.append(
                Hazard(applied.full_label, "emits in finish_bundle: those elements are lost")
            )
        if is_stateful_dofn(dofn):
            hazards.append(
                Hazard(applied.full_label, "uses state or timers, which the runner lacks")
            )
    return hazards


def _feeding(last: AppliedPTransform, leaves: list[AppliedPTransform]) -> set[AppliedPTransform]:
    """`last` and every primitive transform its inputs (main and side) come from."""
    producer = {id(pcoll): applied for applied in leaves for pcoll in applied.outputs.values()}
    seen: set[AppliedPTransform] = set()
    todo = [last]
    while todo:
        applied = todo.pop()
        if applied in seen:
            continue
        seen.add(applied)
        side = [side_input.pvalue for side_input in applied.side_inputs]
        for pcoll in [*applied.inputs, *side]:
            if id(pcoll) in producer:
                todo.append(producer[id(pcoll)])
    return seen


def _dofn_of(applied: AppliedPTransform) -> beam.DoFn | None:
    transform = applied.transform
    return transform.fn if isinstance(transform, beam.ParDo) else None


def _emits_in_finish_bundle(dofn: beam.DoFn) -> bool:
    """Whether the DoFn's own `finish_bundle` yields or returns a value."""
    method = type(dofn).finish_bundle
    if method is beam.DoFn.finish_bundle:
        return False
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    except (OSError, TypeError, SyntaxError):  # no source to read: assume the worst
        return True
    return any(
        isinstance(node, ast.Yield | ast.YieldFrom)
        or (isinstance(node, ast.Return) and node.value is not None)
        for node in ast.walk(tree)
    )
