"""A run that completed and balanced exits 0, every time.

About one run in ten used to print its accounting and then abort at interpreter exit
("terminate called without an active exception", exit 134): pyarrow's I/O threads still
held buffers of a Python file object when the interpreter shut down. Re-runs into one
output read every kind of file a run reads back (keys already written, the MinHash index,
the runs row), so each is a chance for the abort.
"""

from __future__ import annotations

from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam

RUNS = 8


def test_repeated_runs_into_one_output_all_exit_zero(tmp_path):
    output = tmp_path / "out"
    statuses = []
    identities = ["inputs 14 = articles 12 + duplicates 1 + rejects 1"] + [
        "inputs 14 = articles 0 + duplicates 0 + rejects 0 + already written 14"
    ] * (RUNS - 1)
    for identity in identities:
        result = newsbeam("run", "--input", str(SAMPLES), "--output", str(output), check=False)
        statuses.append(result.returncode)
        assert identity in result.stdout, result.stdout + result.stderr
        assert "terminate called" not in result.stderr, result.stderr
    assert statuses == [0] * RUNS
