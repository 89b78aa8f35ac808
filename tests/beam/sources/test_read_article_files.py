"""`ReadArticleFiles`: every file or record an article or a reject, on a real runner."""

from __future__ import annotations

import gzip
import json
import socket

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.sources.input_listing import Skipped, expand_inputs
from newsbeam.transforms.sources.read_article_files import ReadArticleFiles
from tests.support.builders import STORY


def test_read_article_files_turns_every_file_into_articles_or_rejects(tmp_path, pipeline):
    (tmp_path / "a.txt").write_text(f"date 2025-03-03\ntitle Relief\nsource Example\n\n{STORY}")
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(f" date 2025-03-04 {STORY}".encode()))
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"url": "https://x.test/1", "text": STORY, "published": "2025-03-05T10:00:00Z"})
        + "\n{not json\n"
        + json.dumps({"url": "https://x.test/2"})
        + "\n"
    )
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.txt").write_bytes(f"date 2025-03-06\n\nCaf\xe9 {STORY}".encode("latin-1"))
    (tmp_path / "README.md").write_text("not an input when the directory is walked")
    paths = expand_inputs([str(tmp_path)]).files + [str(tmp_path / "README.md")]

    with pipeline as p:
        read = p | ReadArticleFiles(paths)
        assert_that(
            read.articles
            | beam.Map(
                lambda r: (
                    r["input"].rsplit("/", 1)[1],
                    r["date"].isoformat(),
                    r["date_source"],
                    r["title"],
                )
            ),
            equal_to(
                [
                    ("a.txt", "2025-03-03", "header", "Relief"),
                    ("b.txt.gz", "2025-03-04", "header", None),
                    ("c.jsonl:1", "2025-03-05", "record", None),
                    ("latin1.txt", "2025-03-06", "header", None),
                ]
            ),
            label="articles",
        )
        assert_that(
            read.rejects
            | beam.Map(lambda r: (r["input"].rsplit("/", 1)[1], r["stage"], r["reason"])),
            equal_to(
                [
                    ("c.jsonl:2", "read", "invalid_json"),
                    ("c.jsonl:3", "read", "no_text"),
                    ("binary.txt", "read", "undecodable"),
                    ("empty.txt", "read", "empty_file"),
                    ("README.md", "read", "unsupported_format"),
                ]
            ),
            label="rejects",
        )


def test_read_rejects_files_over_the_size_limit(tmp_path, pipeline):
    big = tmp_path / "big.txt"
    big.write_text(STORY * 50)
    with pipeline as p:
        read = p | ReadArticleFiles([str(big)], max_file_bytes=1000)
        assert_that(read.articles, equal_to([]), label="none")
        assert_that(read.rejects | beam.Map(lambda r: r["reason"]), equal_to(["file_too_large"]))


def test_entries_skipped_when_listed_and_special_files_are_read_rejects(tmp_path, pipeline):
    """A listing's skipped entries become rejects; a path that is no regular file by the
    time it is read (swapped since it was listed) is refused unopened. (A socket here, not a
    FIFO: a regression must fail this test, not hang it.)"""
    (tmp_path / "a.txt").write_text(f"date 2025-03-03\n\n{STORY}")
    swapped = tmp_path / "swapped.txt"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(swapped))
    skipped = [Skipped(str(tmp_path / "gone.txt"), "dangling_symlink", "links to nothing")]
    with pipeline as p:
        read = p | ReadArticleFiles([str(tmp_path / "a.txt"), str(swapped)], skipped=skipped)
        assert_that(
            read.articles | beam.Map(lambda r: r["input"]),
            equal_to([str(tmp_path / "a.txt")]),
            label="articles",
        )
        assert_that(
            read.rejects | beam.Map(lambda r: (r["input"], r["stage"], r["reason"], r["detail"])),
            equal_to(
                [
                    (str(tmp_path / "gone.txt"), "read", "dangling_symlink", "links to nothing"),
                    (str(swapped), "read", "not_a_regular_file", "a socket: not read"),
                ]
            ),
            label="rejects",
        )


def test_web_archives_are_read_in_ranges_with_their_skips_and_other_compressions_refused(
    tmp_path, pipeline
):
    from tests.support.warc_files import Record, page, write_warc

    html = "<html><body><article>" + f"<p>{STORY}</p>" * 3 + "</article></body></html>"
    records = []
    for n in range(8):
        records.append(Record("request", f"https://x.test/{n}", b"GET / HTTP/1.1\r\n\r\n"))
        records.append(page(f"https://x.test/{n}", html.replace("Kenya", f"Kenya {n}")))
    crawl = write_warc(tmp_path / "crawl.warc.gz", records)
    other = tmp_path / "crawl.warc.bz2"
    other.write_bytes(b"BZh9 not read")
    with pipeline as p:
        # Ranges of 1 kB: each record read once, by the range it starts in.
        read = p | ReadArticleFiles([str(crawl), str(other)], split_bytes=1_000)
        assert_that(
            read.articles | beam.Map(lambda r: r["url"]),
            equal_to([f"https://x.test/{n}" for n in range(8)]),
            label="OnePerPage",
        )
        assert_that(read.skipped, equal_to(["warc_request"] * 8), label="RequestsSkipped")
        assert_that(
            read.rejects | beam.Map(lambda r: (r["input"], r["reason"])),
            equal_to([(str(other), "unsupported_format")]),
            label="Bz2Refused",
        )


def test_a_web_archive_that_cannot_be_opened_is_one_reject_not_one_per_range(tmp_path):
    """Each range of an archive opens it on its own: a path swapped for a socket since it
    was listed is refused once, by its first range (two rows of one key would be two
    inputs merged into one, a run that cannot balance)."""
    from newsbeam.transforms.sources.read_article_files import _ReadFileFn

    swapped = tmp_path / "crawl.warc.gz"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(swapped))
    read = _ReadFileFn(max_file_bytes=10**6, max_page_bytes=10**6, keep=None)
    first = list(read.process((str(swapped), 0, 1_000)))
    later = list(read.process((str(swapped), 1_000, 2_000)))
    assert [(row.value["input"], row.value["reason"]) for row in first] == [
        (str(swapped), "not_a_regular_file")
    ]
    assert later == []
