"""Shared fixtures: where the repo's samples and the shared real data live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_WITH_DATE = SEEDS / "000_b9602190ba00a2ba.txt"
SEED_WITHOUT_HEADER = SEEDS / "003_ef4239176ea9162e.txt"


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


LOCAL_RUNNER = "FnApiRunner"  # never DirectRunner: it would try to download Prism first


@pytest.fixture
def pipeline():
    """A TestPipeline on the in-process runner; it runs when the `with` block ends."""
    from apache_beam.testing.test_pipeline import TestPipeline

    return TestPipeline(runner=LOCAL_RUNNER)


@pytest.fixture
def server():
    from tests.local_server import LocalServer

    with LocalServer() as running:
        yield running
