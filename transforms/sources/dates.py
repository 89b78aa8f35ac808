"""Publication dates from the many ways sources write them.

Two values come of one: the instant, in UTC (`published_at`, for ordering and intervals),
and the day as the publisher wrote it, in its own time zone (`date`): a page stamped
"2017-02-23T17:18:13-08:00" was published on 23 February, as it says and as its readers
saw it, though it was already the 24th in UTC. A time without an offset is taken as UTC.
"""

from __future__ import annotations

import email.utils
import re
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

__all__ = ["ParsedDate", "parse_instant", "parse_published", "plausible"]

_DATE_ONLY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


class ParsedDate(NamedTuple):
    """The instant in UTC, and the publisher's own day. A date-only value has a day but no
    instant: `published_at` is then None."""

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
        if when is None or not plausible(when, now):
            return None
        return ParsedDate(when, value.date() if value.tzinfo else when.date())
    if isinstance(value, date):  # a day alone: no instant
        midnight = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return ParsedDate(None, value) if plausible(midnight, now) else None
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
    written = parse_instant(text)
    when = _in_utc(written) if written is not None else None
    if when is None or not plausible(when, now):
        return None
    return ParsedDate(when, written.date() if written.tzinfo else when.date())


def parse_instant(text: str) -> datetime | None:
    """An ISO 8601 or RFC 2822 time as written, with its own offset (naive if it has none)."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            return email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None


def _in_utc(when: datetime) -> datetime | None:
    """None where UTC falls outside the calendar: year 1 east of Greenwich, 9999 west."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:
        return None
