from datetime import UTC, date, datetime

import pytest

from newsbeam.transforms.sources.dates import parse_published

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "instant", "day"),
    [
        ("2025-03-03", None, date(2025, 3, 3)),
        ("2025-03-06T14:00:00-05:00", datetime(2025, 3, 6, 19, 0, tzinfo=UTC), date(2025, 3, 6)),
        ("2025-03-03T06:00:00+07:00", datetime(2025, 3, 2, 23, 0, tzinfo=UTC), date(2025, 3, 2)),
        ("2025-03-03T10:00:00Z", datetime(2025, 3, 3, 10, 0, tzinfo=UTC), date(2025, 3, 3)),
        ("2025-03-03 10:00", datetime(2025, 3, 3, 10, 0, tzinfo=UTC), date(2025, 3, 3)),
        (
            "Mon, 03 Mar 2025 22:30:00 +0100",
            datetime(2025, 3, 3, 21, 30, tzinfo=UTC),
            date(2025, 3, 3),
        ),
    ],
)
def test_dates_are_normalised_to_utc(value, instant, day):
    parsed = parse_published(value, now=NOW)
    assert parsed is not None
    assert parsed.published_at == instant
    assert parsed.day == day


@pytest.mark.parametrize(
    "value", ["2020-13-45", "yesterday", "", "   ", None, 42, "1850-01-01", "2031-01-01"]
)
def test_unparseable_or_implausible_dates_are_none(value):
    assert parse_published(value, now=NOW) is None
