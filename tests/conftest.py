"""Fixtures every level of test shares. Helpers that are not fixtures live in
`tests/support/`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.paths import SEED_WITH_DATE, SEED_WITHOUT_HEADER, SEEDS


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
