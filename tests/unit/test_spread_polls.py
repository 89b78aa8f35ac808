"""Which feeds a window of a local stream polls: those due before the next window opens,
at most its fair share, longest overdue first."""

from __future__ import annotations

from newsbeam.stream import is_due, spread_polls
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_state import FeedState


def feeds(count: int) -> list[FeedConfig]:
    return [FeedConfig(f"http://news{n}.example/feed.xml") for n in range(count)]


def test_at_start_500_feeds_spread_over_the_windows_of_one_interval():
    """Every feed is due at start: 60 s windows and a 300 s interval poll 100 a window, so
    every feed is polled within the first interval and no window polls them all."""
    everyone = feeds(500)
    due = [(feed, FeedState()) for feed in everyone]
    polled = set()
    for _window in range(5):
        chosen = spread_polls(due, everyone, 60.0, 300.0)
        assert len(chosen) == 100
        polled |= {feed.url for feed, _ in chosen}
        due = [item for item in due if item[0].url not in polled]
    assert len(polled) == 500 and due == []


def test_the_longest_overdue_go_first_and_own_intervals_count():
    everyone = [FeedConfig("http://a.example/f", poll_interval=60.0), *feeds(3)]
    due = [(feed, FeedState(next_poll_at=1000.0 - n)) for n, feed in enumerate(everyone)]
    # 60/60 + 3 x 60/600 = 1.3: two polls this window, the two due longest.
    chosen = spread_polls(due, everyone, 60.0, 600.0)
    assert [feed.url for feed, _ in chosen] == [everyone[3].url, everyone[2].url]


def test_a_window_always_polls_something_due():
    one = feeds(1)
    assert len(spread_polls([(one[0], FeedState())], one, 1.0, 86_400.0)) == 1
    assert spread_polls([], one, 60.0, 300.0) == []


def test_a_feed_polled_some_seconds_into_a_window_is_polled_again_one_interval_later():
    """Polled 20 s into the window that opened at 0, a 300 s feed is next due at 320: the
    window opening at 300 polls it (not the one at 360, which would make every interval
    360 s and leave the window at 300 with nothing to do)."""
    polled_at_20 = FeedState(next_poll_at=320.0)
    assert not is_due(polled_at_20, 240.0, 60.0)
    assert is_due(polled_at_20, 300.0, 60.0)


def test_feeds_one_round_of_concurrent_polls_covers_are_polled_together():
    """Two feeds, 2 s windows, a 300 s interval: a fair share of 1 a window, but a window
    polls 32 feeds at once, so both are polled in the first window. 40 feeds still spread."""
    two, forty = feeds(2), feeds(40)
    assert len(spread_polls([(f, FeedState()) for f in two], two, 2.0, 300.0, 32)) == 2
    assert len(spread_polls([(f, FeedState()) for f in forty], forty, 30.0, 60.0, 32)) == 20


def test_feeds_on_one_host_are_counted_for_the_late_window_warning():
    """Seven feeds of one server answering 304 took a 10 s window past its end: they are
    polled --host-interval apart, which the warning of a late window now says."""
    from newsbeam.stream import _feeds_on_one_host

    feeds = [FeedConfig(f"http://127.0.0.1:8765/feed{n}.xml") for n in range(7)]
    feeds += [FeedConfig("https://other.test/rss"), FeedConfig("saved/feed.xml")]
    assert _feeds_on_one_host(feeds) == 7
    assert _feeds_on_one_host(feeds[7:]) == 1
    assert _feeds_on_one_host([]) == 0
    # The client paces a host and port: two servers of one machine are two.
    ports = [FeedConfig("http://127.0.0.1:8765/a.xml"), FeedConfig("http://127.0.0.1:8766/b.xml")]
    assert _feeds_on_one_host(ports) == 1
