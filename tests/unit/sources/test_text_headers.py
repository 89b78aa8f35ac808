"""The header of a .txt article file (date, title, url, source), split from its body."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsbeam.transforms.sources.dates import parse_published
from newsbeam.transforms.sources.text_headers import split_header
from tests.support.properties import THOROUGH


def test_date_runs_straight_into_the_body_as_in_real_files():
    header, body = split_header(" date 2020-10-19 UN Secretary-General Antonio Guterres said")
    assert header.fields == {"date": "2020-10-19"}
    assert body == "UN Secretary-General Antonio Guterres said"


def test_full_header_on_lines_of_their_own():
    text = (
        "date 2025-03-03\ntitle Drought deepens in Kenya\nurl https://example.test/a?x=1\n"
        "source Example News\n\nFirst paragraph.\n\nSecond."
    )
    header, body = split_header(text)
    assert header.fields == {
        "date": "2025-03-03",
        "title": "Drought deepens in Kenya",
        "url": "https://example.test/a?x=1",
        "source": "Example News",
    }
    assert body == "First paragraph.\n\nSecond."


def test_date_with_time_and_offset_is_one_value():
    header, body = split_header("date 2025-03-03T10:00:00+03:00 Body text")
    assert header.get("date") == "2025-03-03T10:00:00+03:00"
    assert body == "Body text"


@pytest.mark.parametrize(
    "text",
    [
        "Title IX rules were changed on Monday.",
        "Source code of the app was leaked.",
        "date palms are grown across the region.",
        "UN Secretary-General Antonio Guterres said on Sunday.",
    ],
)
def test_a_body_that_looks_like_a_key_is_not_a_header(text):
    header, body = split_header(text)
    assert header.fields == {}
    assert body == text


def test_url_with_spaces_ends_the_header():
    header, body = split_header("date 2025-01-01\nurl not a url at all\n\nBody")
    assert header.fields == {"date": "2025-01-01"}
    assert body.startswith("url not a url")


def test_impossible_date_is_kept_raw_for_the_caller_to_judge():
    header, _ = split_header("date 2020-13-45 Body")
    assert header.get("date") == "2020-13-45"


def test_header_without_body():
    header, body = split_header("date 2025-01-01\ntitle Only a title\n")
    assert header.get("title") == "Only a title"
    assert body == ""


# --- properties ----------------------------------------------------------------------------

_header_text = st.lists(
    st.one_of(
        st.text(max_size=15),
        st.sampled_from(
            [
                "date ",
                "date: ",
                "title ",
                "url ",
                "source: ",
                "2025-03-03",
                "2025-03-03T10:00:00+03:00",
                "0001-01-01T00:00:00+01:00",
                "9999-12-31T23:59:59-01:00",
                "2020-13-45",
                "https://x.test/a",
                "\n",
                "\r\n",
                " ",
                "\t",
                "\ufeff",
            ]
        ),
    ),
    max_size=15,
).map("".join)


@THOROUGH
@given(_header_text)
@example("title x\r\nurl https://a.test/\r\n\r\nBody")  # found: "\r" kept in values
def test_split_header_never_raises_and_the_body_is_the_end_of_the_input(text: str) -> None:
    """The body is what follows the header, untouched apart from surrounding whitespace."""
    header, body = split_header(text)
    assert body == body.strip()
    assert text.rstrip().endswith(body)
    if not header.fields:
        assert body == text.strip()
    for key, value in header.fields.items():
        assert key in {"date", "title", "url", "source"}
        assert value and value in text
        assert "\n" not in value and "\r" not in value


@THOROUGH
@given(_header_text)
@example("date 0001-01-01T00:00:00+01:00 Body")  # found: OverflowError moving it to UTC
def test_a_header_date_is_a_real_date_or_rejected(text: str) -> None:
    """A raw header date is validated by parse_published: a real day, or None, never a crash."""
    header, _ = split_header(text)
    raw = header.get("date")
    if raw is None:
        return
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}\S*", raw)
    parsed = parse_published(raw, now=datetime(2030, 1, 1, tzinfo=UTC))
    if parsed is not None:
        assert isinstance(parsed.day, date)
        assert parsed.day.isoformat()[:4] >= "1900"


_value = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


_header_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2029, 12, 31))


@THOROUGH
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "date": _header_dates.map(date.isoformat),
            "title": _value,
            "url": st.from_regex(r"https://[a-z]{1,10}\.test/[a-z0-9/?=&]{0,20}", fullmatch=True),
            "source": _value,
        },
    ),
    st.permutations(["date", "title", "url", "source"]),
    st.sampled_from(["\n", "\r\n"]),
    st.text(max_size=40),
)
def test_a_written_header_round_trips(
    fields: dict[str, str], order: list[str], newline: str, body: str
) -> None:
    """Whatever header a tool writes (LF or CRLF lines, any order) is read back exactly."""
    keys = [key for key in order if key in fields]
    # A body that starts lowercase could itself read as a key; real bodies start a sentence.
    body = "Body " + body
    text = "".join(f"{key} {fields[key]}{newline}" for key in keys) + newline + body
    header, read_body = split_header(text)
    assert header.fields == fields
    assert read_body == body.strip()
    if "date" in fields:
        later = datetime(2030, 1, 1, tzinfo=UTC)
        assert parse_published(header.get("date"), now=later).day.isoformat() == fields["date"]
