"""The batch pipeline on Beam's DaskRunner gives the tables DirectRunner gives.

Beam's DaskRunner (2.77) computes only a graph's last branch, drops what a DoFn emits at
the end of a bundle, and sends every output of a multi-output ParDo to each tagged output;
newsbeam's graph is shaped so that none of these changes its result (see
`transforms.write`, `transforms.batching`, `transforms.records.SplitOutputs`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import distributed
import pytest

from pipeline.query import connect
from tests.cli import newsbeam
from tests.conftest import SAMPLES, SEEDS

pytestmark = pytest.mark.e2e

# Columns that differ between two runs of the same input by design.
_PER_RUN = {"ingested_at"}


def _table(output: Path, table: str) -> list[tuple]:
    db = connect(str(output))
    columns = [c[0] for c in db.execute(f"SELECT * FROM {table} LIMIT 0").description]
    kept = ", ".join(f'"{c}"' for c in columns if c not in _PER_RUN)
    return sorted(db.execute(f"SELECT {kept} FROM {table}").fetchall(), key=repr)


def test_dask_and_direct_runners_write_the_same_tables(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES, corpus / "samples")
    if SEEDS.is_dir():  # the shared seeds, when they are beside the repo
        shutil.copytree(SEEDS, corpus / "seeds")
    direct = tmp_path / "direct"
    newsbeam("run", "--input", str(corpus), "--output", str(direct))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = tmp_path / "dask"
        result = newsbeam(
            "run",
            "--input",
            str(corpus),
            "--output",
            str(on_dask),
            "--runner",
            "dask",
            "--dask-address",
            cluster.scheduler_address,
        )
    assert "DaskRunner" in result.stdout
    for table in ("articles", "duplicates", "rejects", "entity_variants"):
        assert _table(on_dask, table) == _table(direct, table), table
    assert len(_table(direct, "articles")) >= 12
    ((inputs, balanced),) = (
        connect(str(on_dask)).execute("SELECT inputs, balanced FROM runs").fetchall()
    )
    assert balanced and inputs == (16 if SEEDS.is_dir() else 14)


def test_streaming_on_dask_is_refused_with_the_runner_to_use(tmp_path):
    result = newsbeam(
        "stream", "--feed", "https://wire.test/feed", "--output", str(tmp_path),
        "--runner", "dask", check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "FlinkRunner or DataflowRunner" in result.stderr
