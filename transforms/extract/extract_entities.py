"""`ExtractEntities`: entities, countries, region and language for each article.

The work on each batch is `article_extractor.ArticleExtractor`'s; this module batches the
articles, counts and sorts out the rejects.
"""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.transforms.batch import Batch
from newsbeam.transforms.extract.article_extractor import NER_BATCH_SIZE, ArticleExtractor
from newsbeam.transforms.extract.models import MODEL_NAME
from newsbeam.transforms.progress import note_extracted
from newsbeam.transforms.records import (
    REJECTS_TAG,
    Tagged,
)
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["ExtractEntities"]


class _ExtractFn(beam.DoFn):
    """`ArticleExtractor` on each batch, with the stage's counters."""

    def __init__(self, extractor: ArticleExtractor) -> None:
        self._extractor = extractor  # not set up: the model loads in each worker's setup()
        self._extracted = Metrics.counter("newsbeam", "articles_extracted")
        self._rejected = Metrics.counter("newsbeam", "rejected_extract")
        # CPU time inside nlp.pipe: a run's time in the bare model, against which everything
        # else it does is overhead (bench/ reports the share; drift of the machine cancels).
        self._ner_cpu_ms = Metrics.counter("newsbeam", "ner_cpu_ms")

    def setup(self) -> None:
        self._extractor.setup()

    def process(self, batch: list[dict]):
        done = self._extractor.extract(batch)
        note_extracted(len(batch))
        self._ner_cpu_ms.inc(done.ner_cpu_ms)
        if done.articles:
            self._extracted.inc(len(done.articles))
        if done.rejects:
            self._rejected.inc(len(done.rejects))
        yield from done.articles
        for row in done.rejects:
            yield Tagged(REJECTS_TAG, row)


class ExtractEntities(beam.PTransform):
    """Cleaned, deduplicated articles -> article rows complete with every `articles` column.

    Adds entities (PERSON, ORG, GPE, LOC, NORP, EVENT grouped by canonical name), persons,
    organizations, locations, countries (ISO 3166-1 alpha-2, by salience), region (slug of
    the main country's UN M49 sub-region, or continent or country per `region_level`; without
    a place, the feed's configured region, else `unknown`) and language. Articles are
    batched for `nlp.pipe` and each batch goes through an `ArticleExtractor`, whose spaCy
    model and gazetteer are loaded in the DoFn's `setup()`, once per worker thread.
    Rejects (stage `extract`): ner_failed.
    """

    def __init__(
        self,
        model_name: str = MODEL_NAME,
        region_level: str = "subregion",
        min_batch_size: int = 8,
        max_batch_size: int = NER_BATCH_SIZE,
        batch_by_grouping: bool = False,
    ) -> None:
        super().__init__()
        self._extractor = ArticleExtractor(model_name, region_level)  # checks region_level
        self._min_batch_size = min_batch_size
        self._max_batch_size = max_batch_size
        self._batch_by_grouping = batch_by_grouping

    def expand(self, articles):
        return (
            articles
            | "BatchForNer"
            >> Batch(
                self._min_batch_size,
                self._max_batch_size,
                self._batch_by_grouping,
                key=lambda article: article["id"],
            )
            | "RecogniseEntities" >> beam.ParDo(_ExtractFn(self._extractor))
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, main="articles")
        )
