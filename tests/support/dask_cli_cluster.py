"""A dask.distributed cluster as production runs one: `dask scheduler` and `dask worker`
processes started from the installed commands, each its own process, on 127.0.0.1 only.

The workers run from an empty directory with no PYTHONPATH, so they import newsbeam as the
environment installed it, not from a source tree beside them, and with the dask
configuration the project ships for its workers (`deploy/dask/`). Every process is started in
a session of its own and killed, with its children, on leaving."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.paths import DEPLOY

# Long enough for a loaded CI machine to import dask and distributed in each process.
_START_TIMEOUT_S = 90.0


def _dask_command() -> list[str]:
    executable = Path(sys.executable).with_name("dask")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "dask"]


@dataclass
class DaskCliCluster:
    address: str
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)

    def kill_worker(self, name: str) -> None:
        """SIGKILL to a worker's whole session (its nanny and the worker process), as a
        machine lost or an OOM kill leaves it: nothing of it says goodbye."""
        process = self.workers[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _kill_session(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    # Whatever the nanny left behind, and a process that ignored SIGTERM.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)


def _wait_for(path: Path, what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not path.exists() or not path.stat().st_size:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"{what} exited while starting; see {path.parent}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start in {_START_TIMEOUT_S:.0f} s")
        time.sleep(0.2)


@contextlib.contextmanager
def dask_cli_cluster(directory: Path, worker_names: list[str]) -> Iterator[DaskCliCluster]:
    """A scheduler and one single-thread worker per name, all on 127.0.0.1, their logs in
    `directory`; yields once every worker has joined the scheduler."""
    import distributed

    directory.mkdir(parents=True, exist_ok=True)
    scheduler_file = directory / "scheduler.json"
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment["DASK_CONFIG"] = str(DEPLOY / "dask")
    started: list[subprocess.Popen] = []

    def start(arguments: list[str], log: str) -> subprocess.Popen:
        with open(directory / log, "wb") as output:
            process = subprocess.Popen(
                [*_dask_command(), *arguments],
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=directory,
                env=environment,
                start_new_session=True,
            )
        started.append(process)
        return process

    try:
        start(
            ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            "scheduler.log",
        )  # fmt: skip
        _wait_for(scheduler_file, "dask scheduler", started)
        address = json.loads(scheduler_file.read_text())["address"]
        cluster = DaskCliCluster(address)
        for name in worker_names:
            cluster.workers[name] = start(
                ["worker", address, "--name", name, "--nthreads", "1", "--nworkers", "1",
                 "--host", "127.0.0.1", "--no-dashboard", "--local-directory",
                 str(directory / name)],
                f"{name}.log",
            )  # fmt: skip
        with distributed.Client(address, timeout=_START_TIMEOUT_S) as client:
            client.wait_for_workers(len(worker_names), timeout=_START_TIMEOUT_S)
        yield cluster
    finally:
        for process in reversed(started):
            _kill_session(process)
