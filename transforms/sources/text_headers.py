"""The `key value` header that plain-text article files may start with.

Real files are messy: ` date 2020-10-19 UN Secretary-General ...` puts the date and the
first sentence of the body on one line. Only lowercase keys at the very start are read, so a
body that happens to begin with "Title" or "Source" is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["TextHeader", "split_header"]

_DATE_KEY = re.compile(r"date:?[ \t]+")
_DATE_VALUE = re.compile(
    r"(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)(?=\s|$)"
)
# CRLF and CR line ends too: a `\r` kept in a value would end the header at a url line.
_LINE_KEY = re.compile(r"(title|url|source):?[ \t]+([^\r\n]*?)[ \t]*(?:\r\n|\r|\n|$)")


@dataclass(frozen=True)
class TextHeader:
    """Header fields found before the body; `date` is the raw value, not yet validated."""

    fields: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        return self.fields.get(key)


def split_header(text: str) -> tuple[TextHeader, str]:
    """Splits a text file into its header fields and the body that follows.

    `date` may run straight into the body on the same line; `title`, `url` and `source`
    take the rest of their line. Each key is read at most once; the first thing that is not
    a header field starts the body.
    """
    fields: dict[str, str] = {}
    pos = 0
    while True:
        start = _skip_space(text, pos)
        if start >= len(text):
            pos = start
            break
        date_key = _DATE_KEY.match(text, start)
        if date_key and "date" not in fields:
            value = _DATE_VALUE.match(text, date_key.end())
            if not value:
                break
            fields["date"] = value.group(1)
            pos = value.end()
            continue
        line = _LINE_KEY.match(text, start)
        if line and line.group(1) not in fields and line.group(2):
            key, value = line.group(1), line.group(2)
            if key == "url" and re.search(r"\s", value):
                break
            fields[key] = value
            pos = line.end()
            continue
        break
    body = text[pos:] if fields else text
    return TextHeader(fields), body.strip()


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n\ufeff":
        pos += 1
    return pos
