"""The story-clustering benchmark (`bench.stories`) runs and reports what it promises."""

from bench.corpus import news_articles
from bench.stories import _cluster


def test_the_story_bench_clusters_every_article_and_reports_its_rate_and_stories():
    figures = _cluster(list(news_articles(300, words=(80, 120))))
    assert figures["articles"] == 300 and figures["articles_per_cpu_s"] > 0
    assert 1 <= figures["open_stories_at_end"] <= figures["most_open_stories"] <= 300
    assert figures["peak_traced_mb"] > 0  # measured in its own pass, not the timed one
