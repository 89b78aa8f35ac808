"""Running the real `newsbeam` command in a subprocess, as a user runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


def newsbeam_command() -> list[str]:
    """The `newsbeam` script of this interpreter's environment (`python -m newsbeam` when
    the package is not installed with its script)."""
    executable = Path(sys.executable).with_name("newsbeam")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "newsbeam"]


def stream_command(feed_url: str, output: Path, *flags: str) -> list[str]:
    """`newsbeam stream` of one feed on 127.0.0.1 (hence private networks allowed)."""
    return [
        *newsbeam_command(),
        "stream",
        "--feed",
        feed_url,
        "--output",
        str(output),
        *flags,
        "--allow-private-networks",
    ]


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


# Runs the command given after the report file's name, then writes its exit status and the
# peak RSS (KiB) of it and its descendants there. A parent of its own, because a child's
# high-water mark starts at its parent's: spawned straight from a test process that has
# grown (a model loaded, a cluster started), any run would look that big.
_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(f"{code} {peak}")
"""


def newsbeam_peak_rss(*args: str, timeout: float = 600) -> tuple[subprocess.CompletedProcess, int]:
    """`newsbeam ARGS` as `newsbeam(..., check=False)` runs it, and the peak RSS in bytes of
    that run alone (its largest process)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report"
        command = [sys.executable, "-c", _MEASURE, str(report), *newsbeam_command(), *args]
        # A session of its own: a timeout ends the run too, not only its parent.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
        code, peak_kib = map(int, report.read_text().split())
    return subprocess.CompletedProcess(command, code, stdout, stderr), peak_kib * 1024
