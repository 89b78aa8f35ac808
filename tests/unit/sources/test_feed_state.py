"""Per-feed state: entries emitted once, forgotten after the expiry, failures backed off."""

from __future__ import annotations

from newsbeam.transforms.sources.feed_parsing import FeedEntry
from newsbeam.transforms.sources.feed_state import FeedState, seen_key


def _entry(key: str, text: str = "t") -> FeedEntry:
    return FeedEntry(key=key, feed_url="f", link=None, title=None, text=text, published_at=None)


def test_seen_entries_are_emitted_once_and_forgotten_after_the_expiry():
    state = FeedState()
    fresh, state = state.new_entries([_entry("a"), _entry("b")], now=100, expiry=1000)
    assert [e.key for e in fresh] == ["a", "b"]
    fresh, state = state.new_entries([_entry("a"), _entry("b"), _entry("c")], now=200, expiry=1000)
    assert [e.key for e in fresh] == ["c"]
    fresh, state = state.new_entries([_entry("c")], now=1150, expiry=1000)
    # a and b expired: the state shrank
    assert fresh == [] and set(state.seen) == {seen_key(_entry("c"))}


def test_seen_entries_are_capped():
    state = FeedState()
    _fresh, state = state.new_entries(
        [_entry(str(i)) for i in range(50)], now=1, expiry=10, max_seen=20
    )
    assert len(state.seen) == 20


def test_failures_back_off_exponentially_and_success_resets():
    state = FeedState().failed(now=0, interval=60)
    assert (state.failures, state.next_poll_at) == (1, 120)
    state = state.failed(now=120, interval=60)
    assert (state.failures, state.next_poll_at) == (2, 120 + 240)
    for _ in range(10):
        state = state.failed(now=0, interval=60, max_backoff=3600)
    assert state.next_poll_at == 3600
    state = state.polled(now=5000, interval=60, etag='"x"')
    assert (state.failures, state.next_poll_at, state.etag) == (0, 5060, '"x"')


def test_state_round_trips_through_json_values():
    state = FeedState(
        etag='"e"', last_modified="Mon", seen={"a": 1.5}, failures=2, next_poll_at=9.0
    )
    assert FeedState.from_dict(state.to_dict()) == state
    assert FeedState.from_dict(None) == FeedState()


def test_an_entry_listed_twice_in_one_poll_is_two_inputs():
    fresh, state = FeedState().new_entries([_entry("a"), _entry("a")], now=1, expiry=10)
    assert [e.key for e in fresh] == ["a", "a"]
    fresh, _state = state.new_entries([_entry("a"), _entry("a")], now=2, expiry=10)
    assert fresh == []  # seen in an earlier poll: nothing new


def test_a_corrected_entry_under_the_same_guid_comes_through_again():
    """A stream dropped a correction: the entry's key (feed and guid) was seen, so its new
    text was no input at all. Remembered with its text, it comes through, to be written
    as a revision of its article."""
    fresh, state = FeedState().new_entries([_entry("a", "First text.")], now=1, expiry=100)
    fresh, state = state.new_entries([_entry("a", "First text.")], now=2, expiry=100)
    assert fresh == []
    fresh, state = state.new_entries([_entry("a", "Corrected text.")], now=3, expiry=100)
    assert [e.text for e in fresh] == ["Corrected text."]
    fresh, _state = state.new_entries([_entry("a", "Corrected text.")], now=4, expiry=100)
    assert fresh == []


def test_a_state_written_before_texts_were_remembered_keeps_its_entries_seen():
    """A state of an earlier version holds bare keys: its entries are not new again (each
    would be an input read twice), and are remembered with their text from now on."""
    old = FeedState(seen={"a": 1.0})
    fresh, state = old.new_entries([_entry("a")], now=2, expiry=100)
    assert fresh == [] and state.seen == {seen_key(_entry("a")): 1.0}
