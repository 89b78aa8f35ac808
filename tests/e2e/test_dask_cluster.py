"""`newsbeam run --runner dask` on a real dask.distributed cluster: `dask scheduler` and two
`dask worker` processes on 127.0.0.1, as a platform team runs them, with work enough that
every step has several partitions. The tables must equal DirectRunner's row for row, in
the same files, with both workers doing pipeline work; and the same again when one worker
is killed mid-run (Dask recomputes what it held on the other).

Inputs: bench articles in several files (with syndicated copies, so near-duplicates and
stories form), the samples, the shared seeds when beside the repo, three briefings that
spell one spokesman two ways (so `entity_variants` has a row), a feed file read without
fetching pages, and a web archive read in ranges (`--split-bytes`) over the workers.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import distributed
import pytest

from bench.corpus import news_articles, write_jsonl
from bench.warc import load_pages, write_crawl
from newsbeam.query import connect
from tests.support.dask_cli_cluster import DaskCliCluster, dask_cli_cluster
from tests.support.news_site import write_wire_feed
from tests.support.paths import SAMPLES, SEEDS
from tests.support.run_cli import newsbeam_command
from tests.support.same_tables import COMPARED_TABLES, direct_output, table_rows

pytestmark = pytest.mark.e2e

_BENCH_ARTICLES, _PER_FILE = 120, 30
_ARCHIVED = 10  # pages in the web archive input (each with a request and a metadata record)
# Steps of the article path: each must run in several partitions.
_ARTICLE_STEPS = ("ReadArticleFiles_ParseFiles", "CleanArticles_Clean", "NearDedupe_Sign_Sign")
_EXTRACTOR = "newsbeam.transforms.extract.article_extractor"

_BRIEFING = """title UN spokesman briefs reporters on aid convoys
source {source}
date 2025-03-0{day}

{name}, spokesman for the Secretary-General, told reporters in New York on {weekday}
that aid convoys had reached {place} after days of delay. {name} said the United Nations
was asking all parties to keep the roads open and to let humanitarian workers pass.
"We need safe, sustained access," {name} said, adding that the World Food Programme had
pre-positioned supplies for {people} people. He gave no date for the next convoy and said
the Office for the Coordination of Humanitarian Affairs would publish figures on {weekday}.
"""


def _briefing(name: str, source: str, day: int, place: str, people: str) -> str:
    weekday = ("Monday", "Tuesday", "Wednesday")[day % 3]
    return _BRIEFING.format(
        name=name, source=source, day=day, place=place, people=people, weekday=weekday
    )


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("corpus")
    paths = write_jsonl(news_articles(_BENCH_ARTICLES, seed=5), str(root / "bench"), _PER_FILE)
    assert len(paths) == _BENCH_ARTICLES // _PER_FILE
    shutil.copytree(SAMPLES, root / "samples")
    if SEEDS.is_dir():
        shutil.copytree(SEEDS, root / "seeds")
    briefings = root / "briefings"
    briefings.mkdir()
    for number, (name, source, day, place, people) in enumerate(
        [
            ("Stephane Dujarric", "Relief Desk", 3, "Goma", "40,000"),
            ("Stephane Dujarric", "Capital Courier", 4, "Kharkiv", "12,000"),
            ("Stephane Dujjaric", "Harbour Times", 5, "Port-au-Prince", "8,500"),
        ]
    ):
        (briefings / f"briefing-{number}.txt").write_text(
            _briefing(name, source, day, place, people)
        )
    feed = write_wire_feed(root / "wire.xml")
    # A web archive of other articles, read in ranges of 4 kB spread over the workers.
    (root / "archive").mkdir()
    write_crawl(root / "archive" / "crawl.warc.gz", load_pages(root / "no-pages")[:_ARCHIVED], 1)
    inputs = [
        str(root / d)
        for d in ("bench", "samples", "seeds", "briefings", "archive")
        if (root / d).is_dir()
    ]
    return [
        "--input", *inputs, "--feed", str(feed), "--fetch-pages", "never",
        "--split-bytes", "4000",
    ]  # fmt: skip


@pytest.fixture(scope="module")
def direct(sources, tmp_path_factory) -> Path:
    return direct_output(sources, tmp_path_factory.mktemp("direct"))


def _files(output: Path) -> list[str]:
    """The data files, by path under the output: named by the keys they hold, so the same
    rows give the same paths. The runs table (a new run id each run) and the state aside."""
    top = {"runs", "_state"}
    return sorted(
        str(path.relative_to(output))
        for path in output.rglob("*.parquet")
        if path.relative_to(output).parts[0] not in top
    )


def _assert_same_as_direct(output: Path, direct: Path) -> None:
    for table in COMPARED_TABLES:
        assert table_rows(output, table) == table_rows(direct, table), table
    assert _files(output) == _files(direct)
    ((inputs, articles, balanced),) = (
        connect(str(output)).execute("SELECT inputs, articles, balanced FROM runs").fetchall()
    )
    # Bench articles, 14 samples, 2 seeds, 3 briefings, 3 feed entries, the archived pages.
    expected_inputs = _BENCH_ARTICLES + 14 + (2 if SEEDS.is_dir() else 0) + 3 + 3 + _ARCHIVED
    assert balanced and inputs == expected_inputs and articles > _BENCH_ARTICLES / 2


class _TaskLog:
    """The scheduler's task stream: which worker ran which step's partitions."""

    def __init__(self, cluster: DaskCliCluster) -> None:
        self.client = distributed.Client(cluster.address, timeout=60)
        self.client.get_task_stream()  # installs the scheduler's task-stream plugin
        self.names = {
            address: worker["name"]
            for address, worker in self.client.scheduler_info()["workers"].items()
        }
        self.since = time.time()

    def partitions_per_worker(self) -> dict[str, dict[str, set[int]]]:
        """{step: {worker name: partition numbers it ran}}."""
        steps: dict[str, dict[str, set[int]]] = collections.defaultdict(
            lambda: collections.defaultdict(set)
        )
        for record in self.client.get_task_stream(start=self.since):
            key = record["key"]
            if isinstance(key, tuple) and record.get("status") == "OK":
                step = str(key[0]).rsplit("-", 1)[0]
                steps[step][self.names.get(record["worker"], record["worker"])].add(key[-1])
        return steps

    def close(self) -> None:
        self.client.close()


class _DaskRun:
    """`newsbeam run --runner dask` in the background, its output in files (dask logs more
    than a pipe holds while nobody reads it); killed on leaving if still running."""

    def __init__(self, sources, output: Path, cluster: DaskCliCluster) -> None:
        self.stdout = (output.parent / f"{output.name}.stdout").open("w+")
        self.stderr = (output.parent / f"{output.name}.stderr").open("w+")
        self.process = subprocess.Popen(
            [*newsbeam_command(), "run", *sources, "--output", str(output),
             "--runner", "dask", "--dask-address", cluster.address],
            stdout=self.stdout,
            stderr=self.stderr,
            text=True,
        )  # fmt: skip

    def running(self) -> bool:
        return self.process.poll() is None

    def finish(self) -> str:
        """Waits for the run; fails the test unless it exited 0. Returns its stdout."""
        self.process.wait(timeout=600)
        self.stdout.seek(0)
        self.stderr.seek(0)
        stdout = self.stdout.read()
        assert self.process.returncode == 0, f"{stdout}\n{self.stderr.read()[-4000:]}"
        return stdout

    def __enter__(self) -> _DaskRun:
        return self

    def __exit__(self, *exc) -> None:
        if self.running():
            self.process.kill()
            self.process.wait()
        self.stdout.close()
        self.stderr.close()


def test_a_scheduler_and_two_workers_write_directrunners_tables(sources, direct, tmp_path):
    assert connect(str(direct)).execute("SELECT count(*) FROM entity_variants").fetchone()[0]
    with dask_cli_cluster(tmp_path / "cluster", ["alpha", "beta"]) as cluster:
        log = _TaskLog(cluster)
        try:
            with _DaskRun(sources, tmp_path / "out", cluster) as run:
                stdout = run.finish()
            steps = log.partitions_per_worker()
            environments = log.client.run(lambda: dict(os.environ))
            # Model sets each worker process loaded (spaCy pipelines and gazetteers).
            model_sets = log.client.run(
                lambda: len(__import__(_EXTRACTOR, fromlist=["_POOL"])._POOL)
            )
        finally:
            log.close()
    assert "NewsbeamDaskRunner" in stdout and re.search(r"dask_tasks +[1-9]", stdout)
    _assert_same_as_direct(tmp_path / "out", direct)
    # deploy/dask/distributed.yaml took effect: glibc keeps its own mmap threshold.
    assert all("MALLOC_TRIM_THRESHOLD_" not in env for env in environments.values())
    # At most once per worker process, however many NER partitions it ran.
    assert set(model_sets.values()) <= {0, 1} and sum(model_sets.values()) >= 1, model_sets
    # Both workers ran steps of the pipeline, and the article path ran in several
    # partitions. Which worker takes which partition is the scheduler's choice: on a busy
    # machine one may take all of a step (the measured split is in bench.scaling).
    workers = {worker for by_worker in steps.values() for worker in by_worker}
    assert workers == {"alpha", "beta"}, {step: set(by) for step, by in steps.items()}
    for step in (*_ARTICLE_STEPS, "ExtractEntities_RecogniseEntities"):
        partitions = set().union(*steps[step].values())
        assert len(partitions) > 1, (step, dict(steps[step]))


def test_a_worker_killed_mid_run_changes_nothing(sources, direct, tmp_path):
    with dask_cli_cluster(tmp_path / "cluster", ["alpha", "beta"]) as cluster:
        log = _TaskLog(cluster)
        try:
            with _DaskRun(sources, tmp_path / "out", cluster) as run:
                # Kill "beta" once it has run pipeline tasks (what it holds in memory is
                # then lost and must be recomputed), while the run still runs.
                deadline = time.monotonic() + 300
                while run.running() and time.monotonic() < deadline:
                    steps = log.partitions_per_worker().values()
                    if sum(len(by_worker.get("beta", ())) for by_worker in steps) >= 3:
                        break
                    time.sleep(0.2)
                else:
                    raise AssertionError("beta ran no pipeline task while the run ran")
                assert run.running(), "the run ended before a worker could be killed"
                cluster.kill_worker("beta")
                killed_at = time.time()
                run.finish()
            after = [
                record
                for record in log.client.get_task_stream(start=killed_at)
                if record.get("status") == "OK"
            ]
        finally:
            log.close()
    assert after and {log.names.get(record["worker"]) for record in after} == {"alpha"}
    _assert_same_as_direct(tmp_path / "out", direct)
