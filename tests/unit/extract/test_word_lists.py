"""Extraction's word lists: data files shipped in the package, each with a header naming its
source and purpose, loaded once, and exactly what the entity rules use."""

from __future__ import annotations

from importlib import resources

import pycountry
import pytest

from newsbeam.transforms.extract import entities, geo, quotes
from newsbeam.transforms.extract.entities import gazetteer_patterns, strip_titles
from newsbeam.transforms.extract.word_lists import language_table, name_table, word_list

USED_BY_THE_RULES = {
    "ambiguous_place_names": entities._AMBIGUOUS_PLACE_NAMES,
    "titles": entities._TITLES,
    "title_modifiers": entities._TITLE_MODIFIERS,
    "generic_subdivision_names": geo._GENERIC_NAMES,
    "subdivision_kinds": geo._SUBDIVISION_KINDS,
    "acronyms_not_places": geo._ACRONYMS_NOT_PLACES,
    "not_speaker_openings": quotes._NOT_SPEAKER_OPENINGS,
    "attribution_verbs": quotes._ATTRIBUTION_VERBS,
    "title_abbreviations": quotes._TITLE_ABBREVIATIONS,
}
TABLES_USED_BY_THE_GAZETTEER = {
    "disputed_regions": geo.DISPUTED_REGIONS,
    "country_aliases": geo._ALIASES,
}


def _lines(name: str, suffix: str = "txt") -> list[str]:
    path = resources.files("newsbeam.transforms.extract") / "data" / f"{name}.{suffix}"
    return path.read_text(encoding="utf-8").splitlines()


def _header(lines: list[str]) -> list[str]:
    return lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))]


@pytest.mark.parametrize("name", USED_BY_THE_RULES)
def test_a_list_opens_with_a_header_naming_its_source_and_purpose(name):
    header = _header(_lines(name))
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


@pytest.mark.parametrize("name", TABLES_USED_BY_THE_GAZETTEER)
def test_a_table_names_its_source_and_maps_each_name_to_a_real_country(name):
    lines = _lines(name, "tsv")
    assert any(line.startswith("# Source:") for line in _header(lines)), f"{name}: no source"
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert rows and all(len(row) == 2 for row in rows), f"{name}: one tab a line"
    names = [row[0] for row in rows]
    assert sorted({n for n in names if names.count(n) > 1}) == []
    unknown = [code for _name, code in rows if pycountry.countries.get(alpha_2=code) is None]
    assert unknown == []
    assert name_table(name) == dict(rows)
    assert name_table(name) is TABLES_USED_BY_THE_GAZETTEER[name]


def test_each_subdivision_exonym_names_a_first_level_subdivision_the_gazetteer_reads():
    lines = _lines("subdivision_exonyms", "tsv")
    assert any(line.startswith("# Source:") for line in _header(lines))
    table = name_table("subdivision_exonyms")
    assert table is geo.SUBDIVISION_EXONYMS and table
    subdivisions = {s.code: s for s in pycountry.subdivisions}
    unread = [code for code in table.values() if code not in subdivisions]
    assert unread == [], "no such ISO 3166-2 code"
    nested = [code for code in table.values() if subdivisions[code].parent_code is not None]
    assert nested == [], "only first-level subdivisions are read"


@pytest.mark.parametrize(
    ("reader", "line"),
    [("name_table", "Nagorno-Karabakh AZ"), ("language_table", "ru\tСША US")],
)
def test_a_malformed_table_line_is_refused_with_the_line(tmp_path, monkeypatch, reader, line):
    from newsbeam.transforms.extract import word_lists

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "broken.tsv").write_text(f"# header\n{line}\n")
    monkeypatch.setattr(word_lists.resources, "files", lambda _package: tmp_path)
    with pytest.raises(ValueError, match=line.split("\t")[-1]):
        getattr(word_lists, reader).__wrapped__("broken")


def test_every_everyday_country_name_names_a_real_country_in_a_language_with_a_locale():
    from babel import Locale

    table = language_table("country_names_in_news")
    assert table
    for language, names in table.items():
        assert Locale.parse(language), language
        assert [c for c in names.values() if pycountry.countries.get(alpha_2=c) is None] == []


def test_each_declining_language_has_its_case_endings_and_any_nominative_finals():
    table = language_table("declensions")
    assert table
    for language, rows in table.items():
        # No `final` where the ending follows the whole name (Finnish "Saksassa").
        assert "endings" in rows and rows.keys() <= {"final", "endings"}, language
        assert all(rows[kind].split() for kind in rows), language


def test_each_city_exonym_names_a_city_of_the_gazetteer(gazetteer):
    lines = _lines("city_exonyms", "tsv")
    assert any(line.startswith("# Source:") for line in _header(lines))
    table = name_table("city_exonyms")
    assert table is geo.CITY_EXONYMS and table
    for exonym, city in table.items():
        country, name = city.split(" ", 1)
        place = gazetteer.resolve(exonym)
        assert place is not None and (place.country, place.name) == (country, name), exonym


def test_each_caseless_script_s_list_of_words_names_its_source_and_holds_clean_words():
    folder = resources.files("newsbeam.transforms.extract") / "data"
    lists = sorted(p.name for p in folder.iterdir() if p.name.startswith("not_places_"))
    assert lists, "no list of words that are no places"
    for file_name in lists:
        lines = _lines(file_name.removesuffix(".txt"))
        assert any(line.startswith("# Source:") for line in _header(lines)), file_name
        entries = [line for line in lines if not line.startswith("#")]
        assert entries and all(e and e == e.strip() and " " not in e for e in entries), file_name
