"""`FetchArticles`: feed entries to raw article records, with the page's text when it can."""

from __future__ import annotations

from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.transforms.batch import Batch
from newsbeam.transforms.records import REJECTS_TAG, DateSource, Stage, Tagged, TextSource, reject
from newsbeam.transforms.sources.article_files import raw_record, split_authors
from newsbeam.transforms.sources.feed_parsing import FeedEntry
from newsbeam.transforms.sources.html_pages import PageContent, extract_page
from newsbeam.transforms.sources.http import FETCH_PAGES, FetchError, HttpClient, HttpPolicy
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["FETCH_PAGES", "FetchArticles", "article_from_entry"]


# Pages in one batch per fetch thread. BatchElements' own sizing starts at one page and
# grows by timing: slow pages kept batches small, and each one waited for its slowest page.
# Within a batch pages are handled as they arrive, so a page that runs to its deadline
# holds up only the end of its batch: batches are large so that this wait overlaps work.
PAGES_PER_THREAD = 32
_PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# Refused outright rather than replaced by the feed's summary: limits are not failures.
_REFUSED = frozenset({"too_large", "refused_address"})


def article_from_entry(
    element: dict,
    page_html: bytes | None,
    page_url: str | None,
    ingested_at: datetime,
    page_failure: str | None = None,
) -> dict | None:
    """A raw article record from a feed entry and, when fetched, its page.

    The page's main text wins over the feed's summary; the feed's title, date, authors and
    tags win over the page's, since the publisher stated them for syndication. None when
    neither gives any text. `page_failure`: why the page was not read, kept with the feed's
    text so that a reject of it (too short) names the cause.
    """
    feed, entry = element["feed"], element["entry"]
    entry: FeedEntry
    page = _page_content(page_html, page_url) if page_html else None
    text = page.text if page is not None else entry.text
    if not text.strip():
        return None
    published, date_source = entry.published_at, DateSource.FEED
    if published is None and page is not None and page.published:
        published, date_source = page.published, page.date_source
    return raw_record(
        entry.link or f"{feed.url}#{entry.key}",
        text=text,
        ingested_at=ingested_at,
        title=entry.title or (page.title if page else None),
        url=entry.link or (page.url if page else None),
        source=feed.name or element.get("feed_title") or (page.sitename if page else None),
        authors=entry.authors or (split_authors(page.author) if page else ()),
        published=published,
        date_source=date_source,
        text_source=TextSource.PAGE if page is not None else TextSource.FEED,
        language=feed.language or (page.language if page else None),
        tags=entry.tags,
        feed_url=feed.url,
        entry_key=entry.key,
        region_hint=feed.region,
        country_hint=feed.country,
        page_failure=page_failure if page is None else None,
    )


def _page_content(page_html: bytes, page_url: str | None) -> PageContent | None:
    """The page's main text and metadata, or None when it has none to give.

    Binary data (an image or a PDF behind an article link) and bytes lxml cannot parse
    raise ValueError or TypeError, as they do for html files; here they are a page without
    main text, so the feed's text stands in, instead of failing the whole job.
    """
    try:
        return extract_page(page_html, url=page_url)
    except (ValueError, TypeError):
        return None


class _FetchPagesFn(beam.DoFn):
    """Fetches a batch of pages concurrently; one host at a time, as the client paces hosts."""

    def __init__(self, policy: HttpPolicy, fetch_pages: str, concurrency: int) -> None:
        self._policy = policy
        self._fetch_pages = fetch_pages
        self._concurrency = concurrency
        self._client: HttpClient | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._fetched = Metrics.counter("newsbeam", "pages_fetched")
        self._failed = Metrics.counter("newsbeam", "pages_failed")
        self._fallback = Metrics.counter("newsbeam", "pages_failed_used_feed_text")
        self._rejected = Metrics.counter("newsbeam", "rejected_fetch")

    def setup(self) -> None:
        self._client = HttpClient(self._policy)
        self._pool = ThreadPoolExecutor(self._concurrency, thread_name_prefix="newsbeam-fetch")

    def teardown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._client is not None:
            self._client.close()

    def process(self, batch: list[dict]):
        for element, (body, url, error) in self._as_fetched(batch):
            ingested_at = datetime.now(UTC)
            entry: FeedEntry = element["entry"]
            input_ref = entry.link or f"{element['feed'].url}#{entry.key}"
            if error is not None:
                self._failed.inc()
            if error is not None and error.reason in _REFUSED:
                self._rejected.inc()
                yield self._reject(
                    element, input_ref, f"page_{error.reason}", error.detail, ingested_at
                )
                continue
            if body is not None:
                self._fetched.inc()
            failure = f"page_{error.reason}: {error.detail}" if error is not None else None
            record = article_from_entry(element, body, url, ingested_at, failure)
            if (
                record is not None
                and record["text_source"] == TextSource.FEED
                and error is not None
            ):
                self._fallback.inc()
            if record is None:
                self._rejected.inc()
                reason = f"page_{error.reason}" if error else "no_text"
                detail = error.detail if error else "neither the page nor the feed has text"
                yield self._reject(element, input_ref, reason, detail, ingested_at)
                continue
            yield record

    def _as_fetched(self, batch: list[dict]):
        """(element, page) pairs in the order the pages arrive, with at most `concurrency`
        requests in flight: one slow page does not hold back the pages after it, and only
        that many bodies are held in memory at once."""
        waiting = deque(batch)
        running: dict[Future, dict] = {}
        while waiting or running:
            while waiting and len(running) < self._concurrency:
                element = waiting.popleft()
                running[self._pool.submit(self._page, element)] = element
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield running.pop(future), future.result()

    def _page(self, element: dict) -> tuple[bytes | None, str | None, FetchError | None]:
        link = element["entry"].link
        wanted = self._fetch_pages == "always" or (
            self._fetch_pages == "auto" and element["feed"].is_remote
        )
        if not wanted or not link:
            return None, None, None
        try:
            response = self._client.get(link, accept=_PAGE_ACCEPT)
        except FetchError as error:
            return None, None, error
        return response.body, response.url, None

    @staticmethod
    def _reject(element, input_ref, reason, detail, ingested_at):
        return Tagged(
            REJECTS_TAG,
            reject(
                input_ref,
                Stage.FETCH,
                reason,
                detail,
                ingested_at,
                # As the entry's article would be named: a poll that read the feed's title
                # names an unnamed feed's rejects too, so they count under its source.
                element["feed"].name or element.get("feed_title"),
                occasion=element["entry"].key,
            ),
        )


class FetchArticles(beam.PTransform):
    """Feed entries -> raw article records (same shape as `ReadArticleFiles`), plus `rejects`.

    With `fetch_pages` "always" (or "auto", the default, for feeds read over HTTP rather
    than from local files), each entry's link is fetched (robots.txt, pacing and limits of
    the `HttpPolicy`) and its main text extracted with trafilatura; when the page cannot be
    had, the feed's own content is used and `text_source` says `feed`. Entries are batched
    and fetched `concurrency` at a time, in batches of a fixed size (`PAGES_PER_THREAD`
    pages a thread), each page handled as it arrives, so that every thread has work while a
    batch waits for its slowest page; the entries come from `ReadFeeds` one server of each
    in turn, so a batch spreads over servers instead of queueing on one server's pacing.
    Reject reasons (stage `fetch`): page_too_large, page_refused_address (never replaced by
    the feed text), page_<reason> or no_text when there is no text at all.
    """

    def __init__(
        self,
        policy: HttpPolicy,
        fetch_pages: str = "auto",
        concurrency: int = 8,
        batch_by_grouping: bool = False,
    ) -> None:
        super().__init__()
        self._batch_by_grouping = batch_by_grouping
        if concurrency < 1:
            raise ValueError("FetchArticles needs concurrency >= 1")
        if fetch_pages not in FETCH_PAGES:
            raise ValueError(f"fetch_pages must be one of {FETCH_PAGES}, not {fetch_pages!r}")
        self._policy = policy
        self._fetch_pages = fetch_pages
        self._concurrency = concurrency

    def expand(self, entries):
        size = PAGES_PER_THREAD * self._concurrency
        return (
            entries
            | "BatchEntries"
            >> Batch(size, size, self._batch_by_grouping, key=lambda element: element["entry"].key)
            | "FetchPages"
            >> beam.ParDo(_FetchPagesFn(self._policy, self._fetch_pages, self._concurrency))
            | "SplitRejects" >> SplitOutputs(REJECTS_TAG, main="articles")
        )
