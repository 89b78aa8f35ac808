"""Publication dates from the many ways sources write them, normalised to UTC."""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

__all__ = ["ParsedDate", "parse_published", "plausible"]

_DATE_ONLY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


class ParsedDate(NamedTuple):
    """A date-only value has a day but no instant: `published_at` is then None."""

    published_at: datetime | None
    day: date


def plausible(when: datetime, now: datetime | None = None) -> bool:
    """Rejects dates no news article can have: before 1900 or more than two days ahead."""
    now = now or datetime.now(UTC)
    return _EARLIEST <= when <= now + timedelta(days=2)


def parse_published(value: object, now: datetime | None = None) -> ParsedDate | None:
    """Parses ISO 8601, RFC 2822 and plain `YYYY-MM-DD` values; naive times are taken as UTC.

    Returns None for anything unparseable or implausible, so callers fall back to the
    ingestion date and say so in `date_source`.
    """
    if isinstance(value, datetime):
        when = _in_utc(value)
        return ParsedDate(when, when.date()) if when is not None and plausible(when, now) else None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    match = _DATE_ONLY.match(text)
    if match:
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return ParsedDate(None, day) if plausible(midnight, now) else None
    when = _parse_instant(text)
    if when is None or not plausible(when, now):
        return None
    return ParsedDate(when, when.date())


def _parse_instant(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return _in_utc(when) if when is not None else None


def _in_utc(when: datetime) -> datetime | None:
    """None where UTC falls outside the calendar: year 1 east of Greenwich, 9999 west."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:
        return None
