"""The yardstick the story evaluations compare newsbeam with must itself cluster: a baseline
that put everything together, or nothing, would make "beats the baseline" say nothing."""

import pytest

from tests.support.clustering import pairwise
from tests.support.tfidf_baseline import centroid_stories, tfidf_vectors, tuned

TEXTS = [
    "Earthquake of magnitude 7 strikes off the coast of Chile",
    "Central bank raises interest rates by half a point",
    "Chile earthquake: tsunami warning issued after coast strike",
    "Interest rates rise again as the central bank fights inflation",
    "Rescue teams search rubble after Chile earthquake",
]
GOLD = ["quake", "rates", "quake", "rates", "quake"]


def test_a_threshold_tuned_on_the_answers_finds_the_two_stories():
    result = tuned(TEXTS, GOLD, lambda gold, found: pairwise(gold, found).f1)
    assert result.score == 1.0
    assert result.stories == [0, 1, 0, 1, 0]


def test_the_threshold_decides_how_much_joins():
    vectors = tfidf_vectors(TEXTS)
    assert all(abs(sum(w * w for w in v.values()) - 1.0) < 1e-9 for v in vectors)
    assert centroid_stories(vectors, 0.0) == [0, 1, 0, 1, 0], "a shared word at least"
    assert centroid_stories(vectors, 1.01) == [0, 1, 2, 3, 4]


def test_with_times_a_story_closes_as_newsbeam_s_do():
    """The same words three days later are a new story, as in newsbeam (`OPEN_HOURS`)."""
    vectors = tfidf_vectors([TEXTS[0], TEXTS[2]])
    assert centroid_stories(vectors, 0.1) == [0, 0]
    assert centroid_stories(vectors, 0.1, times=[0.0, 3 * 24 * 3600.0]) == [0, 1]
    assert centroid_stories(vectors, 0.1, times=[0.0, 24 * 3600.0]) == [0, 0]
    with pytest.raises(ValueError):  # a story's last text would be in the future
        centroid_stories(vectors, 0.1, times=[24 * 3600.0, 0.0])
