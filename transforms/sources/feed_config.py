"""The feeds to read: `--feed` URLs and paths, or a YAML file of them with metadata.

A feeds file is configuration, often written by someone other than the operator who runs
newsbeam (a shared repository, a ConfigMap): a local path in it must not make newsbeam read
any file on the machine. Its local paths are relative to the file's own directory and must
lie in that directory, after links are resolved, or in one the operator allowed on the
command line (`--allow-feed-files-in`). Paths given with `--feed` are the operator's own
and are read as given.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from newsbeam.transforms.slugs import slugify
from newsbeam.transforms.sources.local_files import is_within
from newsbeam.transforms.sources.redact import redact

__all__ = ["FEED_EXTENSIONS", "FeedConfig", "load_feeds_file", "local_feed_path", "optional_text"]

FEED_EXTENSIONS = (".xml", ".rss", ".atom", ".rdf", ".feed")
"""Feed files, as `--feed DIR` finds them: no article files, which `--input` reads."""

_FEED_KEYS = frozenset({"url", "name", "region", "country", "language", "poll_interval"})


@dataclass(frozen=True)
class FeedConfig:
    """One feed to read: a URL or a local file, with optional metadata for its articles."""

    url: str
    name: str | None = None
    region: str | None = None
    country: str | None = None
    """The outlet's home country (ISO 3166-1 alpha-2): a city name that several countries
    share goes to this country's city when the text does not say otherwise."""
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
            country=_country_code(item.get("country"), url),
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


def _country_code(value: object, url: str) -> str | None:
    """An ISO 3166-1 alpha-2 code, upper case; a ValueError for anything else."""
    if value is None:
        return None
    import pycountry

    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError(f"country of {url} must be an ISO 3166-1 alpha-2 code, not {value!r}")
    return code


def load_feeds_file(path: str, allowed_dirs: Sequence[str] = ()) -> list[FeedConfig]:
    """Reads `feeds: [{url: ..., name: ..., region: ..., country: ..., language: ...,
    poll_interval: ...}]`.

    Local feed paths come back absolute (see `local_feed_path`); one outside the file's
    directory and `allowed_dirs` is a ValueError that names it.
    """
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
    return [
        feed
        if "://" in feed.url
        else replace(feed, url=local_feed_path(feed.url, path, allowed_dirs))
        for feed in feeds
    ]


def local_feed_path(url: str, feeds_file: str, allowed_dirs: Sequence[str] = ()) -> str:
    """The absolute path a feeds file's local `url` names, resolved against the file's
    directory; a ValueError if it lies (links resolved) outside that directory and every
    one of `allowed_dirs`."""
    base = os.path.dirname(os.path.abspath(feeds_file))
    path = os.path.normpath(os.path.join(base, url))
    real = os.path.realpath(path)
    allowed = [base, *(os.path.abspath(d) for d in allowed_dirs)]
    if any(is_within(real, os.path.realpath(directory)) for directory in allowed):
        return path
    raise ValueError(
        f"{feeds_file}: feed {url!r} is a local file outside the feeds file's directory "
        f"{base} (it resolves to {real}); move it there, or allow its directory with "
        "--allow-feed-files-in DIR"
    )


def optional_text(value: object) -> str | None:
    """Stripped text, or None for blanks and non-strings (YAML gives numbers and nulls)."""
    return value.strip() or None if isinstance(value, str) else None
