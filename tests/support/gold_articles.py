"""The articles of a labelled set, read the way newsbeam reads them.

`tests/data/extraction_gold/resolve.py` turns a reference into the cleaned article newsbeam
makes of it (it is also a script, run from the data folder): loaded here for every
evaluation whose labels hold references, never text."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from tests.support.paths import TEST_DATA

RESOLVE = TEST_DATA / "extraction_gold" / "resolve.py"


def resolver() -> ModuleType:
    """`resolve.py` as a module: `resolver().resolve(ref, SHARED_DATA)` is the article."""
    spec = importlib.util.spec_from_file_location("extraction_gold_resolve", RESOLVE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module
