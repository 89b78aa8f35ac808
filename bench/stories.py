"""Story clustering's cost: articles per CPU second, marginal, and the memory it keeps.

    .venv/bin/python -m bench.stories [--sizes 5000 50000] [--per-hour 60]

Generates a stream of stories (`bench.corpus.story_stream`: English articles, each story
told by one to a dozen outlets over up to 36 hours) and runs `story_terms` (with the
entity terms, as `story_card` does) and `assign_batch` over it as a steady stream of
hourly windows would: `--per-hour` articles an hour, each hour a batch, in order, merging
at its end and closing stories past their open hours. A quarter of the outlets are taken
to write in another language and every article carries bridge features (its people,
places, large numbers), so that the cost of bridging languages is in the figures. The
pairwise scores against the generated stories say whether stories close as they should;
the corpus is for cost, not quality. At a steady rate a longer history is more articles,
not more at once: what the memory must not follow.

Times the clustering alone (the CPU time of this process; generating the corpus is outside
the timing) at each size, and reports the marginal rate between the smallest and the
largest size (so fixed costs cancel), the open stories at the end and the most at any
time, and the Python heap the index holds (tracemalloc): at its largest (with an hour's
cards in hand) and between batches (the state alone), and the size of the saved state.
The memory is measured in a second pass over the same articles: tracemalloc hooks every
allocation, and timed with it on, the clustering ran at about half its speed. The issue's
target: at least 1,000 articles per CPU second marginal, and memory bounded by the open
stories, not by the history.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import time
import tracemalloc
import zlib
from datetime import datetime

from bench.corpus import story_stream
from tests.support.clustering import pairwise  # the scoring the evaluation tests use

_PERSON = re.compile(r"\b([A-Z][a-z]+ [A-Z][a-z]+), (?:[a-z]+ )*at\b")
_LARGE_NUMBER = re.compile(r"\b\d{1,3},\d{3}\b|\b\d{3,}\b")


def _cluster(stream: list) -> dict:
    timed = _cluster_once(stream, trace=False)
    traced = _cluster_once(stream, trace=True)
    if traced["open_stories_at_end"] != timed["open_stories_at_end"]:
        raise AssertionError("the two passes over the same articles disagree")
    memory = ("peak_traced_mb", "most_held_between_batches_mb")
    return {**timed, **{key: traced[key] for key in memory}}


def _cluster_once(stream: list, trace: bool) -> dict:
    from newsbeam.transforms.stories.story_batches import StoryCard, StoryState, assign_batch
    from newsbeam.transforms.stories.story_terms import story_terms, with_entity_terms

    ordered = [
        (datetime.fromisoformat(article.published).timestamp(), article.id, article)
        for article, _story in stream
    ]
    gc.collect()
    if trace:
        tracemalloc.start()
    cpu = time.process_time()
    state = StoryState()
    most_open = 0
    hour: list = []
    most_held = 0
    story_of: dict[str, str] = {}
    continues: dict[str, str] = {}
    for published, article_id, article in ordered:
        if hour and published >= hour[0].published + 3600:
            result = assign_batch(state, hour)
            if not trace:  # the scores' map is the bench's, not the state's: not traced
                _record(result, story_of, continues)
            most_open = max(most_open, len(state.index))
            hour = []
            if trace:  # what the state holds between batches, the batch's cards gone
                most_held = max(most_held, tracemalloc.get_traced_memory()[0])
        bridges = _bridges(article)
        terms = with_entity_terms(story_terms(article.title, article.text), bridges)
        card = StoryCard(
            article_id,
            published,
            terms,
            source=article.source,
            title=article.title,
            language=_language(article.source),
            bridges=bridges,
        )
        hour.append(card)
    result = assign_batch(state, hour)
    if not trace:
        _record(result, story_of, continues)
    index = state.index
    most_open = max(most_open, len(index))
    seconds = time.process_time() - cpu
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    found = [_continuing(story_of.get(article.id, ""), continues) for article, _story in stream]
    scores = pairwise([story for _article, story in stream], found)
    return {
        "articles": len(stream),
        "stories": len({story for _article, story in stream}),
        "stories_found": len(set(found)),
        "pairwise_precision_recall_f1": [round(x, 3) for x in (*scores, scores.f1)],
        "cpu_s": round(seconds, 3),
        "articles_per_cpu_s": round(len(stream) / seconds),
        "open_stories_at_end": len(index),
        "most_open_stories": most_open,
        "peak_traced_mb": round(peak / 2**20, 1),
        "most_held_between_batches_mb": round(most_held / 2**20, 1),
        "saved_state_kb": round(len(json.dumps(state.to_json())) / 1024),
    }


def _language(source: str) -> str:
    """A quarter of the outlets "write in French", so that articles that join no story by
    their words are compared with the stories of another language, as the pipeline does."""
    return "fr" if zlib.crc32(source.encode()) % 4 == 0 else "en"


def _bridges(article) -> frozenset[str]:
    """What extraction would give of the generated text: its people (a name and a role),
    its city and country, its large numbers."""
    people = {"n:" + name.casefold() for name in _PERSON.findall(article.text)}
    places = {"p:" + article.city, "p:" + article.country}
    numbers = {"#:" + n.replace(",", "") for n in _LARGE_NUMBER.findall(article.text[:400])}
    return frozenset(people | places | numbers)


def _record(result, story_of: dict[str, str], continues: dict[str, str]) -> None:
    """A batch's stories, and its merges of stories written before (as the tables have them)."""
    story_of.update(result.story_of)
    continues.update((merge.merged, merge.continues) for merge in result.merges)


def _continuing(story_id: str, continues: dict[str, str]) -> str:
    while story_id in continues:
        story_id = continues[story_id]
    return story_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--per-hour", type=int, default=60)
    args = parser.parse_args()
    runs = [_cluster(list(story_stream(size, args.per_hour))) for size in sorted(args.sizes)]
    first, last = runs[0], runs[-1]
    marginal = None
    if last["articles"] > first["articles"]:
        marginal = round((last["articles"] - first["articles"]) / (last["cpu_s"] - first["cpu_s"]))
    print(json.dumps({"runs": runs, "marginal_articles_per_cpu_s": marginal}, indent=2))


if __name__ == "__main__":
    main()
