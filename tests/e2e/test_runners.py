"""The batch pipeline gives the same tables on every runner it supports: in-process and
multi-process DirectRunner here, Dask (newsbeam's translation of Beam's DaskRunner,
`newsbeam.dask_runner`) on a real cluster in `test_dask_cluster.py`.

Beam's DaskRunner (2.77) computes only a graph's last branch, drops what a DoFn emits at
the end of a bundle, and sends every output of a multi-output ParDo to each tagged output;
newsbeam's graph is shaped so that none of these changes its result (see
`newsbeam.graph_guard`, `newsbeam.transforms.write.write_tables`,
`newsbeam.transforms.batch`, `newsbeam.transforms.split_outputs.SplitOutputs`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsbeam.query import connect
from tests.support.news_site import write_wire_feed
from tests.support.paths import SAMPLES, SEEDS
from tests.support.run_cli import newsbeam
from tests.support.same_tables import COMPARED_TABLES, direct_output, table_rows

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[str]:
    """`newsbeam run` inputs: the samples, the shared seeds when they are beside the repo,
    and a feed file (read without fetching pages), so that every stage takes part."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLES, root / "samples")
    if SEEDS.is_dir():
        shutil.copytree(SEEDS, root / "seeds")
    feed = write_wire_feed(root / "wire.xml")
    inputs = [str(root / "samples"), *([str(root / "seeds")] if SEEDS.is_dir() else [])]
    return ["--input", *inputs, "--feed", str(feed), "--fetch-pages", "never"]


@pytest.fixture(scope="module")
def direct(sources, tmp_path_factory) -> Path:
    return direct_output(sources, tmp_path_factory.mktemp("direct"))


def _assert_same_tables(output: Path, expected: Path) -> None:
    for table in COMPARED_TABLES:
        assert table_rows(output, table) == table_rows(expected, table), table
    assert len(table_rows(expected, "articles")) >= 12
    ((inputs, balanced),) = (
        connect(str(output)).execute("SELECT inputs, balanced FROM runs").fetchall()
    )
    assert balanced and inputs == (16 if SEEDS.is_dir() else 14) + 3


def test_two_worker_processes_write_the_same_tables(sources, direct, tmp_path):
    output = tmp_path / "mp"
    newsbeam(
        "run",
        *sources,
        "--output",
        str(output),
        "--direct_num_workers",
        "2",
        "--direct_running_mode",
        "multi_processing",
    )
    _assert_same_tables(output, direct)


def test_streaming_on_dask_is_refused_with_the_runner_to_use(tmp_path):
    result = newsbeam(
        "stream", "--feed", "https://wire.test/feed", "--output", str(tmp_path),
        "--runner", "dask", check=False,
    )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "FlinkRunner or DataflowRunner" in result.stderr
