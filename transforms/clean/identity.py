"""Stable article identity: the same article gets the same id in every run."""

from __future__ import annotations

import hashlib
import re

from newsbeam.transforms.sources.urls import canonical_url

__all__ = ["article_id", "content_hash"]

_WORD = re.compile(r"\w+")


def content_hash(text: str) -> str:
    """Hash of the words of a text, case- and punctuation-blind: identical content, one hash."""
    words = " ".join(_WORD.findall(text.casefold()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


def article_id(url: str | None, text_hash: str) -> str:
    """Hash of the canonical URL when there is one, else the content hash."""
    canonical = canonical_url(url)
    if canonical is None:
        return text_hash
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
