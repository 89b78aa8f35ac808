"""Local batch runs in chunks of input files: bounded memory, the same tables."""

from __future__ import annotations

import pytest

from newsbeam.chunks import file_sizes, plan_chunks
from newsbeam.query import connect
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam


@pytest.mark.parametrize(
    ("sizes", "max_bytes", "expected"),
    [
        ([10, 10, 10], 25, [["a", "b"], ["c"]]),
        ([10, 10, 10], 30, [["a", "b", "c"]]),
        ([40, 5, 5], 25, [["a"], ["b", "c"]]),  # a file over the limit is a chunk of its own
        ([5, 40, 5], 25, [["a"], ["b"], ["c"]]),
        ([10, 10, 10], 0, [["a", "b", "c"]]),  # 0: never chunk
        ([0, 0, 0], 1, [["a", "b", "c"]]),
    ],
)
def test_chunks_keep_order_and_every_file(sizes, max_bytes, expected):
    paths = ["a", "b", "c"][: len(sizes)]
    assert plan_chunks(paths, sizes, max_bytes) == expected


def test_no_files_is_one_empty_chunk():
    assert plan_chunks([], [], 10) == [[]]


def test_file_sizes_are_bytes_on_disk(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.txt"
    first.write_bytes(b"x" * 1234)
    second.write_bytes(b"")
    assert file_sizes([str(first), str(second)]) == [1234, 0]


@pytest.mark.e2e
def test_a_chunked_run_writes_what_one_run_writes(tmp_path):
    """Every sample file its own run: each run balances, the copy in a later file is found
    through the index, and the tables hold what one run over everything holds."""
    whole, chunked = tmp_path / "whole", tmp_path / "chunked"
    newsbeam("run", "--input", str(SAMPLES), "--output", str(whole))
    result = newsbeam(
        "run", "--input", str(SAMPLES), "--output", str(chunked), "--chunk-bytes", "1"
    )
    files = sorted(p for p in SAMPLES.rglob("*") if p.suffix in {".txt", ".html", ".jsonl"})
    assert f"part {len(files)} of {len(files)}" in result.stdout
    totals = "SELECT sum(inputs), sum(articles), sum(duplicates), sum(rejects) FROM runs"
    with connect(str(whole)) as db:
        expected = db.execute(totals).fetchone()
        partitions = db.execute(
            "SELECT DISTINCT date, region FROM articles ORDER BY ALL"
        ).fetchall()
    with connect(str(chunked)) as db:
        runs = db.execute("SELECT count(*), bool_and(balanced) FROM runs").fetchone()
        assert runs == (len(files), True)
        assert db.execute(totals).fetchone() == expected == (14, 12, 1, 1)
        assert (
            db.execute("SELECT DISTINCT date, region FROM articles ORDER BY ALL").fetchall()
            == partitions
        )
        [(kind, similarity)] = db.execute("SELECT kind, similarity FROM duplicates").fetchall()
        assert (kind, similarity) == ("near", 1.0)
