"""Beam's warning about the BigQuery extra newsbeam never uses is silenced, and only it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

_SCRIPT = """
import logging
from newsbeam.beam_warnings import silence_optional_extras
silence_optional_extras()
import apache_beam
logging.warning("an unrelated warning is still shown")
"""


def test_only_the_optional_extra_warning_is_dropped():
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120, check=True
    )
    assert "apitools" not in result.stderr
    assert "an unrelated warning is still shown" in result.stderr


@pytest.mark.skipif(importlib.util.find_spec("apitools") is not None, reason="gcp extra installed")
def test_without_it_beam_logs_the_warning():
    """The filter is what silences it: Beam, imported bare, still logs it here."""
    result = subprocess.run(
        [sys.executable, "-c", "import apache_beam"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "apitools not found" in result.stderr
