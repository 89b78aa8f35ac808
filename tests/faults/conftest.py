"""One fault server for the session, and the CLI runs of the collected modules, started at once.

Each test module names its run in a module-level `SCENARIO`. The runs are started together
the first time a module asks for one, since each spends its time waiting: on start-up, on
timeouts, and on bodies that never finish.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from tests.support.faults import RunResult, Scenario, run_scenario
from tests.support.local_server import LocalServer


@pytest.fixture(scope="session")
def fault_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture(scope="session")
def fault_runs(request, fault_server, tmp_path_factory) -> Iterator[dict[str, Future[RunResult]]]:
    """name -> the future result of every scenario among the collected tests."""
    scenarios: dict[str, Scenario] = {}
    for item in request.session.items:
        scenario = getattr(item.module, "SCENARIO", None)
        if isinstance(scenario, Scenario):
            scenarios[scenario.name] = scenario
    with ThreadPoolExecutor(max(len(scenarios), 1), thread_name_prefix="fault-run") as pool:
        yield {
            name: pool.submit(
                run_scenario, fault_server, scenario, tmp_path_factory.mktemp(f"faults-{name}")
            )
            for name, scenario in scenarios.items()
        }


@pytest.fixture(scope="module")
def run(request, fault_runs) -> RunResult:
    """The finished run of the requesting module's `SCENARIO`."""
    return fault_runs[request.module.SCENARIO.name].result()
