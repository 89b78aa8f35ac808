"""Sources: everything that turns the outside world into `RawArticle` records.

Beam glue: `read_article_files` (files, directories, globs), `read_feeds` (one poll of each
feed, or polls on a timer with per-feed state), `fetch_articles` (each entry's page).
Rules: `article_files` and `text_headers` (file formats), `feed_config`, `feed_parsing`,
`feed_polling`, `feed_state` and `feed_failures` (feeds), `http` (the crawler's client),
`html_pages` (trafilatura), `text_decoding`, `bounded_read`, `dates`, `urls`.
"""

from newsbeam.transforms.lazy_exports import lazy_exports

_EXPORTS = {
    "ReadArticleFiles": ".read_article_files",
    "ReadFeeds": ".read_feeds",
    "PollFeeds": ".read_feeds",
    "FetchArticles": ".fetch_articles",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
