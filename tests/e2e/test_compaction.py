"""`newsbeam compact` end to end: on the output of real runs, killed (SIGKILL) at every step
and at random moments, read by DuckDB while it works, refused while another newsbeam writes,
and done by a running stream itself (`--compact-after`), whose report then draws."""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import time
from datetime import timedelta

import duckdb
import pytest

from newsbeam.compaction import STAGING_PREFIX, compact_output
from newsbeam.output_lock import hold_output
from newsbeam.query import connect
from newsbeam.schemas.layout import TEMPORARY
from tests.support.browser import render
from tests.support.killed_compaction import compact_until_step
from tests.support.news_site import NewsSite
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam, newsbeam_command
from tests.support.window_files import age_files, all_rows, table_files, write_window

pytestmark = pytest.mark.e2e

HOUR = 3600.0


@pytest.fixture(scope="module")
def stream_output(tmp_path_factory) -> str:
    """Eight windows of a stream: 48 article files in 6 partitions, 8 in each flat table."""
    output = str(tmp_path_factory.mktemp("stream") / "out")
    for window in range(8):
        write_window(output, window)
    age_files(output, 2 * HOUR)
    return output


def _copy(output: str, to) -> str:
    shutil.copytree(output, to)  # copy2: modification times kept
    return str(to)


def _staging_left(output: str) -> list[str]:
    folder = os.path.join(output, TEMPORARY)
    names = os.listdir(folder) if os.path.isdir(folder) else []
    return [name for name in names if name.startswith(STAGING_PREFIX)]


def test_compact_after_real_runs_keeps_rows_and_later_runs_add_none(tmp_path):
    output = str(tmp_path / "out")
    for folder in ("txt", "jsonl"):  # two runs: two files in shared partitions
        newsbeam("run", "--input", str(SAMPLES / folder), "--output", output)
    before = all_rows(output)
    files_before = len(table_files(output, "articles")) + len(table_files(output, "runs"))

    done = newsbeam("compact", output, "--quiet-for", "0")

    assert "newsbeam compact: " in done.stdout and "files into" in done.stdout
    assert all_rows(output) == before
    assert len(table_files(output, "runs")) == 1
    assert len(table_files(output, "articles")) + 1 < files_before
    assert newsbeam("check", output).returncode == 0
    # The keys are still found: the same inputs again write no article, no duplicate row.
    newsbeam("run", "--input", str(SAMPLES / "txt"), "--output", output)
    again = all_rows(output)
    assert again["articles"] == before["articles"]
    assert again["duplicates"] == before["duplicates"]


def test_killed_after_any_step_the_rows_are_all_there_once_and_a_rerun_finishes(
    stream_output, tmp_path
):
    """SIGKILL after each step a compaction takes (each merged file, a new folder staged,
    exchanged, the old one deleted): the output reads the same every time, and the next
    compaction completes from where the killed one left it."""
    before = all_rows(stream_output)
    steps = []
    compact_output(_copy(stream_output, tmp_path / "count"), on_step=lambda *s: steps.append(s))
    assert {step for step, _ in steps} == {"merged", "staged", "exchanged", "cleaned"}
    # Children forked from a clean server process (not from this one, with its threads),
    # which has imported the compaction and not Beam.
    processes = multiprocessing.get_context("forkserver")
    processes.set_forkserver_preload(["tests.support.killed_compaction"])
    for kill_at in range(len(steps)):
        output = _copy(stream_output, tmp_path / f"kill{kill_at}")
        child = processes.Process(target=compact_until_step, args=(output, kill_at))
        child.start()
        child.join(timeout=60)
        assert child.exitcode == -signal.SIGKILL, (kill_at, child.exitcode)
        assert all_rows(output) == before, f"killed after step {kill_at}: {steps[kill_at]}"
        compact_output(output)
        assert all_rows(output) == before
        assert len(table_files(output, "articles")) == 6
        assert not _staging_left(output)


@pytest.fixture(scope="module")
def busy_output(tmp_path_factory) -> str:
    """A week of hourly windows over 12 regions: 2,016 article files, 168 in each flat table."""
    output = str(tmp_path_factory.mktemp("busy") / "out")
    regions = tuple(f"region-{number:02d}" for number in range(12))
    for window in range(168):
        write_window(output, window, regions)
    age_files(output, 2 * HOUR)
    return output


def _counts(output: str) -> tuple[int, int]:
    """(rows, distinct ids) of articles, from a fresh listing of its files, on a connection
    of its own (the module's default one is shared by every test in this process)."""
    with duckdb.connect() as db:
        return db.execute(
            f"SELECT count(*), count(DISTINCT id) FROM read_parquet("
            f"'{output}/articles/*/*/*.parquet', hive_partitioning = true)"
        ).fetchone()


def test_a_reader_never_sees_rows_missing_or_doubled_while_the_cli_compacts(busy_output, tmp_path):
    output = _copy(busy_output, tmp_path / "read")
    expected = _counts(output)
    process = subprocess.Popen(
        [*newsbeam_command(), "compact", output],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen, vanished = [], 0
    while process.poll() is None:
        try:
            seen.append(_counts(output))
        except duckdb.IOException:  # listed, then exchanged away: a retry reads it whole
            vanished += 1
    out, err = process.communicate()
    assert process.returncode == 0, err
    assert len(seen) >= 3, "the reader did not overlap the compaction"
    assert set(seen) == {expected}, (set(seen), expected)
    assert _counts(output) == expected
    assert len(table_files(output, "articles")) == 24  # 2 days x 12 regions
    print(f"{len(seen)} reads during the compaction, {vanished} retried: {out.strip()}")


def test_sigkill_at_random_moments_then_a_rerun_leaves_every_row_once(busy_output, tmp_path):
    """SIGKILL to the CLI at random moments once it is merging (its first staging folder
    has appeared): each time the rows are the same, and a last run finishes the job."""
    output = _copy(busy_output, tmp_path / "kill")
    before = all_rows(output)
    files_before = len(table_files(output, "articles"))
    chance = random.Random(20261206)
    for attempt in range(4):
        process = subprocess.Popen(
            [*newsbeam_command(), "compact", output],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while not _staging_left(output) and process.poll() is None:
            assert time.monotonic() < deadline, "the compaction never started merging"
            time.sleep(0.02)
        time.sleep(chance.uniform(0, 1.5))  # somewhere in a folder, or a few folders on
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert all_rows(output) == before, f"after kill {attempt}"
    assert len(table_files(output, "articles")) < files_before, "no kill came after progress"
    done = newsbeam("compact", output)
    assert "files into" in done.stdout
    assert all_rows(output) == before
    assert len(table_files(output, "articles")) == 24
    assert not _staging_left(output)


def test_compact_waits_for_no_one_it_refuses_while_another_newsbeam_writes(tmp_path):
    output = str(tmp_path / "out")
    write_window(output, 0)
    with hold_output(output, "stream"):
        refused = newsbeam("compact", output, check=False)
    assert refused.returncode == 2
    assert "another newsbeam is writing" in refused.stderr and "`newsbeam stream`" in refused.stderr
    remote = newsbeam("compact", "gs://bucket/out", check=False)
    assert remote.returncode == 2 and "local output" in remote.stderr


def test_a_stream_of_several_days_news_compacts_itself_and_its_report_draws(server, tmp_path):
    """A real stream against a local feed server, news published over three days: it
    merges its own closed files as it runs, and `newsbeam report` over its output draws
    every plot in headless Chromium with no console message."""
    site = NewsSite(server)
    slugs = ("kenya-water", "chile-copper", "poland-grid", "japan-rail", "peru-floods")
    for number, slug in enumerate(slugs):
        site.clock += timedelta(days=1) if number % 2 else timedelta(0)
        site.publish("world", slug)
    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(f"feeds:\n  - url: {site.feed_url('world')}\n    poll_interval: 1\n")
    output = tmp_path / "out"
    process = subprocess.run(
        [
            *newsbeam_command(),
            "stream",
            "--feeds",
            str(feeds_file),
            "--output",
            str(output),
            "--poll-interval",
            "1",
            "--window",
            "1",
            "--duration",
            "40",  # on a busy machine the first window alone, loading models, takes 15 s
            "--compact-after",
            "4",
            "--host-interval",
            "0",
            "--allow-private-networks",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == 0, process.stderr
    assert "newsbeam stream: compacted" in process.stdout, process.stdout
    db = connect(str(output))
    windows = db.execute("SELECT count(*), bool_and(balanced) FROM runs").fetchone()
    assert windows[0] >= 3 and windows[1]  # one runs row per window, each balanced
    assert len(table_files(str(output), "runs")) < windows[0]  # merged as the stream ran
    articles = db.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone()
    assert articles == (len(slugs), len(slugs))
    days = [
        str(day)
        for (day,) in db.execute("SELECT DISTINCT date FROM articles ORDER BY 1").fetchall()
    ]
    assert len(days) == 3

    made = newsbeam("report", str(output), "--out", str(tmp_path / "report.html"))
    plots = int(re.search(r"\((\d+) plots\)", made.stdout).group(1))
    rendered = render(tmp_path / "report.html")
    assert rendered.console == []
    assert plots >= 6 and rendered.dom.count("js-plotly-plot") >= plots
    per_day = rendered.dom.split('id="plot-articles_per_day"', 1)[1]
    assert all(day in per_day for day in days)
