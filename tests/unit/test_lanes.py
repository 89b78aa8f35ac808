"""Every test runs in a lane: a file pytest would not collect, or a folder no lane names,
fails here before it can drop out of `make test-fast` or `make test` unnoticed."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.lanes import ALL, FAST, LANES, NOT_TESTS, TESTS, entry_of
from tests.support.paths import REPO


def _defines_tests(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        (isinstance(node, ast.FunctionDef) and node.name.startswith("test"))
        or (isinstance(node, ast.ClassDef) and node.name.startswith("Test"))
        for node in tree.body
    )


def _python_files() -> list[Path]:
    return sorted(
        path
        for path in TESTS.rglob("*.py")
        if path.relative_to(TESTS).parts[0] not in NOT_TESTS and "__pycache__" not in path.parts
    )


def test_every_module_with_tests_is_collected_and_in_a_lane() -> None:
    files = _python_files()
    assert files
    outside = [str(p) for p in files if p.name.startswith("test_") and not entry_of(p)]
    assert not outside, f"test files in no lane: move them under one of {ALL}"
    hidden = [str(p) for p in files if not p.name.startswith("test_") and _defines_tests(p)]
    assert not hidden, "modules whose tests pytest never collects (name them test_*.py)"


def test_every_folder_of_tests_is_a_lane_or_support() -> None:
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= {*ALL, *NOT_TESTS}, f"no lane names {sorted(folders - {*ALL, *NOT_TESTS})}"
    assert not [p.name for p in TESTS.glob("test_*.py")], "a test file directly in tests/"


def test_the_fast_lane_is_part_of_the_whole_suite() -> None:
    assert set(FAST) < set(LANES["all"]) and LANES["fast"] == FAST


def _make(target: str) -> list[str]:
    """The commands `make TARGET` runs (printed, not run; the virtualenv taken as set up)."""
    # Run from `make test-fast` itself, make would pass its own flags and level down.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "--old-file", ".venv/.installed-stamp"]
        + [target],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_runs_each_lane_and_ci_runs_the_whole_suite() -> None:
    """The targets run the lanes by name, so tests/support/lanes.py decides what each holds."""
    (fast,) = _make("test-fast")
    assert "pytest --lane fast" in fast
    *set_up, lint, whole = _make("test")
    assert lint.endswith("ruff check .") and "pytest --lane all" in whole
    assert any("chromium" in line for line in set_up)  # the browser the report tests open
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line[:1] != "#"]
    assert ci[-1] == "make test"
