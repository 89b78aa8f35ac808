"""Resolves the gold set's references to the articles newsbeam makes of them.

`labels.jsonl` holds labels and references, never text: the pages and feeds stay in
`../shared/data/` beside the repository. A reference is a folder and file there, and for a
feed the entry's index and link. Each is read the way newsbeam reads it: a page with
`parse_article_file` (gzip undone first, as `ReadArticleFiles` does), a feed entry with
`parse_feed` and `article_from_entry` (no page fetched: feeds read from files never are),
then `clean_article`. So the text labelled is the text the extraction sees.

    .venv/bin/python tests/data/extraction_gold/resolve.py            # check every reference
    .venv/bin/python tests/data/extraction_gold/resolve.py ID [ID...]  # print those articles
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels.jsonl"
REPO = HERE.parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
# A fixed ingestion time: nothing resolved depends on the clock.
INGESTED_AT = datetime(2026, 1, 1, tzinfo=UTC)


class UnresolvedError(LookupError):
    """A reference that no longer points at what was labelled."""


@dataclass(frozen=True)
class GoldArticle:
    """One labelled article: its labels and the cleaned article newsbeam makes of it."""

    id: str
    label: dict
    article: dict


def load_labels(path: Path = LABELS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def resolve(ref: dict, data: Path = SHARED_DATA) -> dict:
    """The cleaned article (`clean_article`'s record) that a reference points at."""
    from newsbeam.transforms.clean.clean_articles import clean_article

    path = data / ref["folder"] / ref["file"]
    if not path.is_file():
        raise UnresolvedError(f"{path} is absent")
    raw = _feed_entry(path, ref) if "entry" in ref else _page(path, ref)
    return clean_article(raw)


def _page(path: Path, ref: dict) -> dict:
    from newsbeam.transforms.sources.article_files import ARTICLE, parse_article_file

    data = path.read_bytes()
    name = path.name
    if name.endswith(".gz"):
        data, name = gzip.decompress(data), name[: -len(".gz")]
    for kind, record in parse_article_file(f"{ref['folder']}/{name}", data, INGESTED_AT):
        if kind == ARTICLE:
            return record
    raise UnresolvedError(f"{path}: newsbeam finds no article in it")


def _feed_entry(path: Path, ref: dict) -> dict:
    from newsbeam.transforms.sources.feed_config import FeedConfig
    from newsbeam.transforms.sources.feed_parsing import parse_feed
    from newsbeam.transforms.sources.feed_polling import entry_element
    from newsbeam.transforms.sources.fetch_articles import article_from_entry

    feed_url = f"{ref['folder']}/{ref['file']}"
    feed = parse_feed(path.read_bytes(), feed_url)
    index = ref["entry"]
    if index >= len(feed.entries):
        raise UnresolvedError(f"{feed_url} has {len(feed.entries)} entries, not {index + 1}")
    entry = feed.entries[index]
    if ref.get("link") and entry.link != ref["link"]:
        raise UnresolvedError(f"{feed_url} entry {index} links {entry.link}, not {ref['link']}")
    element = entry_element(FeedConfig(url=feed_url), feed.title, entry)
    raw = article_from_entry(element, None, None, INGESTED_AT)
    if raw is None:
        raise UnresolvedError(f"{feed_url} entry {index} has no text")
    return raw


def load_gold(data: Path = SHARED_DATA) -> list[GoldArticle]:
    """Every labelled article, resolved; raises `UnresolvedError` naming a stale reference."""
    return [GoldArticle(label["id"], label, resolve(label["ref"], data)) for label in load_labels()]


def main(argv: list[str]) -> int:
    labels = {label["id"]: label for label in load_labels()}
    if not argv:
        for label in labels.values():
            resolve(label["ref"])
        print(f"{len(labels)} references resolve")
        return 0
    for key in argv:
        article = resolve(labels[key]["ref"])
        print(f"== {key}  {json.dumps(labels[key]['ref'])}")
        print(article.get("title") or "")
        print()
        print(article["text"])
        print()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
