"""Fixtures of the deploy/ tests."""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.deploy.manifests import DEPLOY, load_module


@pytest.fixture(scope="session")
def launcher() -> ModuleType:
    """deploy/dataflow/main.py, the flex template's launcher, imported from its file."""
    return load_module(DEPLOY / "dataflow" / "main.py", "newsbeam_launcher")
