import pytest

from newsbeam.transforms.sources.text_headers import split_header


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
