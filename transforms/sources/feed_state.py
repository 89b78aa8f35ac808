"""What is remembered of a feed between polls, and where a local stream keeps it.

`FeedState` is plain data (`to_dict`/`from_dict`): a local stream stores it as JSON files
(`FeedStateStore`), a streaming runner in Beam state as that same dict.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace

from newsbeam.schemas.layout import (
    feed_state_dir,
    pending_feed_state_dir,
    pending_feed_states_dir,
)
from newsbeam.transforms.sources.feed_config import FeedConfig
from newsbeam.transforms.sources.feed_parsing import FeedEntry
from newsbeam.transforms.sources.redact import redact

__all__ = ["FeedState", "FeedStateStore", "seen_key"]

_LOG = logging.getLogger(__name__)


class FeedStateStore:
    """Per-feed state as JSON files, replaced atomically; a run's states are staged first."""

    def __init__(self, output_dir: str) -> None:
        self.output_dir = output_dir
        self.root = feed_state_dir(output_dir)
        os.makedirs(self.root, exist_ok=True)

    def load(self, feed: FeedConfig) -> FeedState:
        path = os.path.join(self.root, f"{feed.key}.json")
        try:
            with open(path, encoding="utf-8") as handle:
                return FeedState.from_dict(json.load(handle).get("state"))
        except FileNotFoundError:
            return FeedState()
        except (OSError, ValueError) as error:
            _LOG.warning("state of %s unreadable (%s): polling it afresh", redact(feed.url), error)
            return FeedState()

    def pending(self, run_id: str) -> str:
        return pending_feed_state_dir(self.output_dir, run_id)

    def staged_runs(self) -> dict[str, float]:
        """The runs whose states are staged and not yet made current or discarded, each
        with when its folder last changed (epoch seconds)."""
        root = pending_feed_states_dir(self.output_dir)
        names = sorted(os.listdir(root)) if os.path.isdir(root) else []
        return {name: os.path.getmtime(os.path.join(root, name)) for name in names}

    def commit(self, run_id: str) -> None:
        """Makes a finished run's states current."""
        pending = self.pending(run_id)
        if not os.path.isdir(pending):
            return
        for name in os.listdir(pending):
            os.replace(os.path.join(pending, name), os.path.join(self.root, name))
        os.rmdir(pending)

    def discard(self, run_id: str) -> None:
        pending = self.pending(run_id)
        if os.path.isdir(pending):
            for name in os.listdir(pending):
                os.remove(os.path.join(pending, name))
            os.rmdir(pending)


def seen_key(entry: FeedEntry) -> str:
    """How a feed's state remembers an entry: its key and a hash of its title and text."""
    content = hashlib.sha256(f"{entry.title or ''}\n{entry.text}".encode()).hexdigest()[:16]
    return f"{entry.key}:{content}"


@dataclass(frozen=True)
class FeedState:
    """What is remembered of one feed between polls.

    `seen` maps entry keys to the epoch second they were first seen; entries older than the
    expiry, and the oldest beyond `max_seen`, are forgotten, so the state is bounded even
    for a feed that never repeats an entry. `failures` drives exponential backoff.
    """

    etag: str | None = None
    last_modified: str | None = None
    seen: dict[str, float] = field(default_factory=dict)
    failures: int = 0
    next_poll_at: float = 0.0

    def new_entries(
        self, entries: Iterable[FeedEntry], now: float, expiry: float, max_seen: int = 10_000
    ) -> tuple[list[FeedEntry], FeedState]:
        """The entries not seen in an earlier poll, and the state that remembers them too.

        An entry is remembered with its title and text (`seen_key`): a corrected entry
        under the same guid comes through again, to be written as a revision of its
        article, not dropped as seen. Entries of this poll under one key all come
        through: each is an input of its own (a copy listed twice becomes a duplicate row,
        not nothing).
        """
        earlier = {key: when for key, when in self.seen.items() if now - when <= expiry}
        fresh, fresh_keys = [], {}
        for entry in entries:
            remembered = seen_key(entry)
            if remembered in earlier:
                continue
            if entry.key in earlier:  # a state written before texts were remembered
                earlier[remembered] = earlier.pop(entry.key)
                continue
            fresh.append(entry)
            fresh_keys[remembered] = now
        seen = {**earlier, **fresh_keys}
        if len(seen) > max_seen:
            seen = dict(sorted(seen.items(), key=lambda item: item[1])[-max_seen:])
        return fresh, replace(self, seen=seen)

    def polled(self, now: float, interval: float, etag=None, last_modified=None) -> FeedState:
        return replace(
            self,
            etag=etag or self.etag,
            last_modified=last_modified or self.last_modified,
            failures=0,
            next_poll_at=now + interval,
        )

    def failed(self, now: float, interval: float, max_backoff: float = 3600.0) -> FeedState:
        """Backs off exponentially: 2, 4, 8... poll intervals, capped at `max_backoff`."""
        failures = self.failures + 1
        delay = min(interval * (2**failures), max(max_backoff, interval))
        return replace(self, failures=failures, next_poll_at=now + delay)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping | None) -> FeedState:
        if not data:
            return cls()
        return cls(
            etag=data.get("etag"),
            last_modified=data.get("last_modified"),
            seen={str(k): float(v) for k, v in (data.get("seen") or {}).items()},
            failures=int(data.get("failures", 0)),
            next_poll_at=float(data.get("next_poll_at", 0.0)),
        )
