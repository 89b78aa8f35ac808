"""The story-clustering benchmark (`bench.stories`) runs and reports what it promises."""

from bench.corpus import story_stream
from bench.stories import _cluster


def test_the_story_bench_clusters_every_article_and_reports_its_rate_memory_and_scores():
    stream = list(story_stream(300, per_hour=10, words=(80, 120)))  # 30 hours: stories close
    figures = _cluster(stream)
    assert figures["articles"] == 300 and figures["articles_per_cpu_s"] > 0
    assert figures["stories"] == len({story for _article, story in stream})
    assert 1 <= figures["open_stories_at_end"] <= figures["most_open_stories"] <= 300
    assert figures["open_stories_at_end"] <= figures["stories_found"] <= 300
    assert all(0 <= score <= 1 for score in figures["pairwise_precision_recall_f1"])
    # Memory is measured in its own pass, not the timed one.
    assert 0 < figures["most_held_between_batches_mb"] <= figures["peak_traced_mb"]
    assert figures["saved_state_kb"] > 0


def test_the_story_stream_is_a_steady_stream_of_stories_told_by_several_outlets():
    stream = list(story_stream(600, per_hour=60))
    times = [article.published for article, _story in stream]
    assert times == sorted(times) and len(set(times)) == 600
    sizes: dict[int, set[str]] = {}
    for article, story in stream:
        sizes.setdefault(story, set()).add(article.source)
    assert any(len(sources) >= 3 for sources in sizes.values()), "some stories, many outlets"
    assert sum(len(s) == 1 for s in sizes.values()) > len(sizes) / 2, "most stand alone"
