"""Publication dates from headers, feeds and HTML metadata: the instant in UTC, the day as
the publisher wrote it, or refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbeam.transforms.sources.dates import parse_published
from tests.support.properties import FAST, THOROUGH

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "instant", "day"),
    [
        ("2025-03-03", None, date(2025, 3, 3)),
        ("2025-03-06T14:00:00-05:00", datetime(2025, 3, 6, 19, 0, tzinfo=UTC), date(2025, 3, 6)),
        ("2025-03-03T06:00:00+07:00", datetime(2025, 3, 2, 23, 0, tzinfo=UTC), date(2025, 3, 3)),
        (
            "2017-02-23T17:18:13-08:00",
            datetime(2017, 2, 24, 1, 18, 13, tzinfo=UTC),
            date(2017, 2, 23),
        ),
        ("2025-03-03T10:00:00Z", datetime(2025, 3, 3, 10, 0, tzinfo=UTC), date(2025, 3, 3)),
        ("2025-03-03 10:00", datetime(2025, 3, 3, 10, 0, tzinfo=UTC), date(2025, 3, 3)),
        (
            "Mon, 03 Mar 2025 22:30:00 +0100",
            datetime(2025, 3, 3, 21, 30, tzinfo=UTC),
            date(2025, 3, 3),
        ),
        (
            "Mon, 03 Mar 2025 22:30:00 -0300",
            datetime(2025, 3, 4, 1, 30, tzinfo=UTC),
            date(2025, 3, 3),
        ),
        (
            datetime(2025, 3, 3, 22, 30, tzinfo=timezone(timedelta(hours=-3))),
            datetime(2025, 3, 4, 1, 30, tzinfo=UTC),
            date(2025, 3, 3),
        ),
    ],
)
def test_the_instant_is_in_utc_and_the_day_is_the_publisher_s(value, instant, day):
    """ "22:30 -0300" on the 3rd was the 4th in UTC; the publisher, and its readers, dated
    it the 3rd."""
    parsed = parse_published(value, now=NOW)
    assert parsed is not None
    assert parsed.published_at == instant
    assert parsed.day == day


@pytest.mark.parametrize(
    "value", ["2020-13-45", "yesterday", "", "   ", None, 42, "1850-01-01", "2031-01-01"]
)
def test_unparseable_or_implausible_dates_are_none(value):
    assert parse_published(value, now=NOW) is None


# --- properties ----------------------------------------------------------------------------

_number = st.integers(min_value=0, max_value=99) | st.integers(min_value=0, max_value=10**25)


_zone = st.sampled_from(["", " GMT", " EST", " PDT", " Z", " +0530", " -0100", " +9999", " XYZ"])


_rfc_date = st.builds(
    "{}, {} {} {} {}:{}:{}{}".format,
    st.sampled_from(["Mon", "Sun", "Xyz"]),
    _number,
    st.sampled_from(["Jan", "Dec", "Mär", "foo"]),
    _number | st.sampled_from([1, 9999, 10000]),
    _number,
    _number,
    _number,
    _zone,
)


_iso_date = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:00{}".format,
    st.sampled_from([1, 2, 1899, 1900, 2025, 9998, 9999]),
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=0, max_value=32),
    st.integers(min_value=0, max_value=24),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["", "Z", "z", "+01:00", "-01:00", "+23:59", "-23:59", "+24:00"]),
)


_date_text = st.one_of(st.text(), _rfc_date, _iso_date)


@THOROUGH
@given(_date_text)
def test_parse_published_never_raises(value: str) -> None:
    """Dates come from headers, feeds and HTML metadata: garbage gives None, not an error."""
    parsed = parse_published(value, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert parsed is None or isinstance(parsed.day, date)


_offsets = st.sampled_from([None, UTC]) | st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
).map(timezone)


@FAST
@given(
    st.one_of(
        st.datetimes(max_value=datetime(1, 1, 2), timezones=_offsets),
        st.datetimes(min_value=datetime(9999, 12, 30), timezones=_offsets),
        st.datetimes(timezones=_offsets),
    )
)
def test_parse_published_survives_extreme_instants(when: datetime) -> None:
    """Year 1 or 9999 with an offset cannot be moved to UTC; that is implausible, not a crash."""
    now = datetime(2030, 1, 1, tzinfo=UTC)
    for value in (when, when.isoformat()):
        parsed = parse_published(value, now=now)
        assert parsed is None or datetime(
            1900, 1, 1, tzinfo=UTC
        ) <= parsed.published_at <= now + timedelta(days=2)
