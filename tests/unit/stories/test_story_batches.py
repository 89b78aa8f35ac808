"""Batches through the story index: one order on every runner, state that a later run
resumes from, merges of written stories recorded, a re-run counted once."""

import json
from dataclasses import replace

from newsbeam.transforms.stories.story_batches import StoryCard, StoryState, assign_batch
from newsbeam.transforms.stories.story_index import StoryIndex
from newsbeam.transforms.stories.story_terms import story_terms

HOUR = 3600.0
SNOWDEN = [
    "Edward Snowden warns of personal data vulnerability at SXSW",
    "Snowden tells SXSW crowd to encrypt personal data",
    "At SXSW, Snowden urges tech firms to protect data",
    "Snowden at SXSW: encrypt your personal data",
]
CARNEY = [
    "Carney questioned by Treasury committee over Bank of England forex probe",
    "Bank of England forex probe: Carney faces Treasury committee",
]


def _cards(titles, start=0.0, prefix="a", source="", country=None):
    return [
        StoryCard(
            f"{prefix}{i}",
            start + i * 60,
            story_terms(title),
            source=f"{source}{i}",
            title=title,
            main_country=country,
            names=("Edward Snowden",) if "Snowden" in title else (),
        )
        for i, title in enumerate(titles)
    ]


def _resumed(state: StoryState) -> StoryState:
    """The state as a later run reads it back: through JSON text."""
    return StoryState.from_json(json.loads(json.dumps(state.to_json())))


def test_the_order_of_the_input_does_not_change_the_stories():
    cards = _cards(SNOWDEN) + _cards(CARNEY, start=30, prefix="b")
    forward = assign_batch(StoryState(), cards).story_of
    backward = assign_batch(StoryState(), list(reversed(cards))).story_of
    assert forward == backward
    assert {forward[f"a{i}"] for i in range(4)} == {"a0"}
    assert {forward["b0"], forward["b1"]} == {"b0"}


def test_a_later_run_resumes_the_stories_of_an_earlier_one_from_its_saved_state():
    state = StoryState()
    assign_batch(state, _cards(SNOWDEN[:2]))
    later = assign_batch(_resumed(state), _cards(SNOWDEN[2:], start=HOUR, prefix="c"))
    assert set(later.story_of.values()) == {"a0"}
    (summary,) = later.summaries
    assert (summary["story_id"], summary["articles_added"], summary["articles_total"]) == (
        "a0",
        2,
        4,
    )


def test_an_input_run_again_keeps_its_story_and_is_not_counted_twice():
    state = StoryState()
    first = assign_batch(state, _cards(SNOWDEN))
    again = assign_batch(_resumed(state), _cards(SNOWDEN))
    assert again.story_of == first.story_of
    assert again.summaries == [] and again.merges == []


def test_an_input_run_again_after_its_stories_closed_keeps_its_written_stories():
    state = StoryState()
    cards = _cards(SNOWDEN) + _cards(CARNEY, start=3 * 24 * HOUR, prefix="b")
    undated = StoryCard("u0", 0.0, story_terms("Lighthouse keepers strike"), dated=False)
    first = assign_batch(state, [*cards, undated])  # Snowden's story closes: forgotten
    assert "a0" not in state.story_of
    asked = []

    def written(ids):  # what the output's articles files hold
        asked.append(set(ids))
        return {i: first.story_of[i] for i in ids if i in first.story_of}

    # A new article, and a late one (older than the newest seen, but not forgettable yet).
    newer = _cards(["Carney faces MPs again"], start=3 * 24 * HOUR + 600, prefix="c")
    late = _cards(["Harbour cranes idle"], start=2 * 24 * HOUR, prefix="late")
    undated_again = replace(undated, published=4 * 24 * HOUR)  # this run's ingestion time
    again = assign_batch(_resumed(state), [*cards, undated_again, *newer, *late], written=written)
    assert {i: again.story_of[i] for i in first.story_of} == first.story_of
    assert sorted(row["story_id"] for row in again.summaries) == ["b0", "late0"]
    assert asked == [{"a0", "a1", "a2", "a3", "u0"}], "new, late and held cards are not read"


def test_a_merge_of_stories_already_written_is_recorded_and_ids_in_the_batch_are_final():
    # Every headline apart, no merges: two runs write two stories of one event.
    state = StoryState(StoryIndex(join_threshold=0.99, merge_threshold=0.99))
    assign_batch(state, _cards(SNOWDEN[:1], prefix="a"))
    assign_batch(state, _cards(SNOWDEN[1:2], start=60, prefix="b"))
    state.index.merge_threshold = 0.2  # a third run finds them one story
    result = assign_batch(state, _cards(SNOWDEN[2:3], start=120, prefix="c"))
    recorded = [(merge.merged, merge.continues) for merge in result.merges]
    assert ("b0", "a0") in recorded and all(merged != "c0" for merged, _ in recorded)
    assert result.story_of == {"c0": "a0"}


def test_a_summary_names_what_the_batch_added_to_its_story():
    cards = _cards(SNOWDEN, source="outlet", country="US")
    (summary,) = assign_batch(StoryState(), cards).summaries
    assert summary["story_id"] == "a0"
    assert summary["articles_added"] == summary["articles_total"] == 4
    assert summary["sources"] == ["outlet0", "outlet1", "outlet2", "outlet3"]
    assert summary["main_countries"] == ["US"]
    assert summary["names"] == ["Edward Snowden"]
    assert summary["title"] == SNOWDEN[0]
    assert summary["first_published_at"] < summary["last_published_at"]


def test_a_closed_story_leaves_the_state_with_its_articles():
    state = StoryState()
    assign_batch(state, _cards(SNOWDEN))
    assert assign_batch(state, [], kept_ids=["a2"]).story_of == {"a2": "a0"}
    assign_batch(state, _cards(CARNEY, start=10 * 24 * HOUR, prefix="b"))
    # a0 closed in that batch: a copy of a2 now finds its story on disk, not here.
    assert assign_batch(state, [], kept_ids=["a2"]).story_of == {}
    saved = _resumed(state).to_json()
    assert [story[0] for story in saved["index"]["stories"]] == ["b0"]
    assert {article: story for article, (story, _) in saved["articles"].items()} == {
        "b0": "b0",
        "b1": "b0",
    }


def test_the_state_follows_the_open_stories_not_the_history():
    """A month of three stories a day and one that goes on all month, from four outlets:
    the state holds two days (and the clock's) of articles, whatever the history's length."""
    state = StoryState(StoryIndex(join_threshold=0.5, merge_threshold=0.99))
    sizes = []
    for day in range(30):
        side = ("north", "south", "east")[day % 3]  # a day's news, in the words of its kind
        titles = [f"{side} {word} report" for word in ("river", "harbour", "bridge")]
        titles.append("Lighthouse keepers strike over lighthouse pay")  # never closes
        cards = _cards(titles, start=day * 24 * HOUR, prefix=f"d{day}-")
        assign_batch(state, [replace(card, source=f"outlet{day % 4}") for card in cards])
        sizes.append(len(json.dumps(state.to_json())))
    assert state.story_of_article("d29-3") == "d0-3", "the lasting story is one story"
    assert len(state.story_of) <= 3 * 4 and len(state.index) <= 3 * 4  # of 120 articles
    # Flat once the three kinds of day have each come and gone (their words, their open
    # stories): a state that kept its history would grow by every day's articles.
    assert max(sizes[14:]) < 1.05 * min(sizes[14:]), "the saved state grew with the history"


def test_word_frequencies_are_halved_so_that_old_words_are_forgotten(monkeypatch):
    from newsbeam.transforms.stories import story_index

    monkeypatch.setattr(story_index, "FREQUENCY_HALVING_DOCUMENTS", 10)
    index = StoryIndex()
    for i in range(25):
        index.assign(f"a{i}", {f"once{i}": 1.0, "always": 1.0}, published=i * 60.0)
    frequency = index.state()["document_frequency"]
    assert frequency["always"] < 25 and index.state()["documents"] < 25
    assert not {f"once{i}" for i in range(20)} & frequency.keys()


def test_an_undated_article_at_its_ingestion_time_does_not_close_a_backfill_s_stories():
    cards = _cards(SNOWDEN[:2])
    undated = StoryCard("u0", 1e9, story_terms("Carney faces Treasury committee"), dated=False)
    state = StoryState()
    assign_batch(state, [*cards, undated])
    assert {"a0", "u0"} <= state.index.story_ids()
    assert state.story_of_article("a1") == "a0"


def test_a_source_s_counts_halve_and_the_sources_quiet_longest_are_forgotten(monkeypatch):
    from newsbeam.transforms.stories import story_index

    monkeypatch.setattr(story_index, "SOURCE_HALVING_ARTICLES", 10)
    monkeypatch.setattr(story_index, "SOURCES_REMEMBERED", 3)
    index = StoryIndex()
    for i in range(25):
        index.assign(f"a{i}", {"podcast": 1.0, f"topic{i}": 1.0}, i * 60.0, source="show")
    saved = index.state()
    assert saved["source_articles"]["show"] < 25
    assert saved["source_frequency"]["show"]["podcast"] == saved["source_articles"]["show"]
    for i, source in enumerate(["b", "c", "d"]):
        index.assign(f"{source}{i}", {"other": 1.0}, 2000.0 + i, source=source)
    assert list(index.state()["source_articles"]) == ["b", "c", "d"], "'show' quiet longest"
