"""The feeds to read: `--feed` URLs and paths, or a YAML file of them with metadata."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from newsbeam.transforms.slugs import slugify
from newsbeam.transforms.sources.redact import redact

__all__ = ["FeedConfig", "load_feeds_file", "optional_text"]

_FEED_KEYS = frozenset({"url", "name", "region", "language", "poll_interval"})


@dataclass(frozen=True)
class FeedConfig:
    """One feed to read: a URL or a local file, with optional metadata for its articles."""

    url: str
    name: str | None = None
    region: str | None = None
    language: str | None = None
    poll_interval: float | None = None

    @classmethod
    def from_dict(cls, item: Mapping | str) -> FeedConfig:
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, Mapping):
            raise ValueError(f"a feed must be a URL or a mapping with `url`, not {item!r}")
        unknown = set(item) - _FEED_KEYS
        if unknown:
            raise ValueError(f"unknown feed keys {sorted(unknown)}; allowed: {sorted(_FEED_KEYS)}")
        url = item.get("url")
        if not isinstance(url, str) or not url.strip():
            raise ValueError(f"a feed needs a `url`: {dict(item)!r}")
        interval = item.get("poll_interval")
        if interval is not None and (not isinstance(interval, int | float) or interval <= 0):
            raise ValueError(f"poll_interval of {url} must be a positive number of seconds")
        region = item.get("region")
        return cls(
            url=url.strip(),
            name=optional_text(item.get("name")),
            region=slugify(region) if region else None,
            language=optional_text(item.get("language")),
            poll_interval=float(interval) if interval is not None else None,
        )

    @property
    def is_remote(self) -> bool:
        return self.url.startswith(("http://", "https://"))

    @property
    def key(self) -> str:
        """A short stable name for files that hold this feed's state: of the URL as stored
        (`redact`), so a feed whose token or password changes keeps its state."""
        return hashlib.sha256(redact(self.url).encode()).hexdigest()[:20]


def load_feeds_file(path: str) -> list[FeedConfig]:
    """Reads `feeds: [{url: ..., name: ..., region: ..., language: ..., poll_interval: ...}]`."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        try:
            document = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            raise ValueError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("feeds"), list):
        raise ValueError(f"{path} must hold a list under `feeds:`")
    feeds = [FeedConfig.from_dict(item) for item in document["feeds"]]
    if not feeds:
        raise ValueError(f"{path} lists no feeds")
    return feeds


def optional_text(value: object) -> str | None:
    """Stripped text, or None for blanks and non-strings (YAML gives numbers and nulls)."""
    return value.strip() or None if isinstance(value, str) else None
