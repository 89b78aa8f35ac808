"""`python -m bench.scaling` runs each set-up on one corpus and reports what each wrote."""

from __future__ import annotations

import pytest

from bench import scaling


def test_the_scaling_bench_runs_direct_and_dask_on_one_corpus():
    pytest.importorskip("distributed")
    report = scaling.main(["--size", "40", "--setups", "direct1,dask2"])
    runs = {run["setup"]: run for run in report["runs"]}
    assert set(runs) == {"direct1", "dask2"}
    # The same corpus gives the same rows on both, balanced; the figures are there.
    assert runs["direct1"]["articles_written"] == runs["dask2"]["articles_written"] > 30
    assert all(run["balanced"] and run["wall_s"] > 0 and run["cpu_s"] > 0 for run in runs.values())
    assert runs["direct1"]["speedup_vs_direct1"] == 1.0
    # The two workers are processes of their own, each with its CPU.
    assert len(runs["dask2"]["cpu_s_other_processes"]) >= 2
    # The graph's size and the command's (scheduler's) share of the CPU, on Dask only.
    assert runs["dask2"]["dask_tasks"] > 100 and runs["direct1"]["dask_tasks"] is None
    assert 0 < runs["dask2"]["command_cpu_share"] < 1
