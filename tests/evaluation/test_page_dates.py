"""Page dates on real pages against the dates their publishers' metadata states.

Gold: goose3's fixtures (`publish_date`) and Mozilla Readability's test pages
(`publishedTime`, non-null only) from ../shared/data. The day compared is the day as
written (the publisher's local day: "2014-11-23T16:00:00+04:00" is 23 November).
Undated pages: `tests/data/page_dates/readability_labels.jsonl` labels 60 Readability pages
without `publishedTime` by hand, 28 of them undated; none may get a date.
A second set, `tests/data/page_dates/` (its README says how it was made), labels 90 pages
of ../shared/data/articles_scrapinghub_aeb by hand, from metadata and visible bylines.
"""

from __future__ import annotations

import gzip
import json

import lxml.html
import pytest

from newsbeam.transforms.sources.dates import parse_published
from newsbeam.transforms.sources.html_pages import extract_page
from newsbeam.transforms.sources.page_dates import page_date
from newsbeam.transforms.sources.written_dates import parse_written_date
from tests.support.paths import SHARED_DATA, TEST_DATA

FLOOR_RIGHT = 42  # measured 43 of 45 on 2026-12-07 (42 before the publisher's offset was kept)
# Measured 88 of 90 on 2026-12-05 (78 before dates in bylines were read; missed: a Korean
# date only in an attribute, a byline whose element names no date); 89 on 2026-12-07 with
# a hidden field named as the published date, 90 with Korean datelines ("기사입력").
FLOOR_LABELLED_RIGHT = 87
needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.exists(), reason=f"the shared real data is absent ({SHARED_DATA})"
)
LABELLED = TEST_DATA / "page_dates" / "labels.jsonl"
# Readability's pages without publishedTime, labelled by hand: 28 state no date, 32 do.
# Measured 2026-12-05: no date invented for the 28; 20 of the 32 found; 25 on 2026-12-06
# with meta names in any case, `<abbr itemprop title>`, ISO days in bylines and "Posted by
# ... on" (the misses find nothing: a date only in a title, in month-first metadata); 26
# on 2026-12-07 with unambiguous numeric days ("05/29/2007").
UNDATED_LABELLED = LABELLED.with_name("readability_labels.jsonl")
FLOOR_UNDATED_SET_DATED_RIGHT = 25


def local_day(value: str | None):
    if not value:
        return None
    parsed = parse_published(value[:10]) or parse_published(value)
    if parsed is not None:
        return parsed.day
    written = parse_written_date(value)
    return written if written is None or not hasattr(written, "date") else written.date()


def gold_pages():
    goose = SHARED_DATA / "articles_goose3_fixtures"
    for path in sorted(goose.glob("*/*.json")):
        case = json.loads(path.read_text())
        expected = case.get("expected", {}).get("publish_date")
        html = path.with_suffix(".html.gz")
        if expected and html.exists():
            yield path.name, gzip.decompress(html.read_bytes()), case.get("url"), expected
    readability = SHARED_DATA / "articles_mozilla_readability" / "test-pages"
    for folder in sorted(readability.glob("*")):
        meta = folder / "expected-metadata.json"
        if meta.exists() and json.loads(meta.read_text()).get("publishedTime"):
            source = gzip.decompress((folder / "source.html.gz").read_bytes())
            yield folder.name, source, None, json.loads(meta.read_text())["publishedTime"]


@needs_shared_data
def test_dated_real_pages_get_their_stated_day():
    pages = list(gold_pages())
    right, wrong = 0, []
    for name, html, url, expected in pages:
        page = extract_page(html, url=url)
        if page is None:  # goose3's date fixtures are heads without text: the rules alone
            found = page_date(lxml.html.fromstring(html), url)
            published = found.value if found else None
        else:
            published = page.published
        got = local_day(published)
        if got == local_day(expected):
            right += 1
        else:
            wrong.append((name, expected, published))
    print(f"\npage dates right: {right}/{len(pages)}; wrong: {wrong}")
    assert right >= FLOOR_RIGHT


@needs_shared_data
def test_hand_labelled_real_pages_get_their_stated_day():
    folder = SHARED_DATA / "articles_scrapinghub_aeb"
    urls = {
        key: value["url"]
        for key, value in json.loads((folder / "ground-truth.json").read_text()).items()
    }
    labels = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    right, wrong = 0, []
    for label in labels:
        html = gzip.decompress((folder / "html" / f"{label['page']}.html.gz").read_bytes())
        page = extract_page(html, url=urls[label["page"]])
        got = local_day(page.published if page else None)
        days = {label["date"], *label.get("also", [])}
        if (got.isoformat() if got else None) in days:
            right += 1
        else:
            wrong.append((label["page"][:8], label["date"], page.published if page else None))
    print(f"\nlabelled page dates right: {right}/{len(labels)}; wrong: {wrong}")
    assert right >= FLOOR_LABELLED_RIGHT


@needs_shared_data
def test_pages_that_state_no_date_get_none_and_dated_ones_their_day():
    folder = SHARED_DATA / "articles_mozilla_readability" / "test-pages"
    labels = [json.loads(line) for line in UNDATED_LABELLED.read_text("utf-8").splitlines()]
    invented, right, wrong = [], 0, []
    for label in labels:
        html = gzip.decompress((folder / label["page"] / "source.html.gz").read_bytes())
        page = extract_page(html, url=None)
        got = local_day(page.published if page else None)
        found = got.isoformat() if got else None
        if label["date"] is None:
            if found is not None:
                invented.append((label["page"], found))
        elif found in {label["date"], *label.get("also", [])}:
            right += 1
        else:
            wrong.append((label["page"], label["date"], found))
    dated = sum(label["date"] is not None for label in labels)
    print(f"\nundated pages given a date: {invented}; dated right {right}/{dated}: {wrong}")
    assert not invented, f"dates invented for pages that state none: {invented}"
    assert right >= FLOOR_UNDATED_SET_DATED_RIGHT


def _trafilatura_day(html: bytes, url: str | None):
    """The day trafilatura alone finds (its metadata's date, htmldate's search)."""
    import trafilatura

    metadata = trafilatura.extract_metadata(html.decode("utf-8", "replace"), default_url=url)
    return local_day(metadata.date if metadata else None)


def _newsbeam_day(html: bytes, url: str | None):
    page = extract_page(html, url=url)
    if page is None:  # a head without text: the rules alone, as above
        found = page_date(lxml.html.fromstring(html), url)
        return local_day(found.value if found else None)
    return local_day(page.published)


@needs_shared_data
def test_dates_are_right_as_often_as_trafilatura_s_and_never_invented():
    """The issue's yardstick: over the three sets above, newsbeam's day is right at least
    as often as trafilatura's own (htmldate's), and no undated page gets one."""
    cases = [(html, url, {local_day(expected)}) for _n, html, url, expected in gold_pages()]
    folder = SHARED_DATA / "articles_scrapinghub_aeb"
    urls = {
        key: value["url"]
        for key, value in json.loads((folder / "ground-truth.json").read_text()).items()
    }
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        html = gzip.decompress((folder / "html" / f"{label['page']}.html.gz").read_bytes())
        days = {label["date"], *label.get("also", [])}
        cases.append((html, urls[label["page"]], {local_day(day) for day in days}))
    readability = SHARED_DATA / "articles_mozilla_readability" / "test-pages"
    for line in UNDATED_LABELLED.read_text("utf-8").splitlines():
        label = json.loads(line)
        html = gzip.decompress((readability / label["page"] / "source.html.gz").read_bytes())
        days = {label["date"], *label.get("also", [])} - {None}
        cases.append((html, None, {local_day(day) for day in days} or {None}))
    ours = sum(_newsbeam_day(html, url) in days for html, url, days in cases)
    theirs = sum(_trafilatura_day(html, url) in days for html, url, days in cases)
    print(f"\npage dates right: newsbeam {ours}, trafilatura {theirs}, of {len(cases)}")
    assert ours >= theirs
