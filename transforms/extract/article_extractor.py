"""Extraction on a batch of articles, without Beam: what `ExtractEntities` does to each
batch, and what benchmarks and notebooks call directly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from newsbeam.schemas import SCHEMA_VERSION
from newsbeam.transforms.extract.entities import Mention, build_nlp, summarise_mentions
from newsbeam.transforms.extract.language import detect_language, load_language_model
from newsbeam.transforms.extract.models import MODEL_NAME, REGION_LEVELS
from newsbeam.transforms.extract.quotes import find_quotes
from newsbeam.transforms.records import ArticleRow, RejectRow, Stage, reject
from newsbeam.transforms.slugs import slugify

__all__ = ["ArticleExtractor", "BatchExtraction", "NER_BATCH_SIZE", "ner_input"]

NER_BATCH_SIZE = 64  # articles per `nlp.pipe` call, at most
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchExtraction:
    """What `ArticleExtractor.extract` makes of a batch of articles."""

    articles: list[ArticleRow]
    """Complete `articles` rows, in the batch's order, less the articles rejected."""
    rejects: list[RejectRow]
    """One `ner_failed` row (stage `extract`) for each article the model could not read."""
    ner_cpu_ms: int
    """CPU time inside `nlp.pipe`: the bare model's share of the batch's cost."""


class ArticleExtractor:
    """Extraction without Beam: what `ExtractEntities` does to each batch of articles.

        extractor = ArticleExtractor()
        extractor.setup()  # loads the spaCy pipeline and the gazetteer
        done = extractor.extract(articles)  # cleaned, deduplicated articles
        done.articles, done.rejects

    The model and gazetteer are loaded once per thread of a process and shared by every
    extractor of that thread. The whole batch goes through one `nlp.pipe` call (at most
    `NER_BATCH_SIZE` articles is what the pipeline passes); if it fails, the articles are
    retried one by one, and one the model still cannot read becomes a reject row.
    """

    def __init__(self, model_name: str = MODEL_NAME, region_level: str = "subregion") -> None:
        if region_level not in REGION_LEVELS:
            raise ValueError(f"region_level must be one of {REGION_LEVELS}, not {region_level!r}")
        self.model_name = model_name
        self.region_level = region_level
        self._nlp = None
        self._gazetteer = None

    def setup(self) -> None:
        """Loads the spaCy pipeline and the gazetteer (about 2 s the first time in a thread)."""
        self._nlp, self._gazetteer = _models(self.model_name)

    def extract(self, batch: Sequence[dict]) -> BatchExtraction:
        """The batch's articles with every `articles` column filled in, and its rejects."""
        if self._nlp is None:
            self.setup()
        documents = [ner_input(article) for article in batch]
        started = time.thread_time()
        try:
            docs = list(self._nlp.pipe(documents, batch_size=len(documents)))
        except Exception:  # noqa: BLE001 - isolate the article that breaks the model
            _LOG.warning("NER failed on a batch of %d; retrying one by one", len(batch))
            docs = [None] * len(batch)
        ner_cpu_ms = round((time.thread_time() - started) * 1000)
        rows: list[ArticleRow] = []
        rejects: list[RejectRow] = []
        for article, document, doc in zip(batch, documents, docs, strict=True):
            if doc is None:
                try:
                    doc = self._nlp(document)
                except Exception as error:  # noqa: BLE001 - one bad text, one reject row
                    rejects.append(
                        reject(
                            article["input"],
                            Stage.EXTRACT,
                            "ner_failed",
                            repr(error),
                            article["ingested_at"],
                            article.get("source"),
                        )
                    )
                    continue
            rows.append(self._row(article, document, doc))
        return BatchExtraction(rows, rejects, ner_cpu_ms)

    def _row(self, article: dict, document: str, doc) -> ArticleRow:
        mentions = [Mention(ent.text, ent.label_, ent.start_char, ent.end_char) for ent in doc.ents]
        found = summarise_mentions(mentions, self._gazetteer, document)
        main_country = found.countries[0] if found.countries else None
        return {
            **article,
            "language": detect_language(article["text"]) or article.get("language_hint"),
            "entities": found.entities,
            "quotes": find_quotes(article["text"], found.persons),
            "persons": found.persons,
            "organizations": found.organizations,
            "locations": found.locations,
            "countries": found.countries,
            "region": self._gazetteer.region_of(main_country, self.region_level)
            if main_country
            else slugify(article.get("region_hint")),
            "schema_version": SCHEMA_VERSION,
        }


_LOADED = threading.local()


def _models(model_name: str):
    """The spaCy pipeline and gazetteer, loaded once per thread of a worker process.

    A local stream runs one bounded pipeline per window in the same process; reloading the
    model (about 2 s with the gazetteer) for each would dominate a short window. One copy
    per thread because spaCy pipelines are not documented as safe to share across threads.
    """
    cache = getattr(_LOADED, "models", None)
    if cache is None or cache[0] != model_name:
        from newsbeam.transforms.extract.geo import Gazetteer

        gazetteer = Gazetteer()
        cache = (model_name, build_nlp(model_name, gazetteer), gazetteer)
        load_language_model()
        _LOADED.models = cache
    return cache[1], cache[2]


def ner_input(article: dict) -> str:
    """Title and text as one document: a place in the headline is the most salient."""
    title = article.get("title")
    return f"{title}\n\n{article['text']}" if title else article["text"]
