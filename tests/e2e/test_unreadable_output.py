"""A file of the output cut short or emptied, as a power cut can leave one: every command
that meets it names it, `newsbeam check` lists it, `--repair` sets it aside, and the next run
over the same inputs writes its rows again, as articles, not as duplicates of themselves."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsbeam.query import connect
from tests.support.builders import rss
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

_ARTICLES = "SELECT * EXCLUDE (ingested_at, extraction_ms) FROM articles ORDER BY id"
_DUPLICATES = "SELECT * EXCLUDE (ingested_at) FROM duplicates ORDER BY id"


def _rows(output: Path, sql: str) -> list[tuple]:
    return connect(str(output)).execute(sql).fetchall()


def _only(paths) -> Path:
    (path,) = list(paths)
    return path


def _ids(path: Path, column: str = "id") -> set[str]:
    return set(pq.read_table(path, columns=[column]).column(column).to_pylist())


def _cut_short(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _assert_named(result, paths: list[Path], output: Path) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    for path in paths:
        assert str(path) in result.stderr, result.stderr
    assert f"newsbeam check {output} --repair" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "<Buffer>" not in result.stderr, result.stderr


def test_unreadable_files_are_named_set_aside_and_written_again(tmp_path):
    output = tmp_path / "out"
    run = ("run", "--input", str(SAMPLES), "--output", str(output))
    newsbeam(*run)
    articles, duplicates = _rows(output, _ARTICLES), _rows(output, _DUPLICATES)
    # The Kenya story, kept over its syndicated copy (a duplicate row points to it), and
    # the partition holding two stories.
    cut = _only(output.glob("articles/date=2025-03-03/region=eastern-africa/*.parquet"))
    emptied = _only(output.glob("articles/date=2025-03-04/region=western-europe/*.parquet"))
    lost = _ids(cut) | _ids(emptied)
    assert len(lost) == 3 and set(_rows(output, "SELECT duplicate_of FROM duplicates")[0]) < lost
    # Their entries stay in the MinHash index: the rerun must not take them for copies.
    index = _only(output.glob("_state/minhash/*.parquet"))
    assert lost < _ids(index)
    _cut_short(cut)
    os.truncate(emptied, 0)
    damaged = [cut, emptied]

    _assert_named(newsbeam(*run, check=False), damaged, output)
    feed = tmp_path / "feed.xml"
    feed.write_text(rss("Wire", [("T", "https://news.example.com/a", "Text " * 80)]))
    stream = ("stream", "--feed", str(feed), "--output", str(output), "--duration", "1")
    _assert_named(newsbeam(*stream, check=False), damaged, output)
    query = ("query", str(output), "SELECT count(*) FROM articles")
    _assert_named(newsbeam(*query, check=False), damaged, output)

    listed = newsbeam("check", str(output), check=False)
    assert listed.returncode == 1, listed.stdout + listed.stderr
    assert all(f"unreadable: {path}" in listed.stdout for path in damaged), listed.stdout
    kept_bytes = {path: path.read_bytes() for path in damaged}
    repaired = newsbeam("check", str(output), "--repair", check=False)
    assert repaired.returncode == 1, repaired.stdout + repaired.stderr
    for path, content in kept_bytes.items():
        moved = output / "_quarantine" / path.relative_to(output)
        assert not path.exists() and moved.read_bytes() == content
    assert newsbeam("check", str(output)).returncode == 0
    # Queries skip the quarantine: the rest reads, the lost rows are missing.
    assert _rows(output, "SELECT count(*) FROM articles") == [(len(articles) - len(lost),)]

    rerun = newsbeam(*run)
    # The lost rows are written again; every other input's row was still there.
    assert (
        f"inputs 14 = articles {len(lost)} + duplicates 0 + rejects 0 + already written {14 - len(lost)}"
        in rerun.stdout
    )
    assert _rows(output, _ARTICLES) == articles
    assert _rows(output, _DUPLICATES) == duplicates
    assert _rows(
        output,
        "SELECT count(*) FROM duplicates WHERE duplicate_of NOT IN (SELECT id FROM articles)",
    ) == [(0,)]
    assert _rows(output, "SELECT bool_and(balanced), count(*) FROM runs") == [(True, 2)]
    assert newsbeam("check", str(output)).returncode == 0


def test_a_damaged_minhash_index_is_set_aside_and_written_again(tmp_path):
    output = tmp_path / "out"
    run = ("run", "--input", str(SAMPLES), "--output", str(output))
    newsbeam(*run)
    index = _only(output.glob("_state/minhash/*.parquet"))
    indexed = _ids(index)
    _cut_short(index)
    _assert_named(newsbeam(*run, check=False), [index], output)
    assert newsbeam("check", str(output), "--repair", check=False).returncode == 1
    assert (output / "_quarantine" / "_state" / "minhash" / index.name).exists()
    newsbeam(*run)
    assert set().union(*map(_ids, output.glob("_state/minhash/*.parquet"))) == indexed
    counts = "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates)"
    assert _rows(output, counts) == [(12, 1)]
