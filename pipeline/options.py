"""`NewsbeamOptions`: every newsbeam flag, with help text and a default that works locally."""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from transforms.entities import MODEL_NAME
from transforms.extract import REGION_LEVELS

__all__ = ["NewsbeamOptions", "LOCAL_RUNNER", "resolve_runner", "validate"]

LOCAL_RUNNER = "FnApiRunner"
"""What "DirectRunner" means here: Beam's in-process portable runner, named explicitly.

Beam's DirectRunner first tries to start Prism, a binary it downloads on first use with no
timeout; on a machine without that download (or behind a silent proxy) it can hang."""


class NewsbeamOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        parser.add_argument(
            "--input",
            nargs="+",
            default=None,
            help="Article files, directories (walked recursively) or globs: .txt, .html, .jsonl "
            "(optionally .gz).",
        )
        parser.add_argument(
            "--output",
            default=None,
            help="Output directory (local, gs:// or s3://): articles/, duplicates/, rejects/.",
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
            "--max-file-bytes",
            dest="max_file_bytes",
            type=int,
            default=20_000_000,
            help="Files larger than this (after decompression) are rejected unread.",
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


def validate(options: PipelineOptions) -> NewsbeamOptions:
    """Checks the options before any graph is built; raises ValueError with a sentence."""
    news = options.view_as(NewsbeamOptions)
    if not news.input:
        raise ValueError("--input is required: files, directories or globs of articles")
    if not news.output:
        raise ValueError("--output is required: the directory to write Parquet into")
    for flag, value in (
        ("--min-words", news.min_words),
        ("--max-chars", news.max_chars),
        ("--max-file-bytes", news.max_file_bytes),
        ("--max-rows-per-file", news.max_rows_per_file),
    ):
        if value < 1:
            raise ValueError(f"{flag} must be a positive number, not {value}")
    return news


def resolve_runner(options: PipelineOptions) -> str:
    """Replaces DirectRunner (or no runner) by the local runner that never tries Prism."""
    standard = options.view_as(StandardOptions)
    if standard.runner in (None, "DirectRunner", "SwitchingDirectRunner"):
        standard.runner = LOCAL_RUNNER
    return standard.runner
