"""The two lanes the tests run in, by where a test file sits under `tests/`.

- `fast` (`make test-fast`): pure rules and Beam composites on the in-process runner, a
  few minutes on two cores; what to run while changing code.
- `all` (`make test`, what CI runs): everything, with the CLI end to end, the faults
  harness, the quality floors on real corpora and the benchmark smoke run.

Every test file must sit under an entry of `ALL`: `tests/conftest.py` refuses a run that
collects a test anywhere else, and, given `--lane`, one in which an entry of the lane
collects nothing, so that no lane can drop a test without saying so.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.paths import REPO

TESTS = REPO / "tests"
FAST = ("unit", "beam")
# Only in the whole suite: each of these runs the CLI, waits on a server or measures.
WHOLE_SUITE_ONLY = ("e2e", "faults", "evaluation", "bench", "deploy")
ALL = FAST + WHOLE_SUITE_ONLY
LANES = {"fast": FAST, "all": ALL}
# Folders under tests/ that hold no tests.
NOT_TESTS = ("support", "data")


def entry_of(path: Path) -> str | None:
    """The entry of `ALL` that `path` (a test file) sits under, or None."""
    try:
        first = Path(path).resolve().relative_to(TESTS).parts[0]
    except (ValueError, IndexError):
        return None
    return first if first in ALL else None
