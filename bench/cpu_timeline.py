"""Where a run's cores go: the CPU of each process of a command's tree, interval by interval.

    python -m bench.cpu_timeline [--interval 1] -- newsbeam run --input DIR --output OUT \\
        --direct_num_workers 2 --direct_running_mode multi_processing

Prints a line per interval (seconds since the start, then each busy process's CPU seconds
in it: `w` for Beam SDK worker processes, `m` for the others, with the pid) and a summary:
wall time, CPU of the whole tree, and the core-seconds left idle (cores x wall - CPU). It
shows which phases of a run keep the cores busy and which do not; the two-worker profile in
docs/performance.md was taken with it.

The lines miss what a process spends after its last sample, and a process that starts
and ends between two samples; the summary's CPU (the waited-for children's rusage)
includes them, so the lines may sum to a little less.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Timeline", "record"]

_BUSY = 0.02  # CPU seconds in an interval below which a process is left off its line


@dataclass(frozen=True)
class Timeline:
    """Per interval: (seconds since start, {process label: CPU seconds in the interval})."""

    intervals: list[tuple[float, dict[str, float]]]
    wall_s: float
    cpu_s: float
    returncode: int

    @property
    def core_s(self) -> float:
        """What the cores this process may use could have given over the run."""
        return len(os.sched_getaffinity(0)) * self.wall_s

    @property
    def idle_core_s(self) -> float:
        return self.core_s - self.cpu_s

    def lines(self) -> list[str]:
        rows = [
            f"{at:7.1f}  " + " ".join(f"{label}:{cpu:.2f}" for label, cpu in sorted(busy.items()))
            for at, busy in self.intervals
        ]
        rows.append(
            f"wall {self.wall_s:.1f} s, CPU {self.cpu_s:.1f} s, "
            f"idle {self.idle_core_s:.1f} core-s of {self.core_s:.1f}"
        )
        return rows


def record(command: Sequence[str], interval_s: float = 1.0, log=subprocess.DEVNULL) -> Timeline:
    """Runs `command` and samples its process tree every `interval_s` until it exits."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    root = psutil.Process(process.pid)
    last: dict[tuple[int, float], float] = {}  # by (pid, start time): pids are reused
    intervals = []
    while process.poll() is None:
        time.sleep(interval_s)
        busy = {}
        for member in [root, *_children(root)]:
            try:
                with member.oneshot():
                    times = member.cpu_times()
                    key = (member.pid, member.create_time())
                    kind = "w" if "sdk_worker" in " ".join(member.cmdline()) else "m"
            except psutil.Error:
                continue
            cpu = times.user + times.system
            spent = cpu - last.get(key, 0.0)
            last[key] = cpu
            if spent >= _BUSY:
                busy[f"{kind}{member.pid}"] = round(spent, 2)
        intervals.append((round(time.perf_counter() - started, 1), busy))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timeline(intervals, round(wall, 2), round(cpu, 2), process.returncode)


def _children(root) -> list:
    import psutil

    try:
        return root.children(recursive=True)
    except psutil.Error:
        return []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu_timeline", description=__doc__)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    timeline = record(command, args.interval, log=sys.stderr)
    print("\n".join(timeline.lines()))
    return timeline.returncode


if __name__ == "__main__":
    raise SystemExit(main())
