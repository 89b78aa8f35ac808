"""Partition values as safe slugs: no input can name a path outside the output directory."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["UNKNOWN", "slugify"]

UNKNOWN = "unknown"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(value: object, max_length: int = 64) -> str:
    """`"Western Asia"` -> `"western-asia"`; anything empty or unprintable -> `"unknown"`."""
    if value is None:
        return UNKNOWN
    ascii_text = "".join(
        char if char.isascii() else " "
        for char in unicodedata.normalize("NFKD", str(value))
        if not unicodedata.combining(char)
    )
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or UNKNOWN
