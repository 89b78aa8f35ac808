"""`warc_records`: each HTML response of a WARC file is one input, named by its offset;
every other record is skipped with its reason; a record cut short is a reject."""

from __future__ import annotations

import gzip
import io
from datetime import UTC, datetime

from warcio.archiveiterator import ArchiveIterator

from newsbeam.transforms.sources.archive_filter import ArchiveFilter
from newsbeam.transforms.sources.article_files import ARTICLE, REJECT
from newsbeam.transforms.sources.warc_records import SKIPPED, next_record_start, warc_records
from tests.support.warc_files import Record, page, write_warc

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
BODY = " ".join(
    "The port authority said on Monday that container traffic rose for a third month, "
    "as shipping lines returned to routes they had left during the strike.".split()
)


def _html(title: str, dated: bool = False) -> str:
    meta = (
        '<meta property="article:published_time" content="2024-05-01T10:00:00Z">' if dated else ""
    )
    paragraphs = "".join(f"<p>{BODY} {title} paragraph {n}.</p>" for n in range(4))
    return f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"


def _read(path, **options) -> list[tuple[str, object]]:
    with open(path, "rb") as handle:
        return list(
            warc_records(handle, str(path), NOW, options.pop("max_page_bytes", 10**6), **options)
        )


def _crawl() -> list[Record]:
    return [
        Record("warcinfo", "", b"software: test-crawler\r\n"),
        Record("request", "https://port.test/news/rise", b"GET /news/rise HTTP/1.1\r\n\r\n"),
        page("https://port.test/news/rise", _html("Traffic rises")),
        Record("metadata", "https://port.test/news/rise", b"fetchTimeMs: 120\r\n"),
        page("https://port.test/news/dated", _html("Dated page", dated=True)),
        Record(
            "response",
            "https://port.test/old",
            status="301 Moved Permanently",
            headers=[("Location", "https://port.test/news/rise")],
        ),
        Record(
            "response",
            "https://port.test/gone",
            b"not here",
            status="404 Not Found",
            headers=[("Content-Type", "text/html")],
        ),
        Record(
            "response",
            "https://port.test/logo.png",
            b"\x89PNG\r\n",
            headers=[("Content-Type", "image/png")],
        ),
    ]


def test_each_html_response_is_an_input_named_by_its_records_offset(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", _crawl())
    found = _read(path)
    articles = [value for kind, value in found if kind == ARTICLE]
    assert [a["url"] for a in articles] == [
        "https://port.test/news/rise",
        "https://port.test/news/dated",
    ]
    # The page without a date takes the record's; the page's own date wins over it.
    assert [(a["date_source"], str(a["date"])) for a in articles] == [
        ("archive", "2024-05-06"),
        ("html_metadata", "2024-05-01"),
    ]
    for article in articles:
        name, offset = article["input"].rsplit("#", 1)
        assert name == str(path)
        with open(path, "rb") as handle:  # the offset is where that record starts
            handle.seek(int(offset))
            record = next(iter(ArchiveIterator(handle)))
            assert record.rec_headers.get_header("WARC-Target-URI") == article["url"]
    skipped = sorted(value for kind, value in found if kind == SKIPPED)
    assert skipped == [
        "warc_http_error",
        "warc_metadata",
        "warc_not_html",
        "warc_redirect",
        "warc_request",
        "warc_warcinfo",
    ]
    assert not [value for kind, value in found if kind == REJECT]


def test_plain_and_gzipped_files_read_alike(tmp_path):
    plain = _read(write_warc(tmp_path / "crawl.warc", _crawl(), gzip=False))
    zipped = _read(write_warc(tmp_path / "crawl.warc.gz", _crawl()))
    assert [kind for kind, _ in plain] == [kind for kind, _ in zipped]


def test_a_record_cut_short_is_a_reject_and_the_records_before_it_are_kept(tmp_path):
    records = [page(f"https://port.test/news/{n}", _html(f"Story {n}")) for n in range(3)]
    for gzipped in (False, True):
        path = write_warc(tmp_path / f"full{gzipped}.warc", records, gzip=gzipped)
        data = path.read_bytes()
        cut = tmp_path / f"cut{gzipped}.warc"
        cut.write_bytes(data[: len(data) - 200])
        found = _read(cut)
        assert [kind for kind, _ in found] == [ARTICLE, ARTICLE, REJECT], gzipped
        reason, detail, input_ref = found[2][1]
        assert reason == "warc_truncated", detail
        assert input_ref == f"{cut}#{_record_starts(path)[2]}"  # where the cut record starts


def test_bytes_that_are_no_warc_stop_the_file_with_a_reject_not_a_crash(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", [page("https://port.test/a", _html("A"))])
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(
        path.read_bytes() + gzip.compress(b"HTTP/1.1 200 OK\r\nnot a warc record\r\n")
    )
    found = _read(broken)
    assert [kind for kind, _ in found] == [ARTICLE, REJECT]
    assert found[1][1][0] == "warc_unreadable"


def test_only_the_hosts_asked_for_are_read_and_the_others_are_skipped_unparsed(tmp_path):
    records = [
        page("https://www.port.test/a", _html("A")),
        page("https://news.port.test/b", _html("B")),
        page("https://elsewhere.test/c", _html("C")),
    ]
    found = _read(
        write_warc(tmp_path / "crawl.warc.gz", records),
        keep=ArchiveFilter(hosts=frozenset({"port.test"})),
    )
    assert [kind for kind, _ in found] == [ARTICLE, ARTICLE, SKIPPED]
    assert found[2][1] == "host_not_included"


def test_a_page_over_the_limit_is_a_reject_and_reading_goes_on(tmp_path):
    records = [
        page("https://port.test/big", _html("Big") * 50),
        page("https://port.test/small", _html("Small")),
    ]
    found = _read(write_warc(tmp_path / "crawl.warc.gz", records), max_page_bytes=5_000)
    assert [kind for kind, _ in found] == [REJECT, ARTICLE]
    assert found[0][1][0] == "page_too_large"


def test_a_stream_that_is_not_a_file_is_read_the_same(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", _crawl())
    streamed = list(warc_records(io.BytesIO(path.read_bytes()), "mem.warc.gz", NOW, 10**6))
    assert [kind for kind, _ in streamed] == [kind for kind, _ in _read(path)]


def _in_ranges(path, size: int) -> list[tuple[str, object]]:
    """The file read in ranges of `size` bytes, one reader each, outputs in order."""
    total = path.stat().st_size
    found = []
    for start in range(0, total, size):
        end = start + size if start + size < total else None
        with open(path, "rb") as handle:
            found += list(warc_records(handle, str(path), NOW, 10**6, start=start, end=end))
    return found


def _crawl_with_faults(tmp_path, gzipped: bool):
    """Twenty pages, a request before each, bytes that are no record after the seventh
    page, and the last page cut short."""
    records = []
    for n in range(20):
        records.append(Record("request", f"https://port.test/{n}", b"GET / HTTP/1.1\r\n\r\n"))
        records.append(page(f"https://port.test/{n}", _html(f"Story {n}")))
    suffix = ".warc.gz" if gzipped else ".warc"
    head = write_warc(tmp_path / f"head{suffix}", records[:14], gzip=gzipped).read_bytes()
    tail = write_warc(tmp_path / f"tail{suffix}", records[14:], gzip=gzipped).read_bytes()
    junk = gzip.compress(b"not a record at all\r\n" * 40) if gzipped else b"garbage " * 300
    path = tmp_path / f"crawl{suffix}"
    path.write_bytes(head + junk + tail[:-150])
    return path


def test_read_in_ranges_a_file_gives_what_it_gives_read_whole(tmp_path):
    for gzipped in (True, False):
        path = _crawl_with_faults(tmp_path, gzipped)
        whole = _read(path)
        kinds = [kind for kind, _ in whole]
        # Seven pages, the junk, twelve pages after it (the reader resumes), the cut page.
        assert kinds.count(ARTICLE) == 19 and kinds.count(REJECT) == 2, (gzipped, kinds)
        reasons = [value[0] for kind, value in whole if kind == REJECT]
        assert reasons == ["warc_unreadable", "warc_truncated"]
        for size in (997, 4096, 20_000, 10**9):
            assert _in_ranges(path, size) == whole, (gzipped, size)


def test_the_next_record_is_found_from_any_byte(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", _crawl())
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        starts = []
        for record in records:
            record.content_stream().read()
            starts.append(records.get_record_offset())
    with open(path, "rb") as handle:
        for before, after in zip(starts, starts[1:] + [None], strict=True):
            assert next_record_start(handle, before) == before
            assert next_record_start(handle, before + 1) == after


GERMAN = (
    "Die Hafenbehörde teilte am Montag mit, dass der Containerverkehr den dritten Monat in "
    "Folge gestiegen sei, da die Reedereien auf die Routen zurückkehrten, die sie während "
    "des Streiks verlassen hatten. Die Zahl der Schiffe lag deutlich über dem Vorjahr."
)


def test_languages_are_kept_by_what_a_page_declares_or_else_by_its_text(tmp_path):
    def page_in(lang: str | None, text: str, url: str) -> Record:
        attribute = f' lang="{lang}"' if lang else ""
        paragraphs = "".join(f"<p>{text} ({n})</p>" for n in range(4))
        return page(url, f"<html{attribute}><body><article>{paragraphs}</article></body></html>")

    records = [
        page_in("de", GERMAN, "https://port.test/de-declared"),
        page_in("en", BODY, "https://port.test/en-declared"),  # left out unparsed
        page_in(None, GERMAN, "https://port.test/de-detected"),
        page_in(None, BODY, "https://port.test/en-detected"),  # parsed, then left out
    ]
    found = _read(
        write_warc(tmp_path / "crawl.warc.gz", records),
        keep=ArchiveFilter(languages=frozenset({"de", "fr"})),
    )
    assert [a["url"] for kind, a in found if kind == ARTICLE] == [
        "https://port.test/de-declared",
        "https://port.test/de-detected",
    ]
    assert [value for kind, value in found if kind == SKIPPED] == ["language_not_included"] * 2


def test_a_url_pattern_keeps_the_pages_it_matches(tmp_path):
    records = [page(f"https://port.test/{path}", _html(path)) for path in ("news/a", "sport/b")]
    found = _read(
        write_warc(tmp_path / "crawl.warc.gz", records), keep=ArchiveFilter(url_pattern=r"/news/")
    )
    assert [kind for kind, _ in found] == [ARTICLE, SKIPPED]
    assert found[1][1] == "url_not_included"


_KNOWN_SKIPS = {
    "warc_request", "warc_metadata", "warc_warcinfo", "warc_redirect", "warc_http_error",
    "warc_not_html", "warc_not_http",
}  # fmt: skip


def test_a_file_cut_at_any_byte_loses_no_record_without_a_reject(tmp_path):
    """Cut after every byte (every 3rd for the plain file): no exception; every record
    before the cut is there, as an article (a page) or a known skip; the record the cut
    falls in is one reject, or, cut after its whole content (in a gzip member's last
    bytes, or the blank line that ends a plain record), read whole. Nothing goes missing."""
    for gzipped, step in ((True, 1), (False, 3)):
        records = [
            Record("warcinfo", "", b"software: test-crawler\r\n"),
            Record("request", "https://port.test/a", b"GET /a HTTP/1.1\r\n\r\n"),
            page("https://port.test/a", _html("Story a")),
            Record("metadata", "https://port.test/a", b"fetchTimeMs: 120\r\n"),
            page("https://port.test/b", _html("Story b")),
        ]
        path = write_warc(tmp_path / f"cut{gzipped}.warc", records, gzip=gzipped)
        data = path.read_bytes()
        starts = _record_starts(path) + [len(data)]
        expected = [ARTICLE if r.kind == "response" else SKIPPED for r in records]
        for cut in range(1, len(data), step):
            found = list(warc_records(io.BytesIO(data[:cut]), "cut.warc", NOW, 10**6))
            whole = sum(1 for n in range(len(records)) if starts[n + 1] <= cut)
            kinds = [kind for kind, _ in found]
            assert kinds[:whole] == expected[:whole], (gzipped, cut, found)
            assert {value for kind, value in found if kind == SKIPPED} <= _KNOWN_SKIPS
            rest = kinds[whole:]
            if cut in starts:  # a cut between records loses nothing
                assert rest == [], (gzipped, cut, found)
            else:  # the record cut: a reject, or read whole when only its end was cut
                assert rest in ([REJECT], [expected[whole]]), (gzipped, cut, found)


def _record_starts(path) -> list[int]:
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        starts = []
        for record in records:
            record.content_stream().read()
            starts.append(records.get_record_offset())
    return starts


def test_a_page_that_quotes_a_warc_header_does_not_start_a_range_of_its_own(tmp_path):
    quoted = "<p>WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 10\r\n\r\nnot a record</p>"
    records = [page(f"https://port.test/{n}", _html(f"Story {n}") + quoted) for n in range(6)]
    path = write_warc(tmp_path / "quoting.warc", records, gzip=False)
    whole = _read(path)
    assert [kind for kind, _ in whole] == [ARTICLE] * 6
    for size in (100, 733, 2048):
        assert _in_ranges(path, size) == whole, size


def test_a_warc_gz_in_one_gzip_stream_is_one_reject_saying_how_to_fix_it(tmp_path):
    plain = write_warc(
        tmp_path / "crawl.warc",
        [page(f"https://port.test/{n}", _html(str(n))) for n in range(3)],
        gzip=False,
    )
    single = tmp_path / "single.warc.gz"
    single.write_bytes(gzip.compress(plain.read_bytes()))
    found = _read(single)
    rejects = [value for kind, value in found if kind == REJECT]
    assert [reason for reason, _detail, _input in rejects] == ["warc_one_gzip_stream"]
    assert "warcio recompress" in rejects[0][1]
    assert _in_ranges(single, 500) == found
