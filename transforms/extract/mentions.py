"""The surface form of an entity mention, as named in lists and looked up in gazetteers."""

from __future__ import annotations

import re

__all__ = ["surface_form"]

_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])[A-Z]\.$")
_EDGE_PUNCTUATION = " ,;:!?\"'“”‘’()[]"


def surface_form(text: str) -> str:
    """`"the United States’s"` -> `"United States"`; `"U.S."` keeps its dots."""
    text = " ".join(text.split())
    if text.endswith(("'s", "’s", "'", "’")):
        text = _POSSESSIVE.sub("", text)
    text = _LEADING_THE.sub("", text).strip(_EDGE_PUNCTUATION)
    while text.endswith(".") and not _ABBREVIATION_END.search(text):
        text = text[:-1].rstrip(_EDGE_PUNCTUATION)
    return text
