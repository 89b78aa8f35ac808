"""`ReadArticleFiles`: files, directories and globs to raw article records."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from newsbeam.transforms.records import REJECTS_TAG, Stage, Tagged, reject
from newsbeam.transforms.sources.article_files import ARTICLE, format_of, parse_article_file
from newsbeam.transforms.sources.bounded_read import DECOMPRESSION_ERRORS, read_at_most
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["ReadArticleFiles", "expand_inputs"]


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Paths of the article files named by files, directories (walked) and globs.

    A file named explicitly is read whatever it is (an unsupported one becomes a reject);
    in a directory or glob, only article formats are taken, so a README beside the data
    is not an input. An input that names nothing is an error, raised before the job starts.
    """
    found: set[str] = set()
    for item in inputs:
        if FileSystems.get_scheme(item) is None and os.path.isdir(item):
            for root, dirs, files in os.walk(item):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.update(
                    os.path.join(root, f) for f in files if not f.startswith(".") and format_of(f)
                )
            continue
        if FileSystems.get_scheme(item) is None and os.path.isfile(item):
            found.add(item)
            continue
        pattern = item.rstrip("/") + "/**" if item.endswith("/") else item
        matches = [m.path for result in FileSystems.match([pattern]) for m in result.metadata_list]
        if not matches:
            raise ValueError(f"--input {item!r} matches no file")
        found.update(path for path in matches if path == item or format_of(path))
    if not found:
        raise ValueError(f"--input {' '.join(inputs)!r} holds no .txt, .html or .jsonl file")
    return sorted(found)


class _ReadFileFn(beam.DoFn):
    """Opens one file (decompressing .gz/.bz2/.zst) and parses its articles."""

    def __init__(self, max_file_bytes: int) -> None:
        self._max_file_bytes = max_file_bytes
        self._files = Metrics.counter("newsbeam", "files_read")
        self._articles = Metrics.counter("newsbeam", "articles_read")
        self._rejected = Metrics.counter("newsbeam", "rejected_read")

    def process(self, path: str) -> Iterable:
        ingested_at = datetime.now(UTC)
        self._files.inc()
        try:
            data = read_at_most(path, self._max_file_bytes)
        except DECOMPRESSION_ERRORS as error:
            self._rejected.inc()
            yield Tagged(
                REJECTS_TAG, reject(path, Stage.READ, "unreadable", str(error), ingested_at)
            )
            return
        if len(data) > self._max_file_bytes:
            self._rejected.inc()
            detail = f"larger than --max-file-bytes={self._max_file_bytes}"
            yield Tagged(
                REJECTS_TAG, reject(path, Stage.READ, "file_too_large", detail, ingested_at)
            )
            return
        for kind, value in parse_article_file(path, data, ingested_at):
            if kind == ARTICLE:
                self._articles.inc()
                yield value
            else:
                reason, detail, input_ref = value
                self._rejected.inc()
                yield Tagged(
                    REJECTS_TAG, reject(input_ref, Stage.READ, reason, detail, ingested_at)
                )


class ReadArticleFiles(beam.PTransform):
    """PBegin -> raw article dicts (bounded), plus a `rejects` output.

    Input: file paths expanded before the job starts (see `expand_inputs`). Output records
    carry `input`, `url`, `source`, `title`, `text`, `authors`, `tags`, `feed_url`,
    `text_source`, `published_at`, `date`, `date_source`, `ingested_at`. Reject reasons:
    unreadable, file_too_large,
    unsupported_format, empty_file, undecodable, invalid_json, invalid_record, no_text,
    unparseable_html, no_main_text.
    """

    def __init__(self, paths: Sequence[str], max_file_bytes: int = 20_000_000) -> None:
        super().__init__()
        if not paths:
            raise ValueError("ReadArticleFiles needs at least one file path")
        self._paths = list(paths)
        self._max_file_bytes = max_file_bytes

    def expand(self, pbegin):
        return (
            pbegin
            | "ListFiles" >> beam.Create(self._paths)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ParseFiles" >> beam.ParDo(_ReadFileFn(self._max_file_bytes))
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, main="articles")
        )
