"""Each rule of `page_dates`: a page's date only from what the page states, published first."""

from __future__ import annotations

import lxml.html
import pytest

from newsbeam.transforms.sources.html_pages import extract_page
from newsbeam.transforms.sources.page_dates import PageDate, page_date

BODY = "<p>" + "The council met on Tuesday and voted on the harbour plan. " * 8 + "</p>"


def page(head: str = "", body: str = BODY) -> str:
    return f"<html><head><title>Harbour plan</title>{head}</head><body><article>{body}</article></body></html>"


def dated(html: str, url: str | None = None) -> PageDate | None:
    return page_date(lxml.html.fromstring(html), url)


def test_jsonld_date_published_wins_over_article_modified_time():
    """Repro: datePublished 2020-07-10 with a 2025 article:modified_time gave 2025."""
    html = page(
        '<meta property="article:modified_time" content="2025-02-01T09:00:00Z">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2020-07-10T08:00:00+02:00", "dateModified": "2025-02-01"}</script>'
    )
    assert dated(html) == PageDate("2020-07-10T08:00:00+02:00", "html_metadata")
    assert extract_page(html).published.startswith("2020-07-10")


def test_the_publisher_s_offset_is_kept_where_utc_states_the_same_instant():
    """Repro: JSON-LD's 2017-02-24T01:18:13Z beside article:published_time
    2017-02-23T17:18:13-08:00 (a real page) put the article on the 24th."""
    utc = '<script type="application/ld+json">{"dateCreated": "2017-02-24T01:18:13Z"}</script>'
    local = '<meta property="article:published_time" content="2017-02-23T17:18:13-08:00">'
    assert dated(page(utc + local)).value == "2017-02-23T17:18:13-08:00"
    # Another instant in the publisher's offset is another date: the precedence stands.
    other = local.replace("17:18:13", "18:18:13")
    assert dated(page(utc + other)).value == "2017-02-24T01:18:13Z"


def test_unix_seconds_are_read_in_utc_whatever_the_machine_s_zone(monkeypatch):
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    import time

    time.tzset()
    try:
        html = page('<meta property="article:published_time" content="1487900000">')
        assert dated(html).value == "2017-02-24T01:33:20+00:00"
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    "jsonld",
    [
        '{"@graph": [{"@type": "WebPage"}, {"@type": "Article", "datePublished": "2020-07-10"}]}',
        '[{"@type": "Organization"}, {"@type": "NewsArticle", "datePublished": "2020-07-10"}]',
        '{"@type": "NewsArticle", "dateCreated": "2020-07-10"}',
        '{"@type": "NewsArticle", "datePublished": ["2020-07-10", "2020-07-11"]}',
    ],
)
def test_jsonld_graph_lists_and_date_created(jsonld):
    html = page(f'<script type="application/ld+json">{jsonld}</script>')
    assert dated(html) == PageDate("2020-07-10", "html_metadata")


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2020-07-10T10:00:00Z">',
        '<meta property="og:published_time" content="2020-07-10T10:00:00Z">',
        '<meta itemprop="datePublished" content="2020-07-10T10:00:00Z">',
        '<meta name="DC.date.issued" content="2020-07-10T10:00:00Z">',
        '<meta name="parsely-pub-date" content="2020-07-10T10:00:00Z">',
        '<meta name="sailthru.date" content="2020-07-10T10:00:00Z">',
        '<meta name="parsely-page" content=\'{"pub_date": "2020-07-10T10:00:00Z"}\'>',
        # Names as pages write them, in any case (an IETF draft, Dropbox's blog).
        '<meta name="DC.Date.Issued" content="2020-07-10">',
        '<meta name="publishDate" content="2020-07-10 12:00:00.000-0600">',
    ],
)
def test_published_meta_and_its_equivalents(head):
    assert dated(page(head)).value.startswith("2020-07-10")


def test_time_pubdate_element():
    html = page(body='<time pubdate datetime="2020-07-10T10:00:00Z">10 July</time>' + BODY)
    assert dated(html) == PageDate("2020-07-10T10:00:00Z", "html_metadata")


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/2020/07/10/harbour-plan",
        "https://news.example/world/2020-07-10/harbour-plan.html",
        "https://news.example/story/20200710/harbour",
    ],
)
def test_date_in_the_url_path(url):
    assert dated(page(), url) == PageDate("2020-07-10", "url")


def test_a_syndicated_copy_is_dated_by_its_canonical_link():
    """MSN's copy of a CNN story (a real page): its own URL has no date, its canonical link
    names the original, /2019/11/18/; it was dated by ingestion."""
    canonical = '<link rel="canonical" href="https://www.cnn.com/2019/11/18/health/duvet/">'
    msn = "https://www.msn.com/en-us/health/the-man-whose-duvet/ar-BBWXwNX"
    assert dated(page(canonical), msn) == PageDate("2019-11-18", "url")
    assert dated(page(canonical)) == PageDate("2019-11-18", "url")
    # The page's own URL first.
    assert dated(page(canonical), "https://x.test/2020/07/10/a") == PageDate("2020-07-10", "url")


def test_numbers_in_the_url_that_are_no_date_are_ignored():
    assert dated(page(), "https://news.example/story/2020/13/45/x") is None
    assert dated(page(), "https://news.example/?from=2020/07/10") is None


@pytest.mark.parametrize(
    "line",
    [
        "Published 10 July 2020",
        "Posted on July 10, 2020 at 5:30 pm",
        "Publicado em 10 de julho de 2020",
        "Posted by kovarex, TOGos, Ernestas, Albert on 2020-07-10, all posts",
    ],
)
def test_visible_dateline(line):
    html = page(body=f'<p class="byline">By Ana Lima. {line}</p>' + BODY)
    assert dated(html) == PageDate("2020-07-10", "dateline")


def test_microdata_on_an_abbr_and_an_iso_day_in_a_marked_element():
    """Old Blogger's `<abbr itemprop="datePublished" title=...>`; Archive of Our Own's
    `<dt class="published">Published:</dt><dd class="published">2020-07-10</dd>`."""
    abbr = '<abbr itemprop="datePublished" title="2020-07-10T06:33:00-08:00">July 10</abbr>'
    assert dated(page(body=abbr + BODY)).value == "2020-07-10T06:33:00-08:00"
    stats = '<h1>A work</h1><dl><dt class="published">Published:</dt>'
    stats += '<dd class="published">2020-07-10</dd></dl>'
    assert dated(page(body=stats + BODY)) == PageDate("2020-07-10", "dateline")


@pytest.mark.parametrize(
    ("body", "head", "expected"),
    [
        # The written date before an ISO day that is another's; a day inside a path.
        ('<p class="date">March 3, 2020 (event 2021-01-05)</p>', "", "2020-03-03"),
        ("<p>Posted on /uploads/2019-02-15-img.jpg</p>", "", None),
        # An update is no publication; a server's http-equiv Date is neither.
        ("<p>Posted by admin, last updated on 2021-05-06</p>", "", None),
        ("<p>Published 10 July 2020, updated 11 July 2020</p>", "", "2020-07-10"),
        ("", '<meta http-equiv="Date" content="Tue, 05 Mar 2024 10:00:00 GMT">', None),
    ],
)
def test_dates_the_page_does_not_state_as_its_publication_are_not_taken(body, head, expected):
    found = dated(page(head, "<h1>Harbour plan</h1>" + body + BODY))
    assert (found.value[:10] if found else None) == expected


def test_modified_date_only_when_no_published_date():
    html = page('<meta property="article:modified_time" content="2025-02-01T09:00:00Z">')
    assert dated(html) == PageDate("2025-02-01T09:00:00Z", "html_metadata")


def test_undated_page_gets_no_date_even_with_date_like_numbers():
    """Repro: pages with no date got 2024-01-01 and 2024-01-03 from htmldate's guessing."""
    body = (
        "<p>Copyright 2024. The 2024-01-01 tariff schedule and the 01/03/2024 notice are "
        "cited below.</p>" + BODY + "<footer>© 2024 News Example, updated 2024-01-03</footer>"
    )
    html = page(body=body)
    assert dated(html) is None
    assert extract_page(html).published is None


def test_unparseable_metadata_is_skipped_for_the_next_rule():
    html = page('<meta property="article:published_time" content="soon">')
    assert dated(html, "https://news.example/2020/07/10/x") == PageDate("2020-07-10", "url")


def test_a_byline_element_after_the_headline_dates_the_page():
    body = (
        "<h1>Nadal keeps Spain alive</h1><div class='byline'>Associated Press "
        "<span class='article-publish-date'>November 19, 2019, 9:02 AM</span></div>" + BODY
    )
    assert dated(page(body=body)) == PageDate("2019-11-19", "dateline")


def test_a_marked_time_element_gives_its_datetime_attribute():
    body = (
        "<h1>Headline</h1><abbr class='published' title='2019-11-18 17:19:53 GMT'>"
        "<time datetime='2019-11-18T17:19:53Z'>Nov 18, 2019 @17:19 PM</time></abbr>" + BODY
    )
    assert dated(page(body=body)) == PageDate("2019-11-18T17:19:53Z", "dateline")


def test_a_header_date_a_reference_s_access_date_and_an_update_date_are_no_dateline():
    body = (
        "<div class='header-date'>Tuesday, March 3, 2026</div><h1>Headline</h1>"
        + BODY
        + "<span class='post-date'>Updated March 2, 2026</span>"
        + "<span class='reference-accessdate'>. Retrieved 1 May 2016</span>"
    )
    assert dated(page(body=body)) is None


@pytest.mark.parametrize(
    "content, day",
    [
        ("05/29/2007 09:49:00", "2007-05-29"),  # eHow: month first, the 29th
        ("29.05.2007", "2007-05-29"),  # day first
        ("05/06/2007", None),  # May or June: not read
        ("02/30/2007", None),  # no such day
    ],
)
def test_a_day_in_numbers_is_read_only_where_it_cannot_be_misread(content, day):
    found = dated(page(f'<meta name="publishdate" content="{content}">'))
    assert (found.value[:10] if found else None) == day


def test_a_hidden_field_named_as_the_published_date_dates_the_page_not_its_modified_twin():
    """ScienceAlert: `<input type="hidden" class="modified_date">` then `published_date`."""
    fields = (
        '<input class="modified_date" type="hidden" value="2019-11-20 10:00:00">'
        '<input class="published_date" type="hidden" value="2019-11-18 23:41:18">'
    )
    found = dated(page(body="<h1>Europa plumes</h1>" + fields + BODY))
    assert found == PageDate("2019-11-18 23:41:18", "dateline")


@pytest.mark.parametrize(
    "byline, day",
    [
        ("기사입력 :[ 2018-08-25 15:24 ]", "2018-08-25"),  # Entermedia
        ("기사입력 2019.03.04 17:23", "2019-03-04"),
        ("投稿日：2020/07/10", "2020-07-10"),
        ("发布时间：2020-07-10 08:00", "2020-07-10"),
    ],
)
def test_a_cjk_dateline_dates_the_page(byline, day):
    found = dated(page(body=f"<h1>제목</h1><p>{byline}</p>" + BODY))
    assert found == PageDate(day, "dateline")


@pytest.mark.parametrize(
    "body",
    [
        # A search form's date picker and a filter: fields, not the page's date.
        '<form><input class="datepicker" value="2020-01-15"><input class="date-from"'
        ' value="01/15/2020"></form>',
        '<input type="hidden" class="validate" value="1585000000">',
        "<p>Posted in PyCharm 2019.3.1 and later builds</p>",  # a version, not a day
        "<p>댓글 입력 2020.01.05</p>",  # "enter a comment", not "posted"
        '<p><span class="bday dtstart published updated">1998-02-28</span></p>',  # hCard
        '<ul><li class="modified-date"><time class="updated">Oct 5, 2018</time></li></ul>',
    ],
)
def test_fields_versions_form_labels_and_other_dates_never_date_an_undated_page(body):
    assert dated(page(body="<h1>Harbour plan</h1>" + body + BODY)) is None


def test_an_hatom_date_that_is_published_and_updated_dates_the_page():
    body = '<h1>Harbour</h1><abbr class="published updated">August 13, 2010</abbr>'
    assert dated(page(body=body + BODY)).value.startswith("2010-08-13")
