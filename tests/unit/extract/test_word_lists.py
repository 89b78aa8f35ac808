"""Extraction's word lists: data files shipped in the package, each with a header naming its
source and purpose, loaded once, and exactly what the entity rules use."""

from __future__ import annotations

from importlib import resources

import pytest

from newsbeam.transforms.extract import entities
from newsbeam.transforms.extract.entities import gazetteer_patterns, strip_titles, word_list

USED_BY_THE_RULES = {
    "ambiguous_place_names": entities._AMBIGUOUS_PLACE_NAMES,
    "titles": entities._TITLES,
}


def _lines(name: str) -> list[str]:
    path = resources.files("newsbeam.transforms.extract") / "data" / f"{name}.txt"
    return path.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", USED_BY_THE_RULES)
def test_a_list_opens_with_a_header_naming_its_source_and_purpose(name):
    lines = _lines(name)
    header = lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))]
    assert len(header) >= 2, f"{name}: the header says what the list is for"
    assert any(line.startswith("# Source:") for line in header), f"{name}: no source named"


@pytest.mark.parametrize("name", USED_BY_THE_RULES)
def test_every_entry_is_one_clean_line_and_none_repeats(name):
    entries = [line for line in _lines(name) if not line.startswith("#")]
    assert entries, f"{name} has no entries"
    assert [entry for entry in entries if not entry or entry != entry.strip()] == []
    assert sorted({e for e in entries if entries.count(e) > 1}) == []
    assert word_list(name) == frozenset(entries)


@pytest.mark.parametrize("name", USED_BY_THE_RULES)
def test_the_rules_use_the_list_as_loaded_once(name):
    assert word_list(name) is USED_BY_THE_RULES[name]


def test_every_title_is_stripped_from_the_front_of_a_name():
    titles = word_list("titles")
    # Compared casefolded: an entry with a capital letter could never match.
    assert [title for title in titles if title != title.casefold()] == []
    for title in sorted(titles):
        assert strip_titles(f"{title.title()} Morgan Ortagus") == "Morgan Ortagus", title


def test_ambiguous_place_names_are_left_out_of_the_entity_ruler(gazetteer):
    ambiguous = word_list("ambiguous_place_names")
    patterns = {pattern["pattern"] for pattern in gazetteer_patterns(gazetteer)}
    assert sorted(ambiguous & patterns) == []
    ruler_names = set(
        gazetteer.names(
            ("country", "subdivision", "region", "city"),
            min_population=entities._MIN_POPULATION_IN_RULER,
        )
    )
    # Without the list these would be ruler patterns: it spelled them as the gazetteer does.
    assert {"Jordan", "Georgia", "Chad", "Man", "Mary"} <= ambiguous & ruler_names
