"""Dates written with month names in other languages, as non-English feeds and pages write them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from newsbeam.transforms.records import DateSource
from newsbeam.transforms.sources.written_dates import all_names, month_number, parse_written_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Seg, 24 Set 2018 19:42:40 -0300",
            datetime(2018, 9, 24, 19, 42, 40, tzinfo=timezone(timedelta(hours=-3))),
        ),
        (
            "Di, 3. März 2020 12:00:00 +0100",
            datetime(2020, 3, 3, 12, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("mer. 5 févr. 2025 08:00:00 GMT", datetime(2025, 2, 5, 8, tzinfo=UTC)),
        ("24 сентября 2018", date(2018, 9, 24)),
        ("10 July 2020", date(2020, 7, 10)),
        ("July 10, 2020", date(2020, 7, 10)),
    ],
)
def test_written_dates_in_several_languages(text, expected):
    assert parse_written_date(text) == expected


def test_a_name_that_differs_between_languages_needs_the_language():
    assert month_number("listopad") is None
    assert month_number("listopad", "pl") == 11
    assert month_number("listopad", "hr") == 10


def test_no_month_name_or_no_year_is_no_date():
    assert parse_written_date("24 2018") is None
    assert parse_written_date("24 Set") is None
    assert parse_written_date("31 Feb 2020") is None


def test_date_sources_match_the_documented_list():
    """docs/tables.md lists every `date_source` value a row can hold, and only those."""
    from pathlib import Path

    line = next(
        row
        for row in (Path(__file__).parents[3] / "docs" / "tables.md").read_text().splitlines()
        if row.startswith("| `date_source`")
    )
    documented = set(__import__("re").findall(r"`([a-z_]+)` \(", line))
    values = {v for k, v in vars(DateSource).items() if k.isupper()}
    assert documented == values


def test_an_hour_only_offset_is_an_offset():
    """RSS in the wild writes "+05"; read as UTC it moved the story five hours."""
    assert parse_written_date("Mon, 03 Mar 2025 10:00:00 +05") == datetime(
        2025, 3, 3, 10, tzinfo=timezone(timedelta(hours=5))
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025年3月3日 10:00", datetime(2025, 3, 3, 10, 0)),
        ("2019年11月18日(月) 23:41", datetime(2019, 11, 18, 23, 41)),
        ("2025년 3월 3일", date(2025, 3, 3)),
        ("2025年13月3日", None),  # no such month: no date
    ],
)
def test_chinese_japanese_and_korean_days_are_read(text, expected):
    assert parse_written_date(text) == expected


def test_all_names_are_full_and_abbreviated():
    months = all_names("month", "en")
    assert {"may", "apr", "september"} <= months and "monday" not in months
