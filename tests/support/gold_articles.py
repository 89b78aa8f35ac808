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


def extracted_rows(labels: list[dict]) -> list[dict]:
    """newsbeam's article row for each label's reference, in the labels' order: read as
    newsbeam reads it, then extracted by `ArticleExtractor` in its batches (what
    `ExtractEntities` runs). Skips, naming the path, where the shared data is absent."""
    import pytest

    from newsbeam.transforms.extract.article_extractor import NER_BATCH_SIZE, ArticleExtractor
    from tests.support.paths import SHARED_DATA

    if not SHARED_DATA.exists():
        pytest.skip(f"the shared real data is not beside the repo ({SHARED_DATA} is absent)")
    resolve = resolver().resolve
    articles = [resolve(label["ref"], SHARED_DATA) for label in labels]
    extractor = ArticleExtractor()
    extractor.setup()
    rows: list[dict] = []
    for start in range(0, len(articles), NER_BATCH_SIZE):
        done = extractor.extract(articles[start : start + NER_BATCH_SIZE])
        assert not done.rejects, done.rejects
        rows += done.articles
    return rows
