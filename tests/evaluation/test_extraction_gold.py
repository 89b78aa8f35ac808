"""Extraction measured on real articles in many languages, labelled by hand: the floors CI holds.

`tests/data/extraction_gold/labels.jsonl` holds 209 articles sampled by a fixed rule from
the real pages and feeds in `../shared/data/` (17 languages), each with its language, main
country, the countries it names as places and the persons it names; its README says how
the set was made and labelled. The labels hold references, never text: `resolve.py` reads
each article the way newsbeam does (page files, feed entries, then `clean_article`), and
`ArticleExtractor` (what `ExtractEntities` runs on each batch) extracts it. Skipped,
naming the path, where the shared data is absent.

Measures, overall, for English, for the other languages pooled, and per language:

- language: the detected language is the one labelled;
- main country: `main_country` (none when no country is named often enough to be the
  focus) equals the labelled main country, or both are none (an article without
  geographic focus given no country is right);
- place precision: the share of found countries the article names or has as main country
  (a main country inferred without being named is right, not a false positive);
- place recall: the share of named countries found;
- person precision and recall: a found person matches a labelled one when the words of one
  name are all in the other ("Trump" and "Donald Trump"; case and dots ignored, accents
  kept), over the articles whose entities a model made (`ner_model` other than
  `gazetteer`, when the column exists). Where no model serves a language, persons are not
  measured, and must be empty: never guessed.

Floors are today's figures less 0.05, rounded down to the hundredth: a change that loses
that much fails the build. They stand in `FLOORS`, the one table to raise when
extraction improves; groups with fewer than `MIN_GROUP` articles are printed, not floored.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pytest

from tests.support import gold_articles
from tests.support.paths import TEST_DATA

# The floors, per group: "all" articles, "en", and "other" (every language but English
# pooled). Each is the figure measured on 2026-12-04 (main at f94bfe4, en_core_web_sm on
# every language) less 0.05, rounded down; "all" and "other" places re-measured 2026-12-05
# once each language chose its extraction (spaCy for en and fr, the multilingual gazetteer
# for the rest), the figure before in brackets; the figures are in docs/evaluation.md. Raise
# them when extraction improves. Persons are floored for English only: the other languages
# have no model of their own (their figures, printed, come from the English model).
FLOORS: dict[str, dict[str, float]] = {
    "all": {
        "language": 0.94,  # measured 0.990
        "main_country": 0.70,  # 0.756 with demonyms in other languages (0.751, 0.756, 0.751)
        "place_precision": 0.79,  # 0.847 with demonyms in other languages (0.863, 0.823, 0.700)
        "place_recall": 0.89,  # 0.948 with demonyms in other languages (0.918, 0.896, 0.694)
    },
    "en": {
        "language": 0.95,  # 1.000
        "main_country": 0.72,  # 0.764 with a sole country named once (0.772, 0.756, 0.740)
        "place_precision": 0.77,  # 0.829 with world regions, ambiguous names, Georgia (0.787, 0.689)
        "place_recall": 0.91,  # 0.965 with institutions (0.951, 0.938)
        "person_precision": 0.65,  # 0.700 platforms out (0.679 products, 0.653, 0.618)
        "person_recall": 0.79,  # 0.848
    },
    "other": {
        "language": 0.92,  # 0.977
        "main_country": 0.70,  # 0.756 demonyms capped (0.744, 0.733, 0.721; 0.547 English model)
        "place_precision": 0.81,  # 0.869 with demonyms (0.910, 0.895, 0.905, 0.897, 0.730)
        "place_recall": 0.87,  # 0.927 with demonyms (0.863, 0.815, 0.411)
    },
}
MIN_GROUP = 20
GOLD = TEST_DATA / "extraction_gold"
METRICS = (
    "language",
    "main_country",
    "place_precision",
    "place_recall",
    "person_precision",
    "person_recall",
)


def _labels() -> list[dict]:
    lines = (GOLD / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


# --- matching ------------------------------------------------------------------------------

_POSSESSIVE = re.compile(r"['’]s$")


def _words(name: str) -> frozenset[str]:
    """The words of a name, lower case, without dots or a possessive ending."""
    name = _POSSESSIVE.sub("", name.strip()).replace(".", " ").casefold()
    return frozenset(word for word in re.split(r"[\W_]+", name) if word)


def _names(person: str | list[str]) -> list[frozenset[str]]:
    """A labelled person is a name or a list of its spellings (the first the label's)."""
    return [_words(name) for name in ([person] if isinstance(person, str) else person)]


def _same_person(found: frozenset[str], spellings: list[frozenset[str]]) -> bool:
    return bool(found) and any(name and (found <= name or name <= found) for name in spellings)


# --- counting ------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts for one group of articles; the figures are ratios of them."""

    articles: int = 0
    language_right: int = 0
    main_right: int = 0
    main_gold_none: int = 0
    main_none_right: int = 0
    places_found: int = 0
    places_found_right: int = 0
    places_gold: int = 0
    places_gold_found: int = 0
    person_articles: int = 0
    persons_found: int = 0
    persons_found_right: int = 0
    persons_gold: int = 0
    persons_gold_found: int = 0
    errors: list[str] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)

    def add(self, label: dict, row: dict) -> None:
        countries = list(row.get("countries") or [])
        # `main_country` since schema 5 (none without focus); the first of `countries` before.
        main = row["main_country"] if "main_country" in row else (countries or [None])[0]
        gold_main = label["main_country"]
        named = set(label["countries"])
        self.articles += 1
        self.language_right += row.get("language") == label["language"]
        self.main_right += main == gold_main
        self.main_gold_none += gold_main is None
        self.main_none_right += gold_main is None and main is None
        if main != gold_main:
            self.errors.append(f"{label['id']}: main {main} (gold {gold_main})")
        found = set(countries)
        self.places_found += len(found)
        self.places_found_right += len(found & (named | {gold_main}))
        self.places_gold += len(named)
        self.places_gold_found += len(found & named)
        if row.get("ner_model", "model") == "gazetteer":
            if row.get("persons"):  # no model for this language: nothing may be guessed
                self.guessed.append(f"{label['id']}: {row['persons'][:3]}")
            return
        self.person_articles += 1
        found_persons = [_words(name) for name in row.get("persons") or []]
        gold_persons = [_names(person) for person in label["persons"]]
        self.persons_found += len(found_persons)
        self.persons_found_right += sum(
            any(_same_person(f, g) for g in gold_persons) for f in found_persons
        )
        self.persons_gold += len(gold_persons)
        self.persons_gold_found += sum(
            any(_same_person(f, g) for f in found_persons) for g in gold_persons
        )

    def figures(self) -> dict[str, float | None]:
        def ratio(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        return {
            "language": ratio(self.language_right, self.articles),
            "main_country": ratio(self.main_right, self.articles),
            "place_precision": ratio(self.places_found_right, self.places_found),
            "place_recall": ratio(self.places_gold_found, self.places_gold),
            "person_precision": ratio(self.persons_found_right, self.persons_found),
            "person_recall": ratio(self.persons_gold_found, self.persons_gold),
        }


def _tally(labels: list[dict], rows: list[dict]) -> dict[str, Tally]:
    groups: dict[str, Tally] = defaultdict(Tally)
    for label, row in zip(labels, rows, strict=True):
        language = label["language"]
        for group in ("all", "en" if language == "en" else "other", f"={language}"):
            groups[group].add(label, row)
    return groups


def _table(groups: dict[str, Tally]) -> str:
    """Groups first, then each language (most articles first), one line each."""
    lines = [f"{'':<9}{'n':>4}  language  main  place P  place R  person P  person R"]
    languages = sorted((g for g in groups if g.startswith("=")), key=lambda g: -groups[g].articles)
    for group in ["all", "en", "other", *languages]:
        figures = groups[group].figures()
        cells = [" n/a" if figures[m] is None else f"{figures[m]:.2f}" for m in METRICS]
        name = f"  {group[1:]}" if group.startswith("=") else group
        lines.append(
            f"{name:<9}{groups[group].articles:>4}  {cells[0]:>8}  {cells[1]:>4}  "
            f"{cells[2]:>7}  {cells[3]:>7}  {cells[4]:>8}  {cells[5]:>8}"
        )
    return "\n".join(lines)


# --- the set -------------------------------------------------------------------------------


def test_the_gold_labels_are_well_formed():
    """Every label names a reference, a language and ISO 3166-1 alpha-2 codes: a typo in
    the set would silently count as an extraction error."""
    import pycountry

    codes = {country.alpha_2 for country in pycountry.countries}
    labels = _labels()
    assert len(labels) >= 150
    assert len({label["id"] for label in labels}) == len(labels)
    for label in labels:
        ref = label["ref"]
        assert ref["folder"] and ref["file"], label["id"]
        assert re.fullmatch(r"[a-z]{2}", label["language"]), label["id"]
        main = label["main_country"]
        assert main is None or main in codes, label["id"]
        assert set(label["countries"]) <= codes, label["id"]
        assert len(set(label["countries"])) == len(label["countries"]), label["id"]
        for person in label["persons"]:
            assert all(_names(person)), (label["id"], person)
    languages = Counter(label["language"] for label in labels)
    assert {"en", "de", "fr", "pt", "es", "ru"} <= set(languages)


@pytest.fixture(scope="module")
def extracted() -> tuple[list[dict], list[dict], float]:
    """The labels, newsbeam's article row for each in the same order, and the seconds taken."""
    started = time.perf_counter()
    labels = _labels()
    rows = gold_articles.extracted_rows(labels)
    return labels, rows, time.perf_counter() - started


def test_extraction_on_the_gold_set_meets_the_floors(extracted):
    labels, rows, seconds = extracted
    groups = _tally(labels, rows)
    print(f"\nextraction gold set: {len(labels)} articles, read and extracted in {seconds:.0f} s")
    print(_table(groups))
    print(
        f"articles without geographic focus given no country: "
        f"{groups['all'].main_none_right} of {groups['all'].main_gold_none}"
    )
    assert not groups["all"].guessed, "persons without a model: " + "; ".join(groups["all"].guessed)
    failures = []
    for group, floors in FLOORS.items():
        figures = groups[group].figures()
        assert groups[group].articles >= MIN_GROUP, group
        for metric, floor in floors.items():
            value = figures[metric]
            if value is not None and value < floor:
                failures.append(f"{group} {metric} {value:.3f} < floor {floor}")
    misses = groups["all"].errors
    assert not failures, "\n".join([*failures, f"main-country misses ({len(misses)}):", *misses])
