"""Local batch runs in chunks of input files: bounded memory, the same tables."""

from __future__ import annotations

import pytest

from newsbeam.query import connect
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam


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
