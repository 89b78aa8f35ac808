"""Feeds that failed entirely: which feed rejects mean it, and how a run reports them.

A feed that could not be fetched (an HTTP error, a timeout, a name that does not resolve,
a refused address) or that is not a feed fails entirely: none of its entries is read. It
is a reject of stage `feed` like any other, and `newsbeam run` exits 1 for it unless
`--allow-feed-failures`. A feed that answered with no entries (`feed_empty`) did not fail.

The poll records each failure in the Beam metric `FEED_FAILURES_METRIC`, one string per
failure (`FeedFailure.note`), which the command line reads back from the finished run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = [
    "FEED_FAILURES_METRIC",
    "FeedFailure",
    "NOT_FAILURES",
    "PRIVATE_NETWORK_REASONS",
    "is_feed_failure",
]

FEED_FAILURES_METRIC = "feed_failures"
"""Name, in the `newsbeam` namespace, of the string-set metric of a run's failed feeds."""

NOT_FAILURES = frozenset({"feed_empty"})
"""Feed reject reasons for a feed that was read: it had no entries."""

PRIVATE_NETWORK_REASONS = frozenset({"feed_refused_address"})
"""Reasons of a feed refused for its address, which `--allow-private-networks` allows."""


def is_feed_failure(reason: str) -> bool:
    """Whether a feed reject with this reason means that no entry of the feed was read."""
    return reason.startswith("feed_") and reason not in NOT_FAILURES


@dataclass(frozen=True, order=True)
class FeedFailure:
    """One failed feed: as its rejects row names it, why, and the detail for people."""

    feed: str
    reason: str
    detail: str | None = None

    @property
    def private_network(self) -> bool:
        """Refused for its address (loopback, private, ...): `--allow-private-networks`."""
        return self.reason in PRIVATE_NETWORK_REASONS

    def note(self) -> str:
        """The failure as one string, for a string-set metric."""
        return json.dumps([self.feed, self.reason, self.detail])

    @classmethod
    def from_note(cls, note: str) -> FeedFailure:
        feed, reason, detail = json.loads(note)
        return cls(feed, reason, detail)
