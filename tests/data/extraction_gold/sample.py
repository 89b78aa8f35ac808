"""How the gold set's articles were chosen: a fixed rule over `../shared/data/`, no output of
newsbeam's extraction looked at. Prints one reference a line (JSON), in the set's order.

Every article page of `articles_*` and every entry of the `feeds_*` feeds is resolved as
newsbeam reads it (`resolve.py`). Kept: texts of 40 words (newsbeam's `--min-words`) to
1,500 words (past that, mostly essays, manuals and reviews, and a set that one person can
read closely), not placeholder text (the fixtures'
"Lorem ipsum" and "TextNode" pages), each distinct text once (first in path order). Then,
so that languages other than English are not drowned out:

- pages: every page not in English, and every 4th page in English (per folder, path order);
- feeds: per feed file, up to 6 entries of a feed not in English, 1 of a feed in English
  (8 of `guardian.rss`, the one feed of international news), spread evenly over the feed:
  entries 0, k, 2k... with k = ceil(entries / cap); one entry is the middle one.

"In English" here is only a sampling stratum, from py3langid on the first 2,000 characters
(a feed: on all its entries' text). The language in the labels is read by hand.

    .venv/bin/python tests/data/extraction_gold/sample.py > /tmp/selection.jsonl
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[2]))

import resolve  # noqa: E402

PAGE_FOLDERS = (
    "articles_scrapinghub_aeb",
    "articles_mozilla_readability",
    "articles_goose3_fixtures",
)
FEED_FOLDERS = (
    "feeds_rss_parser_js",
    "feeds_netnewswire",
    "feeds_miniflux_encoding",
    "feeds_feedjira_samples",
)
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf"}
MIN_WORDS, MAX_WORDS = 40, 1_500
ENGLISH_PAGE_STEP = 4
FEED_CAP = {"en": 1, "other": 6}
FEED_CAP_BY_FILE = {"input/guardian.rss": 8}
PLACEHOLDERS = ("Lorem ipsum", "TextNode 1 -")


def _language(text: str) -> str:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    global _IDENTIFIER
    if "_IDENTIFIER" not in globals():
        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE)
    return _IDENTIFIER.classify(text[:2_000])[0]


def _usable(article: dict, seen: set[str]) -> bool:
    if not MIN_WORDS <= article["word_count"] <= MAX_WORDS:
        return False
    if any(marker in " ".join(article["text"][:300].split()) for marker in PLACEHOLDERS):
        return False
    if article["content_hash"] in seen:
        return False
    seen.add(article["content_hash"])
    return True


def _pages(data: Path, seen: set[str]) -> list[dict]:
    chosen = []
    for folder in PAGE_FOLDERS:
        english = 0
        for path in sorted((data / folder).rglob("*.html.gz")):
            if folder == "articles_mozilla_readability" and path.name != "source.html.gz":
                continue
            ref = {"folder": folder, "file": str(path.relative_to(data / folder))}
            try:
                article = resolve.resolve(ref, data)
            except resolve.UnresolvedError:
                continue
            if not _usable(article, seen):
                continue
            if _language(article["text"]) == "en":
                english += 1
                if (english - 1) % ENGLISH_PAGE_STEP:
                    continue
            chosen.append(ref)
    return chosen


def _feeds(data: Path, seen: set[str]) -> list[dict]:
    from newsbeam.transforms.sources.feed_parsing import parse_feed

    chosen = []
    for folder in FEED_FOLDERS:
        for path in sorted((data / folder).rglob("*")):
            if not path.is_file() or path.suffix.lower() not in FEED_SUFFIXES:
                continue
            file = str(path.relative_to(data / folder))
            feed = parse_feed(path.read_bytes(), f"{folder}/{file}")
            usable: list[tuple[dict, dict]] = []
            for index, entry in enumerate(feed.entries):
                ref = {"folder": folder, "file": file, "entry": index, "link": entry.link}
                try:
                    article = resolve.resolve(ref, data)
                except resolve.UnresolvedError:
                    continue
                usable.append((ref, article))
            usable = [(ref, article) for ref, article in usable if _usable(article, set(seen))]
            if not usable:
                continue
            language = _language(" ".join(article["text"] for _r, article in usable))
            cap = FEED_CAP_BY_FILE.get(file, FEED_CAP["en" if language == "en" else "other"])
            if cap == 1:
                picks = [usable[len(usable) // 2]]
            else:
                step = math.ceil(len(usable) / cap)
                picks = usable[::step][:cap]
            for ref, article in picks:
                if _usable(article, seen):
                    chosen.append(ref)
    return chosen


def main() -> int:
    seen: set[str] = set()
    by_kind: dict[str, int] = defaultdict(int)
    for ref in _pages(resolve.SHARED_DATA, seen) + _feeds(resolve.SHARED_DATA, seen):
        by_kind["entry" if "entry" in ref else "page"] += 1
        print(json.dumps(ref, ensure_ascii=False))
    print(dict(by_kind), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
