"""`CleanArticles`: normalised text, boilerplate removed, too-short texts rejected."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.transforms.clean.identity import article_id, content_hash
from newsbeam.transforms.clean.rules import MAX_TITLE_CHARS, clean_text, clean_title, word_count
from newsbeam.transforms.records import REJECTS_TAG, CleanArticle, RawArticle, Stage, Tagged, reject
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["CleanArticles", "clean_article"]


def clean_article(record: RawArticle, max_title_chars: int = MAX_TITLE_CHARS) -> CleanArticle:
    """A new record with cleaned text and title, word count, content hash and id."""
    return _cleaned(record, max_title_chars)[0]


def _cleaned(record: RawArticle, max_title_chars: int) -> tuple[CleanArticle, bool]:
    """`clean_article`, and whether its title was cut to `max_title_chars`.

    A text that is nothing but lines the rules call boilerplate ("VIDEO: Snowden says
    encryption is key", a headline-only record's whole text) keeps them: they are the
    input's only words, not words around an article, and `--min-words` judges them."""
    text = clean_text(record["text"] or "")
    if not word_count(text):
        text = clean_text(record["text"] or "", drop_boilerplate=False)
    title, cut = clean_title(record.get("title"), max_title_chars)
    text_hash = content_hash(text)
    article: CleanArticle = {
        **record,
        "text": text,
        "title": title,
        "word_count": word_count(text),
        "content_hash": text_hash,
        "id": article_id(record.get("url"), text_hash),
    }
    return article, cut


class _CleanFn(beam.DoFn):
    def __init__(self, min_words: int, max_chars: int, max_title_chars: int) -> None:
        self._min_words = min_words
        self._max_chars = max_chars
        self._max_title_chars = max_title_chars
        self._cleaned = Metrics.counter("newsbeam", "articles_cleaned")
        self._rejected = Metrics.counter("newsbeam", "rejected_clean")
        self._titles_cut = Metrics.counter("newsbeam", "titles_truncated")

    def process(self, record: dict):
        if len(record["text"] or "") > self._max_chars * 2:
            yield self._reject(record, "too_long", f"over {self._max_chars} characters")
            return
        article, title_cut = _cleaned(record, self._max_title_chars)
        if len(article["text"]) > self._max_chars:
            yield self._reject(record, "too_long", f"over {self._max_chars} characters")
        elif article["word_count"] < self._min_words:
            detail = f"{article['word_count']} words, fewer than --min-words={self._min_words}"
            if record.get("page_failure"):
                detail += f" (the feed's text: the page was not read, {record['page_failure']})"
            yield self._reject(record, "too_short", detail)
        else:
            self._cleaned.inc()
            if title_cut:
                self._titles_cut.inc()
            yield article

    def _reject(self, record: dict, reason: str, detail: str):
        self._rejected.inc()
        row = reject(
            record["input"],
            Stage.CLEAN,
            reason,
            detail,
            record["ingested_at"],
            record.get("source"),
            occasion=record.get("entry_key"),
        )
        return Tagged(REJECTS_TAG, row)


class CleanArticles(beam.PTransform):
    """Raw article dicts -> cleaned article dicts with `id`, `content_hash`, `word_count`.

    Rejects (stage `clean`): too_short (fewer than `min_words` words after cleaning),
    too_long (more than `max_chars` characters, beyond any news article and the NER's
    input limit). A title longer than `max_title_chars` is cut at a word and ends with
    "…" (counter `titles_truncated`): the article is kept, and title and text together
    stay within the NER's input limit. Element-wise; any windowing passes through.
    """

    def __init__(
        self, min_words: int = 40, max_chars: int = 200_000, max_title_chars: int = MAX_TITLE_CHARS
    ) -> None:
        super().__init__()
        if min(min_words, max_chars, max_title_chars) < 1:
            raise ValueError("CleanArticles needs min_words, max_chars and max_title_chars >= 1")
        self._min_words = min_words
        self._max_chars = max_chars
        self._max_title_chars = max_title_chars

    def expand(self, records):
        clean = _CleanFn(self._min_words, self._max_chars, self._max_title_chars)
        return (
            records
            | "Clean" >> beam.ParDo(clean)
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, main="articles")
        )
