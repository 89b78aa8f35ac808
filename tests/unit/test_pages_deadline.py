"""When a local stream window stops fetching pages, so that it closes on time."""

from newsbeam.stream import pages_deadline


def test_a_minute_window_stops_fetching_pages_after_three_quarters_of_it():
    """60 s windows with `--http-timeout 5` (a 30 s request deadline): a page that hangs
    from second 40 is cut at second 45, leaving time to extract and write the window."""
    assert pages_deadline(1000.0, 60.0, 30.0) == 1045.0


def test_a_short_window_still_gives_each_page_its_own_deadline():
    assert pages_deadline(1000.0, 1.0, 30.0) == 1030.0
