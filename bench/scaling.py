"""Scaling: one corpus, one `newsbeam run` per runner set-up, wall time and CPU.

    python -m bench.scaling [--size 2000] [--seed 11] [--setups direct1,direct2,dask1,dask2]

Set-ups: `direct1` (DirectRunner, one process, unchunked), `direct2` (two DirectRunner
worker processes), `daskN` (a local dask.distributed cluster of N single-thread worker
processes, started for the run). Each run writes into a fresh output; CPU is the run's
whole process tree (user + system of the command and every process it waited for: the
scheduler runs in the command's process, the workers are its children). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import tempfile
import time

from bench import newsbeam_command
from bench.corpus import news_articles, write_jsonl

_SETUPS = {
    "direct1": ["--chunk-bytes", "0"],
    "direct2": [
        "--chunk-bytes", "0", "--direct_num_workers", "2",
        "--direct_running_mode", "multi_processing",
    ],
    "dask1": ["--runner", "dask", "--dask-workers", "1"],
    "dask2": ["--runner", "dask", "--dask-workers", "2"],
}  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(process, seen: dict[int, float]) -> None:
    """Records the CPU seconds so far of `process` and each descendant, by pid."""
    import psutil

    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
        except psutil.Error:  # ended between listing and reading: its last reading stands
            continue
        seen[member.pid] = times.user + times.system


def run_setup(name: str, corpus: str, output: str) -> dict:
    """One run of set-up `name` over `corpus`: wall and CPU seconds (the whole tree, and
    per process as last sampled: `command` holds the Dask scheduler, `others` the
    workers, largest first), and what the run wrote."""
    import psutil

    cpu_before, started = _children_cpu(), time.monotonic()
    command = [*newsbeam_command(), "run", "--input", corpus, "--output", output]
    # stderr to a file: Dask logs more than a pipe holds while nobody reads it.
    with tempfile.TemporaryFile("w+") as errors, tempfile.TemporaryFile("w+") as summary:
        with subprocess.Popen([*command, *_SETUPS[name]], stdout=summary, stderr=errors) as process:
            watched, per_process = psutil.Process(process.pid), {}
            while process.poll() is None:
                _process_cpu(watched, per_process)
                time.sleep(0.5)
        if process.returncode:
            errors.seek(0)
            raise RuntimeError(f"{name} failed ({process.returncode}): {errors.read()[-2000:]}")
        summary.seek(0)
        tasks = re.search(r"^\s*dask_tasks\s+(\d+)", summary.read(), re.MULTILINE)
    wall, cpu = time.monotonic() - started, _children_cpu() - cpu_before
    command_cpu = per_process.pop(process.pid, 0.0)
    others = sorted((round(v, 1) for v in per_process.values() if v >= 0.5), reverse=True)
    from newsbeam.query import connect

    ((articles, balanced),) = (
        connect(output).execute("SELECT articles, balanced FROM runs").fetchall()
    )
    return {
        "setup": name,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "cpu_s_command": round(command_cpu, 1),
        "cpu_s_other_processes": others,
        "articles_written": articles,
        "balanced": balanced,
        # The graph's size on Dask (the run's summary prints it); None on DirectRunner.
        "dask_tasks": int(tasks.group(1)) if tasks else None,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--setups", default="direct1,direct2,dask1,dask2")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        corpus = os.path.join(work, "corpus")
        write_jsonl(news_articles(args.size, seed=args.seed), corpus)
        runs = []
        for name in args.setups.split(","):
            run = run_setup(name, corpus, os.path.join(work, f"out-{name}"))
            run["articles_per_s"] = round(args.size / run["wall_s"], 1)
            runs.append(run)
            print(json.dumps(run), flush=True)
    base = next((r["wall_s"] for r in runs if r["setup"] == "direct1"), None)
    for run in runs:
        run["speedup_vs_direct1"] = round(base / run["wall_s"], 2) if base else None
        if run["dask_tasks"]:
            run["dask_tasks_per_article"] = round(run["dask_tasks"] / args.size, 2)
            # The command holds the scheduler (and the client): its share of the CPU.
            run["command_cpu_share"] = round(run["cpu_s_command"] / run["cpu_s"], 3)
    report = {"articles": args.size, "cores": os.cpu_count(), "runs": runs}
    print(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
