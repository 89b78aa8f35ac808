"""Article files: the format from the name, a .txt header and body, .jsonl records each an
input of its own, and bad files as rejects with a reason."""

import json
from datetime import UTC, date, datetime

import pytest

from newsbeam.transforms.sources.article_files import format_of, parse_article_file, split_authors
from tests.support.paths import SHARED_DATA

NOW = datetime(2025, 3, 10, tzinfo=UTC)
BODY = "Officials in Nairobi said on Monday that the rains had failed for a third season."


def _parse(name, data):
    return list(parse_article_file(name, data, NOW))


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.txt", "txt"),
        ("a/B.HTML", "html"),
        ("x.htm.gz", "html"),
        ("w.jsonl.bz2", "jsonl"),
        ("n.ndjson", "jsonl"),
        ("a.md", None),
        ("noext", None),
        ("a.txt.zip", None),
    ],
)
def test_format_of(name, kind):
    assert format_of(name) == kind


def test_txt_with_header():
    data = f"date 2025-03-03\ntitle T\nurl https://u:p@x.test/a\nsource S\n\n{BODY}".encode()
    ((kind, record),) = _parse("a.txt", data)
    assert kind == "article"
    assert record["url"] == "https://x.test/a"  # credentials never stored
    assert (record["title"], record["source"], record["text"]) == ("T", "S", BODY)
    assert (record["date"], record["date_source"], record["published_at"]) == (
        date(2025, 3, 3),
        "header",
        None,
    )


def test_txt_without_header_or_with_invalid_date_takes_the_ingestion_date():
    ((_, plain),) = _parse("a.txt", BODY.encode())
    ((_, invalid),) = _parse("b.txt", f"date 2025-13-45 {BODY}".encode())
    for record in (plain, invalid):
        assert (record["date"], record["date_source"]) == (NOW.date(), "ingested")
        assert record["text"] == BODY


def test_jsonl_lines_are_inputs_of_their_own():
    lines = [
        json.dumps(
            {
                "url": "https://x.test/1",
                "title": "T",
                "text": BODY,
                "published": "2025-03-03T06:00:00+07:00",
                "source": "W",
            }
        ),
        "",
        json.dumps(
            {
                "html": f"<html><body><article><p>{BODY}</p><p>{BODY}</p></article></body></html>",
                "published": "2025-03-04",
            }
        ),
        "[1, 2]",
        json.dumps({"title": 5, "text": "  "}),
    ]
    parsed = _parse("w.jsonl", "\n".join(lines).encode())
    assert [
        (kind, value["input"] if kind == "article" else value[2]) for kind, value in parsed
    ] == [
        ("article", "w.jsonl:1"),
        ("article", "w.jsonl:3"),
        ("reject", "w.jsonl:4"),
        ("reject", "w.jsonl:5"),
    ]
    first, from_html = parsed[0][1], parsed[1][1]
    assert first["published_at"] == datetime(2025, 3, 2, 23, 0, tzinfo=UTC)
    # The instant in UTC; the day as the record dates it (06:00 at +07:00 is the 3rd there).
    assert first["date"] == date(2025, 3, 3) and first["date_source"] == "record"
    assert from_html["text"].startswith("Officials in Nairobi") and from_html["date"] == date(
        2025, 3, 4
    )
    assert [value[0] for kind, value in parsed[2:]] == ["invalid_record", "no_text"]


def test_a_lone_surrogate_escape_in_jsonl_becomes_a_replacement_character():
    """`\\ud800` alone is valid JSON but no character: it crashed the job where Beam
    encoded the record. A whole pair (an emoji) stays one character."""
    lines = [
        '{"title": "Half \\ud800 pair", "text": "' + BODY + ' broken \\udc00 here"}',
        '{"html": "<html><body><article><p>' + BODY + ' \\ud83d</p></article></body></html>"}',
        '{"text": "' + BODY + ' pair \\ud83d\\ude00 kept"}',
    ]
    parsed = _parse("s.jsonl", "\n".join(lines).encode())
    assert [kind for kind, _value in parsed] == ["article", "article", "article"]
    first, from_html, paired = (value for _kind, value in parsed)
    assert first["title"] == "Half \ufffd pair" and "broken \ufffd here" in first["text"]
    assert "\ufffd" in from_html["text"]
    assert "pair \U0001f600 kept" in paired["text"]
    for article in (first, from_html, paired):
        article["text"].encode("utf-8")  # no surrogate left


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.txt", b"", "empty_file"),
        ("a.txt", b"  \n\n ", "empty_file"),
        ("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "undecodable"),
        ("a.pdf", b"%PDF-1.4", "unsupported_format"),
        ("a.html", b"<html><body></body></html>", "no_main_text"),
    ],
)
def test_bad_files_are_rejects_with_a_reason(name, data, reason):
    ((kind, (got_reason, detail, input_ref)),) = _parse(name, data)
    assert (kind, got_reason, input_ref) == ("reject", reason, name)
    assert detail


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        # What trafilatura returns for SpaceNews' "by Jeff Foust<br>Monday, November 18,
        # 2019" and AppleInsider's two authors above the same kind of date.
        ("Jeff Foust Monday; November", ["Jeff Foust"]),
        ("Mike Wuerthele; Malcolm Owen Monday; November", ["Mike Wuerthele", "Malcolm Owen"]),
        ("Theresa May; Sunday", ["Theresa May"]),
        ("Joe Friday", ["Joe Friday"]),
        ("June Carter; August Wilson", ["June Carter", "August Wilson"]),
        # "Mia Clarke, Apr 14, 2025": an abbreviated month after a name is a date; alone,
        # it may be a name.
        ("Mia Clarke; Apr", ["Mia Clarke"]),
        ("Jan", ["Jan"]),
        (None, []),
    ],
)
def test_a_date_left_in_a_byline_is_no_author(byline, authors):
    assert split_authors(byline) == authors


_SPACENEWS = (
    SHARED_DATA
    / "articles_scrapinghub_aeb/html"
    / "c00962aabe7bdd1fca78f5360ea7fa93cd7674863b05157e00827506a7aa58c4.html.gz"
)


def test_a_real_byline_with_its_date_gives_the_author_alone():
    if not _SPACENEWS.exists():
        pytest.skip(f"the shared real pages are not beside the repo ({_SPACENEWS} is absent)")
    import gzip

    [(kind, record)] = _parse("spacenews.html", gzip.decompress(_SPACENEWS.read_bytes()))
    assert kind == "article" and record["authors"] == ["Jeff Foust"]
