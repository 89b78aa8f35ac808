"""Story clustering's cost: articles per CPU second, marginal, and the memory it keeps.

    .venv/bin/python -m bench.stories [--sizes 5000 50000]

Generates the bench corpus (`bench.corpus.news_articles`: English articles over seven
days, a tenth of them syndicated copies) and runs `story_terms` and `assign_batch` over it
as a stream of hourly windows would: each hour a batch, in publication order, merging at
its end and closing stories past their open hours. Times the clustering alone (the CPU
time of this process; generating the corpus is outside the timing) at each size, and
reports the marginal rate between the smallest and the largest size (so fixed costs
cancel), the open stories at the end and the most at any time, and the Python heap the
index holds (tracemalloc) at its largest. The memory is measured in a second pass over the
same articles: tracemalloc hooks every allocation, and timed with it on, the clustering
ran at about half its speed. The issue's target: at least 1,000 articles per
CPU second marginal, and memory bounded by the open stories, not by the history.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import tracemalloc
from datetime import datetime

from bench.corpus import news_articles


def _cluster(articles: list) -> dict:
    timed = _cluster_once(articles, trace=False)
    traced = _cluster_once(articles, trace=True)
    if traced["open_stories_at_end"] != timed["open_stories_at_end"]:
        raise AssertionError("the two passes over the same articles disagree")
    return {**timed, "peak_traced_mb": traced["peak_traced_mb"]}


def _cluster_once(articles: list, trace: bool) -> dict:
    from newsbeam.transforms.stories.story_batches import StoryCard, StoryState, assign_batch
    from newsbeam.transforms.stories.story_terms import story_terms

    ordered = sorted(
        ((datetime.fromisoformat(a.published).timestamp(), a.id, a) for a in articles),
        key=lambda item: item[:2],
    )
    gc.collect()
    if trace:
        tracemalloc.start()
    cpu = time.process_time()
    state = StoryState()
    most_open = 0
    hour: list = []
    for published, article_id, article in ordered:
        if hour and published >= hour[0].published + 3600:
            assign_batch(state, hour)
            most_open = max(most_open, len(state.index))
            hour = []
        terms = story_terms(article.title, article.text)
        hour.append(StoryCard(article_id, published, terms, title=article.title))
    assign_batch(state, hour)
    index = state.index
    most_open = max(most_open, len(index))
    seconds = time.process_time() - cpu
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "articles": len(articles),
        "cpu_s": round(seconds, 3),
        "articles_per_cpu_s": round(len(articles) / seconds),
        "open_stories_at_end": len(index),
        "most_open_stories": most_open,
        "peak_traced_mb": round(peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    args = parser.parse_args()
    runs = [_cluster(list(news_articles(size))) for size in sorted(args.sizes)]
    first, last = runs[0], runs[-1]
    marginal = None
    if last["articles"] > first["articles"]:
        marginal = round((last["articles"] - first["articles"]) / (last["cpu_s"] - first["cpu_s"]))
    print(json.dumps({"runs": runs, "marginal_articles_per_cpu_s": marginal}, indent=2))


if __name__ == "__main__":
    main()
