"""Fixtures every level of test shares, and the lanes the tests run in (`--lane`, see
`tests/support/lanes.py`). Helpers that are not fixtures live in `tests/support/`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lanes import ALL, LANES, entry_of
from tests.support.paths import SEED_WITH_DATE, SEED_WITHOUT_HEADER, SEEDS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--lane",
        choices=sorted(LANES),
        help="run one lane: fast (unit and Beam tests) or all (the whole suite, as CI runs)",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With --lane, the folders of other lanes are not even imported."""
    lane = config.getoption("lane")
    entry = entry_of(collection_path)
    if lane is not None and entry in ALL and entry not in LANES[lane]:
        return True
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test outside every lane, or a lane with a folder that collected nothing, stops the
    run: a test moved or a folder renamed must not drop out of a lane unnoticed."""
    problem = _lane_problem(config.getoption("lane"), items)
    if problem is None:
        return
    if not hasattr(config, "workeroutput"):
        raise pytest.UsageError(problem)
    # A pytest-xdist worker: an error raised here would reach the terminal as the worker's
    # traceback without its message. It runs nothing and hands the reason to the controller.
    config.workeroutput["lane_problem"] = problem
    items.clear()


def _lane_problem(lane: str | None, items: list[pytest.Item]) -> str | None:
    outside = sorted({str(item.path) for item in items if entry_of(item.path) is None})
    if outside:
        return "test files outside every lane (tests/support/lanes.py): " + ", ".join(outside)
    if lane is not None:
        collected = {entry_of(item.path) for item in items}
        empty = [entry for entry in LANES[lane] if entry not in collected]
        if empty:
            return f"the {lane} lane collected no test in " + ", ".join(
                f"tests/{entry}" for entry in empty
            )
    return None


_WORKER_PROBLEMS: set[str] = set()


def pytest_testnodedown(node, error) -> None:
    """pytest-xdist's controller: a worker's lane problem (see above)."""
    problem = getattr(node, "workeroutput", {}).get("lane_problem")
    if problem:
        _WORKER_PROBLEMS.add(problem)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _WORKER_PROBLEMS:
        for problem in sorted(_WORKER_PROBLEMS):
            session.config.get_terminal_writer().line(f"ERROR: {problem}", red=True)
        session.exitstatus = pytest.ExitCode.USAGE_ERROR


@pytest.fixture
def seeds_dir() -> Path:
    if not SEED_WITH_DATE.exists() or not SEED_WITHOUT_HEADER.exists():
        pytest.skip(f"the shared seed articles are not beside the repo ({SEEDS} is absent)")
    return SEEDS


@pytest.fixture(scope="session")
def gazetteer():
    from newsbeam.transforms.extract.geo import Gazetteer

    return Gazetteer()


@pytest.fixture(scope="session")
def nlp(gazetteer):
    """The production spaCy pipeline: gazetteer entity ruler, then the NER."""
    from newsbeam.transforms.extract.entities import MODEL_NAME, build_nlp

    return build_nlp(MODEL_NAME, gazetteer)


@pytest.fixture
def pipeline():
    """A TestPipeline on the in-process runner (never bare DirectRunner: it would try to
    download Prism first); it runs when the `with` block ends."""
    from apache_beam.testing.test_pipeline import TestPipeline

    from newsbeam.options import LOCAL_RUNNER

    return TestPipeline(runner=LOCAL_RUNNER)


@pytest.fixture
def server():
    from tests.support.local_server import LocalServer

    with LocalServer() as running:
        yield running
