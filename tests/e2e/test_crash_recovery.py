"""A run killed mid-write leaves no partial file, and re-running it completes the output
with every article exactly once: what an operator relies on after a node dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsbeam.query import connect
from tests.support.paths import TEST_DATA
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

EVALUATION = TEST_DATA / "neardup" / "evaluation.jsonl"


def _corpus(path: Path) -> int:
    """206 articles (syndicated copies among them) spread over 20 days: many partitions, so
    the writes take long enough to be interrupted."""
    lines = EVALUATION.read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8") as handle:
        for i, line in enumerate(lines):
            item = json.loads(line)
            item["published"] = f"2025-03-{1 + i % 20:02d}T12:00:00Z"
            handle.write(json.dumps(item) + "\n")
    return len(lines)


def _data_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.parquet") if "_temporary" not in p.parts)


def _once_writing(
    corpus: Path, output: Path, sign: str = "articles/**/*.parquet", **popen
) -> subprocess.Popen:
    """Starts `newsbeam run` and returns as soon as a file matching `sign` appears (by
    default its first article file)."""
    executable = Path(sys.executable).with_name("newsbeam")
    process = subprocess.Popen(
        [str(executable), "run", "--input", str(corpus), "--output", str(output)], **popen
    )
    deadline = time.monotonic() + 300
    while not list(output.glob(sign)):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the run wrote no article file before it ended: nothing was interrupted")
        time.sleep(0.005)
    return process


def _kill_once_writing(corpus: Path, output: Path) -> None:
    """Starts `newsbeam run` and SIGKILLs it as soon as its first article file appears."""
    process = _once_writing(
        corpus,
        output,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _contents(output: Path) -> dict[str, list[tuple]]:
    db = connect(str(output))
    return {
        "articles": db.execute(
            "SELECT id, date, region, title, story_id FROM articles ORDER BY id"
        ).fetchall(),
        # A story's rows as a run never killed writes them: a kill between the articles
        # and the stories files left articles of stories without rows (and the next
        # articles in stories of their own).
        "stories": db.execute(
            "SELECT story_row_id, story_id, articles_added, articles_total, title FROM stories "
            "ORDER BY story_row_id"
        ).fetchall(),
        "duplicates": db.execute(
            "SELECT id, duplicate_of, kind FROM duplicates ORDER BY id"
        ).fetchall(),
        "rejects": db.execute("SELECT reject_id FROM rejects ORDER BY 1").fetchall(),
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, int, Path]:
    """The corpus, its number of inputs, and the output of a run of it never interrupted."""
    folder = tmp_path_factory.mktemp("reference")
    corpus = folder / "corpus.jsonl"
    total = _corpus(corpus)
    newsbeam("run", "--input", str(corpus), "--output", str(folder / "out"))
    return corpus, total, folder / "out"


def test_a_killed_run_is_completed_by_its_rerun_exactly_once(reference, tmp_path):
    corpus, total, reference = reference
    output = tmp_path / "out"
    _kill_once_writing(corpus, output)
    # Killed before the end: the run's own row, written last, is not there.
    assert not list((output / "runs").glob("*.parquet"))
    written_before_kill = _data_files(output)
    for path in written_before_kill:
        pq.read_table(path)  # every visible file is complete: it opens and reads
    assert len(list((output / "articles").rglob("*.parquet"))) < len(
        list((reference / "articles").rglob("*.parquet"))
    ), "the kill came after every article file was written: nothing was tested"

    rerun = newsbeam("run", "--input", str(corpus), "--output", str(output))
    assert f"inputs {total} = " in rerun.stdout
    for path in _data_files(output):
        pq.read_table(path)
    assert _contents(output) == _contents(reference)
    db = connect(str(output))
    assert db.execute("SELECT count(*) = count(DISTINCT id) FROM articles").fetchall() == [(True,)]
    assert db.execute("SELECT count(*) = count(DISTINCT id) FROM duplicates").fetchall() == [
        (True,)
    ]
    ((inputs, articles, duplicates, rejects, already, balanced),) = db.execute(
        "SELECT inputs, articles, duplicates, rejects, already_written, balanced FROM runs"
    ).fetchall()
    # The rows the killed run wrote count as already written; the rest as written now.
    assert balanced and inputs == total == articles + duplicates + rejects + already
    assert already > 0
    # The files the killed run completed were kept, not rewritten under other names.
    assert set(written_before_kill) <= set(_data_files(output))


def test_ctrl_c_stops_a_run_in_one_line_and_its_rerun_completes_it(reference, tmp_path):
    """Ctrl-C while the run works: exit status 130 and one line saying what to do, not
    Beam's traceback of the interrupt (and exit 1); the same command again completes the
    output as a run never interrupted. The signal is sent once the run holds its output
    (its writer lock), well before it ends: sent at its first article file, the end of a
    small run on a busy machine could outrun it."""
    corpus, total, reference = reference
    output = tmp_path / "out"
    process = _once_writing(
        corpus,
        output,
        "_state/writer.lock",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a CI job started in the background has SIGINT ignored, and
        # an ignored SIGINT is left alone by newsbeam (a shell's background job).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    process.send_signal(signal.SIGINT)
    _stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert "newsbeam: interrupted: this run is not finished" in stderr
    assert not list((output / "runs").glob("*.parquet"))  # it did not finish

    rerun = newsbeam("run", "--input", str(corpus), "--output", str(output))
    assert f"inputs {total} = " in rerun.stdout
    assert _contents(output) == _contents(reference)
