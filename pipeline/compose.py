"""The newsbeam graph: read -> clean -> exact dedupe -> extract -> write."""

from __future__ import annotations

from typing import NamedTuple

import apache_beam as beam
from apache_beam.pvalue import PCollection

from pipeline.options import NewsbeamOptions
from schemas import ARTICLES, DUPLICATES, REJECTS
from transforms.clean import CleanArticles
from transforms.dedupe import DedupeExact
from transforms.extract import ExtractEntities
from transforms.read import ReadArticleFiles, expand_inputs
from transforms.validate import ValidateRows
from transforms.write import WriteTable

__all__ = ["Outputs", "build", "write"]


class Outputs(NamedTuple):
    """The three tables as PCollections of row dicts."""

    articles: PCollection
    duplicates: PCollection
    rejects: PCollection


def build(pipeline: beam.Pipeline, options: NewsbeamOptions) -> Outputs:
    """Adds the batch pipeline over article files to `pipeline` and returns its outputs."""
    paths = expand_inputs(options.input)
    read = pipeline | "ReadArticleFiles" >> ReadArticleFiles(paths, options.max_file_bytes)
    cleaned = read.articles | "CleanArticles" >> CleanArticles(options.min_words, options.max_chars)
    deduped = cleaned.articles | "DedupeExact" >> DedupeExact()
    extracted = deduped["articles"] | "ExtractEntities" >> ExtractEntities(
        options.spacy_model, options.region_level
    )
    articles = extracted.articles | "ValidateArticles" >> ValidateRows(ARTICLES)
    duplicates = deduped["duplicates"] | "ValidateDuplicates" >> ValidateRows(DUPLICATES)
    rejects = (
        read.rejects,
        cleaned.rejects,
        extracted.rejects,
        articles.rejects,
        duplicates.rejects,
    ) | "AllRejects" >> beam.Flatten()
    return Outputs(articles.valid, duplicates.valid, rejects)


def write(outputs: Outputs, output_dir: str, max_rows_per_file: int = 100_000) -> None:
    """Writes each table to Parquet under `output_dir`."""
    for table, rows in zip((ARTICLES, DUPLICATES, REJECTS), outputs, strict=True):
        _ = rows | f"Write{table.name.title()}" >> WriteTable(output_dir, table, max_rows_per_file)
