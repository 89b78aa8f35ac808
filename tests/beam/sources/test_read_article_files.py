"""`ReadArticleFiles`: every file or record an article or a reject, on a real runner."""

from __future__ import annotations

import gzip
import json

import apache_beam as beam
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.transforms.sources.read_article_files import ReadArticleFiles, expand_inputs
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
    paths = expand_inputs([str(tmp_path)]) + [str(tmp_path / "README.md")]

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
