"""Word lists and name tables shipped with the package under `data/`, each read once.

Lists (`.txt`) hold one entry a line; tables (`.tsv`) a name and a value separated by a tab,
or, per language, a language code, a name and a value.
In both, lines starting with `#` (the header naming the source and purpose) and blank lines
are not entries.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["language_table", "name_table", "optional_word_list", "word_list"]


def _entries(file_name: str) -> list[str]:
    text = (resources.files(__package__) / "data" / file_name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def optional_word_list(name: str) -> frozenset[str]:
    """The entries of `data/<name>.txt`, or none where no such list ships (lists kept for
    some languages only)."""
    shipped = (resources.files(__package__) / "data" / f"{name}.txt").is_file()
    return word_list(name) if shipped else frozenset()


@cache
def word_list(name: str) -> frozenset[str]:
    """The entries of `data/<name>.txt`."""
    return frozenset(_entries(f"{name}.txt"))


@cache
def name_table(name: str) -> dict[str, str]:
    """`data/<name>.tsv` as {name: value}, in the file's order; a malformed line raises."""
    table: dict[str, str] = {}
    for line in _entries(f"{name}.tsv"):
        key, separator, value = line.partition("\t")
        if not separator or not key.strip() or not value.strip() or "\t" in value:
            raise ValueError(f"data/{name}.tsv: not 'name<TAB>value': {line!r}")
        table[key.strip()] = value.strip()
    return table


@cache
def language_table(name: str) -> dict[str, dict[str, str]]:
    """`data/<name>.tsv` of `language<TAB>name<TAB>value` lines as {language: {name: value}};
    a malformed line raises."""
    table: dict[str, dict[str, str]] = {}
    for line in _entries(f"{name}.tsv"):
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) != 3 or not all(fields):
            raise ValueError(f"data/{name}.tsv: not 'language<TAB>name<TAB>value': {line!r}")
        language, key, value = fields
        table.setdefault(language, {})[key] = value
    return table
