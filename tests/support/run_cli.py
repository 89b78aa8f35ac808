"""Running the real `newsbeam` command in a subprocess, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def newsbeam_command() -> list[str]:
    """The `newsbeam` script of this interpreter's environment (`python -m newsbeam` when
    the package is not installed with its script)."""
    executable = Path(sys.executable).with_name("newsbeam")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "newsbeam"]


def newsbeam(
    *args: str, check: bool = True, timeout: float = 600, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """`newsbeam ARGS`, its output captured; fails the test on a non-zero exit."""
    result = subprocess.run(
        [*newsbeam_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"newsbeam {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
