"""Which feed rejects mean a feed failed entirely, and the note a run reports each in."""

from __future__ import annotations

import pytest

from newsbeam.transforms.sources.feed_failures import FeedFailure, is_feed_failure


@pytest.mark.parametrize(
    "reason",
    [
        "feed_http_404",
        "feed_http_500",
        "feed_timeout",
        "feed_dns_failure",
        "feed_connection_error",
        "feed_refused_address",
        "feed_too_large",
        "feed_unparseable",
    ],
)
def test_a_feed_not_read_failed(reason):
    assert is_feed_failure(reason)


@pytest.mark.parametrize("reason", ["feed_empty", "too_short", "http_404"])
def test_an_empty_feed_or_another_stage_did_not(reason):
    assert not is_feed_failure(reason)


def test_a_failure_survives_its_note_and_a_refused_address_names_the_flag_case():
    failure = FeedFailure("http://10.0.0.1/feed.xml", "feed_refused_address", 'a "detail"')
    assert FeedFailure.from_note(failure.note()) == failure
    assert failure.private_network
    assert not FeedFailure("http://x.test/f", "feed_http_404", None).private_network
