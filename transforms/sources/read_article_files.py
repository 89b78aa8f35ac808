"""`ReadArticleFiles`: files, directories and globs to raw article records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from newsbeam.transforms.records import REJECTS_TAG, Stage, Tagged, reject
from newsbeam.transforms.sources.archive_filter import ArchiveFilter
from newsbeam.transforms.sources.article_files import ARTICLE, format_of, parse_article_file
from newsbeam.transforms.sources.bounded_read import (
    DECOMPRESSION_ERRORS,
    open_input,
    read_at_most,
)
from newsbeam.transforms.sources.input_listing import NOT_A_REGULAR_FILE, Skipped
from newsbeam.transforms.sources.local_files import NotARegularFileError
from newsbeam.transforms.sources.warc_records import SKIPPED, warc_records
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["SKIPPED_TAG", "ReadArticleFiles", "reading_units"]

_ARCHIVE_SUFFIXES = (".warc", ".warc.gz")

SKIPPED_TAG = "skipped"
"""Why each archive record that is no input was skipped (a request, a redirect, an image,
a host not included): counted into the runs row's `stages`, never an input."""


class _ReadFileFn(beam.DoFn):
    """Opens one file (decompressing .gz/.bz2/.zst) and parses its articles."""

    def __init__(
        self, max_file_bytes: int, max_page_bytes: int, keep: ArchiveFilter | None
    ) -> None:
        self._max_file_bytes = max_file_bytes
        self._max_page_bytes = max_page_bytes
        self._keep = keep
        self._files = Metrics.counter("newsbeam", "files_read")
        self._skipped = Metrics.counter("newsbeam", "archive_records_skipped")
        self._articles = Metrics.counter("newsbeam", "articles_read")
        self._rejected = Metrics.counter("newsbeam", "rejected_read")

    def process(self, unit: tuple[str, int, int | None]) -> Iterable:
        path, start, end = unit
        ingested_at = datetime.now(UTC)
        if start == 0:
            self._files.inc()
        if format_of(path) == "warc":
            yield from self._archive(path, start, end, ingested_at)
            return
        try:
            data = read_at_most(path, self._max_file_bytes)
        except NotARegularFileError as error:  # swapped for a FIFO since it was listed
            self._rejected.inc()
            row = reject(path, Stage.READ, NOT_A_REGULAR_FILE, str(error), ingested_at)
            yield Tagged(REJECTS_TAG, row)
            return
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

    def _archive(self, path: str, start: int, end: int | None, ingested_at: datetime):
        """The records of a WARC file that start in [start, end), streamed one by one (no
        --max-file-bytes: it is an archive of pages, each bounded by --max-page-bytes)."""
        if not path.lower().endswith(_ARCHIVE_SUFFIXES):
            if start == 0:  # one reject for the file, from its first range
                self._rejected.inc()
                detail = "web archives are read plain or gzipped (.warc, .warc.gz)"
                row = reject(path, Stage.READ, "unsupported_format", detail, ingested_at)
                yield Tagged(REJECTS_TAG, row)
            return
        try:
            stream = open_input(path)
        except (NotARegularFileError, OSError) as error:
            if start == 0:  # one reject for the file, from its first range
                self._rejected.inc()
                reason = (
                    NOT_A_REGULAR_FILE if isinstance(error, NotARegularFileError) else "unreadable"
                )
                row = reject(path, Stage.READ, reason, str(error), ingested_at)
                yield Tagged(REJECTS_TAG, row)
            return
        with stream:
            records = warc_records(
                stream, path, ingested_at, self._max_page_bytes, self._keep, start, end
            )
            for kind, value in records:
                if kind == ARTICLE:
                    self._articles.inc()
                    yield value
                elif kind == SKIPPED:
                    self._skipped.inc()
                    yield Tagged(SKIPPED_TAG, value)
                else:
                    reason, detail, input_ref = value
                    self._rejected.inc()
                    yield Tagged(
                        REJECTS_TAG, reject(input_ref, Stage.READ, reason, detail, ingested_at)
                    )


def reading_units(path: str, split_bytes: int) -> list[tuple[str, int, int | None]]:
    """(path, start, end) ranges one reader each: a WARC file larger than `split_bytes` in
    ranges of that size (`warc_records` reads the records that start in each), any other
    file whole (`(path, 0, None)`). Sized where it runs, so a listing stays cheap."""
    if not split_bytes or not path.lower().endswith(_ARCHIVE_SUFFIXES):
        return [(path, 0, None)]
    try:
        size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
    except Exception:  # noqa: BLE001 - gone or unreadable: its reader says why
        return [(path, 0, None)]
    starts = range(0, size, split_bytes)
    return [
        (path, start, start + split_bytes if start + split_bytes < size else None)
        for start in starts
    ] or [(path, 0, None)]


def _skipped_row(entry: Skipped):
    """An entry of the input tree that was not read: its `read` reject, counted as an input."""
    return reject(entry.path, Stage.READ, entry.reason, entry.detail, datetime.now(UTC))


class ReadArticleFiles(beam.PTransform):
    """PBegin -> raw article dicts (bounded), plus a `rejects` output.

    Input: file paths listed before the job starts, and the entries skipped when they were
    listed (see `newsbeam.transforms.sources.input_listing`), each of which becomes a
    reject. Output records carry `input`, `url`, `source`, `title`, `text`, `authors`,
    `tags`, `feed_url`, `text_source`, `published_at`, `date`, `date_source`,
    `ingested_at`. Reject reasons: not_a_regular_file, dangling_symlink,
    symlink_outside_input, unreadable_directory (from the listing), unreadable,
    file_too_large, unsupported_format, empty_file, undecodable, invalid_json,
    invalid_record, no_text, unparseable_html, no_main_text, and for WARC records
    page_too_large, warc_truncated, warc_unreadable.

    WARC files (`.warc`, `.warc.gz`) are read record by record
    (`newsbeam.transforms.sources.warc_records`); the records that are no input leave as
    the `skipped` output (their reasons), for the runs row. `keep` says which archived
    pages to read (hosts, URLs, languages). A WARC file larger than `split_bytes` is read in
    ranges of that size, spread over the workers, with the same records as one reader.
    """

    def __init__(
        self,
        paths: Sequence[str],
        max_file_bytes: int = 20_000_000,
        skipped: Sequence[Skipped] = (),
        max_page_bytes: int = 5_000_000,
        keep: ArchiveFilter | None = None,
        split_bytes: int = 64 * 2**20,
    ) -> None:
        super().__init__()
        if not paths and not skipped:
            raise ValueError("ReadArticleFiles needs at least one file path")
        self._paths = list(paths)
        self._skipped = list(skipped)
        self._max_file_bytes = max_file_bytes
        self._max_page_bytes = max_page_bytes
        self._keep = keep
        self._split_bytes = split_bytes

    def expand(self, pbegin):
        read = (
            pbegin
            | "ListFiles" >> beam.Create(self._paths)
            | "SplitArchives" >> beam.FlatMap(reading_units, self._split_bytes)
            | "SpreadFiles" >> beam.Reshuffle()
            | "ParseFiles"
            >> beam.ParDo(_ReadFileFn(self._max_file_bytes, self._max_page_bytes, self._keep))
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, SKIPPED_TAG, main="articles")
        )
        if not self._skipped:
            return read
        skipped = (
            pbegin
            | "ListSkipped" >> beam.Create(self._skipped)
            | "SkippedRejects" >> beam.Map(_skipped_row)
        )
        read[REJECTS_TAG] = (read.rejects, skipped) | "AllReadRejects" >> beam.Flatten()
        return read
