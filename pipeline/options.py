"""`NewsbeamOptions`: every newsbeam flag, with help text and a default that works locally."""

from __future__ import annotations

import argparse
import os
import re

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from newsbeam.transforms.clean.rules import MAX_TITLE_CHARS
from newsbeam.transforms.extract.models import MODEL_NAME, REGION_LEVELS
from newsbeam.transforms.sources.archive_filter import ArchiveFilter
from newsbeam.transforms.sources.feed_config import FEED_EXTENSIONS, FeedConfig, load_feeds_file
from newsbeam.transforms.sources.http import FETCH_PAGES, HttpPolicy
from newsbeam.transforms.sources.redact import redact

__all__ = [
    "COMMANDS",
    "DASK_RUNNER",
    "LOCAL_RUNNER",
    "ONLY_FOR",
    "NewsbeamOptions",
    "add_command_flags",
    "feed_configs",
    "http_policy",
    "is_dask_runner",
    "is_local_runner",
    "resolve_runner",
    "run_info",
    "validate",
]

LOCAL_RUNNER = "FnApiRunner"
"""What "DirectRunner" means here: Beam's in-process portable runner, named explicitly.

Beam's DirectRunner first tries to start Prism, a binary it downloads on first use with no
timeout; on a machine without that download (or behind a silent proxy) it can hang."""

_LOCAL_RUNNERS = frozenset({LOCAL_RUNNER, "BundleBasedDirectRunner"})

COMMANDS = ("run", "stream")
"""The commands that take newsbeam's pipeline flags."""

ONLY_FOR: dict[str, str] = {
    "--input": "run",
    "--max-file-bytes": "run",
    "--chunk-bytes": "run",
    "--allow-feed-failures": "run",
    "--follow-symlinks": "run",
    "--include-hosts": "run",
    "--include-urls": "run",
    "--languages": "run",
    "--split-bytes": "run",
    "--dask-address": "run",
    "--dask-workers": "run",
    "--progress-interval": "run",
    "--poll-interval": "stream",
    "--window": "stream",
    "--duration": "stream",
    "--compact-after": "stream",
}
"""Flags only one command reads, and that command; every other flag is read by both.

`run` reads files and polls each feed once; `stream` reads feeds only, on a timer, in
windows. A flag the command would ignore is refused by its command line, not accepted
and silently unused."""


class NewsbeamOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        parser.add_argument(
            "--input",
            nargs="+",
            action="extend",  # `--input a --input b` reads both, as `--input a b` does
            default=None,
            help="Article files, directories (walked recursively) or globs: .txt/.text, "
            ".html/.htm, .jsonl/.ndjson, each optionally compressed (.gz, .bz2, .zst, .deflate), "
            "and web archives (.warc, .warc.gz: each HTML response record one input). "
            "Repeatable.",
        )
        parser.add_argument(
            "--follow-symlinks",
            dest="follow_symlinks",
            action="store_true",
            default=False,
            help="Read links in --input directories that point outside them (by default each "
            "is a symlink_outside_input reject); a directory is still walked only once.",
        )
        parser.add_argument(
            "--include-hosts",
            dest="include_hosts",
            default=None,
            help="A file of host names, one a line ('#' starts a comment): of the pages in "
            "WARC inputs, read only those of these hosts and their subdomains; the others are "
            "skipped before parsing and counted in runs.stages as skipped_host_not_included.",
        )
        parser.add_argument(
            "--include-urls",
            dest="include_urls",
            default=None,
            help="A regular expression: of the pages in WARC inputs, read only those whose "
            "URL it matches (searched, not anchored); the others are skipped before parsing "
            "(runs.stages skipped_url_not_included).",
        )
        parser.add_argument(
            "--languages",
            default=None,
            help="Comma-separated ISO 639-1 codes (de,fr): of the pages in WARC inputs, read "
            "only those in these languages, by the language a page declares (skipped before "
            "extraction) or else the one detected in its text (runs.stages "
            "skipped_language_not_included).",
        )
        parser.add_argument(
            "--split-bytes",
            dest="split_bytes",
            type=int,
            default=64 * 2**20,
            help="A WARC input larger than this is read in ranges of about this many bytes, "
            "spread over the workers (the same records as one reader). 0: each file by one "
            "reader.",
        )
        parser.add_argument(
            "--feed",
            action="append",
            default=None,
            help="An RSS/Atom feed: http(s) URL, local file, or directory of feed files. "
            "Repeatable.",
        )
        parser.add_argument(
            "--feeds",
            default=None,
            help="YAML file: feeds: [{url, name, region, country, language, poll_interval}]. "
            "A local feed path in it is relative to the file and must lie in the file's "
            "directory.",
        )
        parser.add_argument(
            "--allow-feed-files-in",
            dest="allow_feed_files_in",
            action="append",
            default=None,
            help="A directory whose feed files --feeds may also name (besides its own "
            "directory). Repeatable.",
        )
        parser.add_argument(
            "--output",
            default=None,
            help="Output directory (local, gs:// or s3://): articles/, duplicates/, rejects/, "
            "entity_variants/, stories/, story_merges/, runs/, source_health/, and "
            "newsbeam's own _state/.",
        )
        parser.add_argument(
            "--min-words",
            dest="min_words",
            type=int,
            default=40,
            help="Texts with fewer words after cleaning are rejected as too_short.",
        )
        parser.add_argument(
            "--max-chars",
            dest="max_chars",
            type=int,
            default=200_000,
            help="Texts with more characters are rejected as too_long.",
        )
        parser.add_argument(
            "--max-title-chars",
            dest="max_title_chars",
            type=int,
            default=MAX_TITLE_CHARS,
            help="Longer titles are cut at the last word boundary before this many "
            "characters and end with '…' (counted as titles_truncated).",
        )
        parser.add_argument(
            "--min-free-bytes",
            dest="min_free_bytes",
            type=int,
            default=100_000_000,
            help="Refuse to start when the disk of a local --output has less free space.",
        )
        parser.add_argument(
            "--max-file-bytes",
            dest="max_file_bytes",
            type=int,
            default=20_000_000,
            help="Files larger than this (after decompression) are rejected unread.",
        )
        parser.add_argument(
            "--chunk-bytes",
            dest="chunk_bytes",
            type=int,
            default=32 * 2**20,
            help="Local runners hold a whole batch in memory: `run` reads input files in "
            "successive runs of about this many bytes of files each (one runs row each; copies "
            "across them are found through the MinHash index). 0: one run, however large.",
        )
        parser.add_argument(
            "--region-level",
            dest="region_level",
            choices=REGION_LEVELS,
            default="subregion",
            help="Partition granularity: UN M49 sub-region, continent, or country code.",
        )
        parser.add_argument(
            "--spacy-model",
            dest="spacy_model",
            default=MODEL_NAME,
            help="Installed spaCy pipeline used for named entities.",
        )
        parser.add_argument(
            "--max-rows-per-file",
            dest="max_rows_per_file",
            type=int,
            default=100_000,
            help="Largest number of rows in one Parquet file.",
        )
        parser.add_argument(
            "--fetch-pages",
            dest="fetch_pages",
            choices=FETCH_PAGES,
            default="auto",
            help="Fetch each entry's article page: auto = for feeds read over HTTP only.",
        )
        parser.add_argument(
            "--fetch-concurrency",
            dest="fetch_concurrency",
            type=int,
            default=8,
            help="Pages fetched at once per worker (requests to one host stay paced).",
        )
        parser.add_argument(
            "--allow-private-networks",
            dest="allow_private_networks",
            action="store_true",
            default=False,
            help="Allow feeds and pages on loopback and private addresses (refused by default).",
        )
        parser.add_argument(
            "--allow-feed-failures",
            dest="allow_feed_failures",
            action="store_true",
            default=False,
            help="A feed that fails entirely (unreachable, refused, an HTTP error, not a feed) "
            "is still a reject, but no longer makes the run exit 1.",
        )
        parser.add_argument(
            "--http-timeout",
            dest="http_timeout",
            type=float,
            default=20.0,
            help="Seconds to wait for a server to answer or send more data.",
        )
        parser.add_argument(
            "--max-page-bytes",
            dest="max_page_bytes",
            type=int,
            default=5_000_000,
            help="Largest feed or page body accepted (after decompression).",
        )
        parser.add_argument(
            "--host-interval",
            dest="host_interval",
            type=float,
            default=1.0,
            help="Minimum seconds between two requests to one host.",
        )
        parser.add_argument(
            "--poll-interval",
            dest="poll_interval",
            type=float,
            default=300.0,
            help="Seconds between polls of a feed (per-feed poll_interval wins).",
        )
        parser.add_argument(
            "--window",
            type=float,
            default=60.0,
            help="Seconds of each window; its files are written when it closes.",
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=None,
            help="Stop after this many seconds (none: run until stopped).",
        )
        parser.add_argument(
            "--compact-after",
            dest="compact_after",
            type=float,
            default=None,
            help="Merge the small files of partitions no window has written into for this "
            "many seconds, between windows, at most once per that time (as `newsbeam "
            "compact --quiet-for`; none: never).",
        )
        parser.add_argument(
            "--state-expiry",
            dest="state_expiry",
            type=float,
            default=7 * 86_400.0,
            help="Seconds a feed entry is remembered as seen, an article's MinHash kept "
            "for finding later copies, and its written story read for them; open stories "
            "saved longer ago than this are not resumed (bounds the state).",
        )
        parser.add_argument(
            "--near-threshold",
            dest="near_threshold",
            type=float,
            default=0.8,
            help="Estimated Jaccard similarity of word shingles from which two articles are "
            "the same story.",
        )
        parser.add_argument(
            "--dask-address",
            dest="dask_address",
            default=None,
            help="With --runner dask: the scheduler of an existing dask.distributed cluster "
            "(tcp://HOST:8786).",
        )
        parser.add_argument(
            "--dask-workers",
            dest="dask_workers",
            type=int,
            default=None,
            help="With --runner dask: start a local dask.distributed cluster of this many "
            "worker processes for the run.",
        )
        parser.add_argument(
            "--progress-interval",
            dest="progress_interval",
            type=float,
            default=60.0,
            help="Progress of the input files on stderr: a bar on a terminal; elsewhere a "
            "line per chunk of files and at most one every this many seconds between. "
            "0: none.",
        )


class _FlagsOf:
    """What `NewsbeamOptions._add_argparse_args` is given to declare one command's flags:
    a parser's `add_argument`, passing on only the flags that command reads."""

    def __init__(self, parser: argparse.ArgumentParser, command: str) -> None:
        self._parser = parser
        self._command = command

    def add_argument(self, *names: str, **kwargs) -> argparse.Action | None:
        if ONLY_FOR.get(names[0], self._command) != self._command:
            return None
        return self._parser.add_argument(*names, **kwargs)


def add_command_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """Declares on `parser` the flags of `NewsbeamOptions` that `command` reads (see
    `ONLY_FOR`)."""
    if command not in COMMANDS:
        raise ValueError(f"no newsbeam command {command!r} takes pipeline flags")
    NewsbeamOptions._add_argparse_args(_FlagsOf(parser, command))


def validate(options: PipelineOptions) -> NewsbeamOptions:
    """Checks the options before any graph is built; raises ValueError with a sentence."""
    news = options.view_as(NewsbeamOptions)
    if not (news.input or news.feed or news.feeds):
        raise ValueError("--input, --feed or --feeds is required: what should be read?")
    if not news.output:
        raise ValueError("--output is required: the directory to write Parquet into")
    positive = (
        ("--min-words", news.min_words),
        ("--max-chars", news.max_chars),
        ("--max-title-chars", news.max_title_chars),
        ("--max-file-bytes", news.max_file_bytes),
        ("--max-rows-per-file", news.max_rows_per_file),
        ("--fetch-concurrency", news.fetch_concurrency),
        ("--http-timeout", news.http_timeout),
        ("--max-page-bytes", news.max_page_bytes),
        ("--poll-interval", news.poll_interval),
        ("--window", news.window),
        ("--state-expiry", news.state_expiry),
    )
    for flag, value in positive:
        if value <= 0:
            raise ValueError(f"{flag} must be a positive number, not {value}")
    if not 0.0 < news.near_threshold <= 1.0:
        raise ValueError(f"--near-threshold must be in (0, 1], not {news.near_threshold}")
    if news.duration is not None and news.duration <= 0:
        raise ValueError(f"--duration must be a positive number of seconds, not {news.duration}")
    if news.compact_after is not None and news.compact_after <= 0:
        raise ValueError(
            f"--compact-after must be a positive number of seconds, not {news.compact_after}"
        )
    if news.split_bytes < 0:
        raise ValueError(f"--split-bytes cannot be negative, not {news.split_bytes}")
    if news.chunk_bytes < 0:
        raise ValueError(f"--chunk-bytes cannot be negative, not {news.chunk_bytes}")
    if news.host_interval < 0:
        raise ValueError("--host-interval cannot be negative")
    archive_filter(news)  # a missing hosts file, a bad pattern: fail before the job
    return news


def feed_configs(news: NewsbeamOptions) -> list[FeedConfig]:
    """The feeds named by --feed (URLs, files, directories of feed files) and --feeds."""
    feeds: list[FeedConfig] = []
    for item in news.feed or []:
        if item.startswith(("http://", "https://")) or os.path.isfile(item):
            feeds.append(FeedConfig.from_dict(item))
        elif os.path.isdir(item):
            found = sorted(
                os.path.join(root, name)
                for root, _dirs, files in os.walk(item)
                for name in files
                if name.lower().endswith(FEED_EXTENSIONS) and not name.startswith(".")
            )
            if not found:
                raise ValueError(f"--feed {item!r} holds no {'/'.join(FEED_EXTENSIONS)} file")
            feeds.extend(FeedConfig.from_dict(path) for path in found)
        else:
            raise ValueError(f"--feed {item!r} is neither an http(s) URL nor an existing file")
    if news.feeds:
        if not os.path.isfile(news.feeds):
            raise ValueError(f"--feeds {news.feeds!r} is not a file")
        feeds.extend(load_feeds_file(news.feeds, news.allow_feed_files_in or ()))
    _check_regions(feeds, news.region_level)
    return _distinct_feeds(feeds)


def _check_regions(feeds: list[FeedConfig], level: str) -> None:
    """A feed's `region` names a partition of `--region-level`: a typo ("Atlantis Deep")
    would quietly open a partition of its own."""
    if not any(feed.region for feed in feeds):
        return
    from newsbeam.transforms.extract.geo import region_table
    from newsbeam.transforms.slugs import slugify

    subregions, continents = region_table()
    names = {"subregion": subregions.values(), "continent": continents.values()}
    known = {slugify(name) for name in names.get(level, subregions.keys())}
    for feed in feeds:
        if feed.region and feed.region not in known:
            raise ValueError(
                f"feed {redact(feed.url)}: region {feed.region!r} is no {level} "
                f"(--region-level); one of: {', '.join(sorted(known))}"
            )


def _distinct_feeds(feeds: list[FeedConfig]) -> list[FeedConfig]:
    """Each feed once, the first naming of it kept: a local file however its path is
    written ("feed.xml", "./feed.xml", its absolute path), a URL as written. Two URLs that
    differ only in their credentials or secret parameters are refused: rows are keyed by
    the URL with its secrets removed (none is stored), so their entries and failures
    would share ids and one would be lost."""
    unique: dict[str, FeedConfig] = {}
    by_redacted: dict[str, str] = {}
    for feed in feeds:
        remote = feed.url.startswith(("http://", "https://"))
        identity = feed.url if remote else os.path.realpath(feed.url)
        if identity in unique:
            continue
        redacted = redact(feed.url)
        if redacted in by_redacted:
            raise ValueError(
                f"two feeds are the same URL once their secrets are removed ({redacted}): "
                "newsbeam keys their rows by that URL and cannot tell them apart"
            )
        unique[identity], by_redacted[redacted] = feed, identity
    return list(unique.values())


def archive_filter(news: NewsbeamOptions) -> ArchiveFilter | None:
    """What to keep of the pages in WARC inputs (`--include-hosts`, `--include-urls`,
    `--languages`); None keeps them all. Raises ValueError for a bad value."""
    if not (news.include_hosts or news.include_urls or news.languages):
        return None
    if news.include_urls:
        try:
            re.compile(news.include_urls)
        except re.error as error:
            raise ValueError(f"--include-urls {news.include_urls!r}: {error}") from None
    languages = None
    if news.languages:
        languages = frozenset(
            code.strip().lower() for code in news.languages.split(",") if code.strip()
        )
        bad = sorted(code for code in languages if not re.fullmatch(r"[a-z]{2,3}", code))
        if bad or not languages:
            raise ValueError(
                f"--languages takes ISO 639-1 codes like de,fr, not {news.languages!r}"
            )
    return ArchiveFilter(include_hosts(news.include_hosts), news.include_urls or None, languages)


def include_hosts(path: str | None) -> frozenset[str] | None:
    """The hosts of an `--include-hosts` file, lower case; None without one. Raises
    ValueError for a missing file or one naming no host."""
    if path is None:
        return None
    if not os.path.isfile(path):
        raise ValueError(f"--include-hosts {path!r} is not a file")
    with open(path, encoding="utf-8") as handle:
        hosts = frozenset(
            line.split("#", 1)[0].strip().lower().rstrip(".")
            for line in handle
            if line.split("#", 1)[0].strip()
        )
    if not hosts:
        raise ValueError(f"--include-hosts {path!r} names no host")
    return hosts


def http_policy(news: NewsbeamOptions) -> HttpPolicy:
    return HttpPolicy(
        read_timeout=news.http_timeout,
        deadline=max(3 * news.http_timeout, 30.0),
        max_body_bytes=news.max_page_bytes,
        min_host_interval=news.host_interval,
        allow_private_networks=news.allow_private_networks,
    )


DASK_RUNNER = "newsbeam.dask_runner.NewsbeamDaskRunner"


def resolve_runner(options: PipelineOptions) -> str:
    """Replaces DirectRunner (or no runner) by the local runner that never tries Prism,
    and `dask` by newsbeam's variant of Beam's DaskRunner (`newsbeam.dask_runner`)."""
    standard = options.view_as(StandardOptions)
    if standard.runner in (None, "DirectRunner", "SwitchingDirectRunner"):
        standard.runner = LOCAL_RUNNER
    elif str(standard.runner).lower() in ("dask", "daskrunner"):
        standard.runner = DASK_RUNNER
    return standard.runner


def is_dask_runner(options: PipelineOptions) -> bool:
    """Beam's DaskRunner or newsbeam's variant: batches by grouping, no streaming (see
    `newsbeam.transforms.batch`)."""
    runner = options.view_as(StandardOptions).runner
    name = runner if isinstance(runner, str) else type(runner).__name__
    return "dask" in (name or "").lower()


def is_local_runner(options: PipelineOptions) -> bool:
    return resolve_runner(options) in _LOCAL_RUNNERS


def run_info(options: PipelineOptions, mode: str):
    """The `runs` row's description of this run: a fresh id, the runner and every newsbeam
    flag's value, so a count can be traced back to the settings that produced it. URLs in
    them (feeds, inputs, the output, a scheduler) are recorded with their secrets redacted."""
    import argparse
    import uuid
    from datetime import UTC, datetime

    from newsbeam.transforms.sources.redact import redact_values
    from newsbeam.transforms.write.accounting import RunInfo

    parser = argparse.ArgumentParser(add_help=False)
    NewsbeamOptions._add_argparse_args(parser)
    news = options.view_as(NewsbeamOptions).get_all_options()
    flags = {action.dest: news.get(action.dest) for action in parser._actions}
    runner = options.view_as(StandardOptions).runner or LOCAL_RUNNER
    return RunInfo(
        run_id=uuid.uuid4().hex,
        mode=mode,
        runner=str(runner),
        started_at=datetime.now(UTC),
        options=redact_values(flags),
    )
