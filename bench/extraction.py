"""Extraction throughput: articles per CPU second of the `ExtractEntities` stage.

    python -m bench.extraction [--rounds 5] [--corpus tests/data/neardup/base_articles.jsonl]

Runs `ArticleExtractor` (what the `ExtractEntities` DoFn does to each batch of articles) on
the 60 original articles of the near-duplicate evaluation set, in batches of 64 as in the
pipeline, after `setup()` has loaded the model and gazetteer: per-article cost only, with
no pipeline start-up or model load in it. Reports the best of `--rounds` passes (the
least disturbed by other work on the machine) and the median. Commits from before
`ArticleExtractor` are measured by the version of this script in their own tree, which
ran the stage's DoFn the same way.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, date, datetime


def _articles(path: str) -> list[dict]:
    now = datetime(2025, 3, 10, tzinfo=UTC)
    rows = []
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        item = json.loads(line)
        rows.append(
            {
                "id": item["id"],
                "input": item["id"],
                "url": None,
                "source": "bench",
                "title": item.get("title"),
                "text": item["text"],
                "published_at": None,
                "date": date(2025, 3, 1),
                "date_source": "header",
                "ingested_at": now,
                "language_hint": None,
                "region_hint": None,
            }
        )
    return rows


def main() -> None:
    from newsbeam.transforms.extract.article_extractor import ArticleExtractor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="tests/data/neardup/base_articles.jsonl")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    articles = _articles(args.corpus)
    extractor = ArticleExtractor(region_level="subregion")
    loading = time.process_time()
    extractor.setup()
    load_cpu_s = time.process_time() - loading
    rates = []
    for _ in range(args.rounds):
        started = time.process_time()
        for start in range(0, len(articles), args.batch_size):
            extractor.extract(articles[start : start + args.batch_size])
        rates.append(len(articles) / (time.process_time() - started))
    words = sum(len(a["text"].split()) for a in articles) / len(articles)
    print(
        json.dumps(
            {
                "extraction_articles_per_cpu_s": round(max(rates), 2),
                "extraction_articles_per_cpu_s_median": round(statistics.median(rates), 2),
                "rounds": [round(rate, 2) for rate in rates],
                "articles": len(articles),
                "words_per_article": round(words),
                "model_load_cpu_s": round(load_cpu_s, 2),
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
