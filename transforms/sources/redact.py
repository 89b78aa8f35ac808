"""Secrets out of what newsbeam stores, logs and prints: user-info and secret parameters.

A feed URL may carry `user:password@` or `?key=`, an article link `?token=`, an output
`s3://key:secret@bucket`. Such URLs reach rows (`url`, `feed_url`, `input`), reject
details ("404 from http://..."), the runs row's options, log lines and messages, alone or
inside a sentence. `redact` takes any text and returns it with

- the user-info of every `scheme://user:password@host` removed (not replaced: `X@host`
  would read as a user name, and canonical URLs, hence ids, never had it);
- the value of every parameter named in `data/secret_parameters.txt` replaced by
  `REDACTED`, in queries, fragments and path parameters, also inside a URL that is itself
  a parameter's value (`?next=https%3A%2F%2F...%3Ftoken%3D...`). Replaced, not removed: the
  stored URL still says a credential was needed and where, it never turns into another,
  public URL, and `?token=1` and `?token=2` become one URL (one article id).

Nothing else changes: text without either is returned as it was, to the byte, so
existing ids and inputs keep their values. `redact(redact(x)) == redact(x)`.

Only what is stored or shown is redacted: feeds and pages are still fetched with their
credentials.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fnmatch import fnmatchcase
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import quote, unquote, unquote_plus

__all__ = ["REDACTED", "is_secret_parameter", "redact", "redact_values"]

REDACTED = "REDACTED"
"""What a secret parameter's value becomes."""

_NESTING = 3  # URLs inside parameter values inside URLs... looked into this deep

# `scheme://` then the user-info: everything up to the last `@` before the host ends, as
# urlsplit reads it. The scheme is matched whole (never from inside a word).
_USERINFO = re.compile(r"(?<![A-Za-z0-9+.\-])([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s\"<>]*@")
# A parameter: its lead (`?`, `&`, `;` or `#`), name, `=` and value. A value ends where the
# next parameter or the fragment starts, or where text around a URL resumes (white space,
# a double quote, `<`, `>`), and a path parameter's (`;jsessionid=`) where the query
# starts. It does not end at `'`, `/` or `;`, which tokens and signatures may hold: a log
# line loses a closing quote rather than keep half a secret.
_PARAMETER = re.compile(r"([?&;#])([^=&;#?\s\"<>]+)=([^&#\s\"<>]*)")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern | None], ...]:
    """(name glob, values that are not secret) of each line of the data file."""
    text = (resources.files(__package__) / "data" / "secret_parameters.txt").read_text("utf-8")
    patterns = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        glob, _, exempt = line.partition("\t")
        patterns.append((glob.strip().lower(), re.compile(exempt.strip()) if exempt else None))
    return tuple(patterns)


def is_secret_parameter(name: str, value: str | None = None) -> bool:
    """Whether a parameter of this name (as written in a URL) holds a secret; with its
    `value`, whether that value is one (a few names are secret only for some values)."""
    secret, exempt = _rule(name)
    if not secret or exempt is None or value is None:
        return secret
    return not exempt.fullmatch(unquote_plus(value))


@lru_cache(maxsize=4096)
def _rule(name: str) -> tuple[bool, re.Pattern | None]:
    """Whether a name is secret, and the values it is not secret for (None: none)."""
    decoded = unquote_plus(name).strip().lower()
    exempts = [exempt for glob, exempt in _patterns() if fnmatchcase(decoded, glob)]
    if not exempts:
        return False, None
    return True, None if None in exempts else exempts[0]


def redact(text: str) -> str:
    """`text` with user-info and secret parameter values taken out of every URL in it."""
    return _redact(text, 0) if text else text


def redact_values(value: object) -> object:
    """`redact` applied to every string in a value of nested lists, tuples and dicts (the
    options a runs row records); anything else is returned as it is."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list | tuple):
        return type(value)(redact_values(item) for item in value)
    if isinstance(value, Mapping):
        return {key: redact_values(item) for key, item in value.items()}
    return value


def _redact(text: str, depth: int) -> str:
    # Parameters first: a secret value may hold the `/` that ends a host, and the user-info
    # it hid (`s://a&token=b/c&d@host`) is then found in this pass, not only in the next.
    text = _PARAMETER.sub(lambda match: _parameter(match, depth), text)
    return _USERINFO.sub(r"\1", text)


def _parameter(match: re.Match, depth: int) -> str:
    lead, name, value = match.groups()
    rest = ""
    if lead == ";" and "?" in value:  # a path parameter ends where the query starts
        value, query = value.split("?", 1)
        rest = _redact(f"?{query}", depth)
    if not value:
        return f"{lead}{name}={rest}"
    if is_secret_parameter(name, value):
        return f"{lead}{name}={REDACTED}{rest}"
    if depth < _NESTING:
        value = _nested(value, depth + 1)
    return f"{lead}{name}={value}{rest}"


def _nested(value: str, depth: int) -> str:
    """A parameter's value with the URLs in it redacted: as written (`?next=http://...`),
    or once percent-decoded (`?next=http%3A%2F%2F...`), re-encoded only if it changed."""
    redacted = _redact(value, depth)
    if redacted != value or "%" not in value:
        return redacted
    decoded = unquote(value)
    if decoded == value:
        return value
    redacted = _redact(decoded, depth)
    return value if redacted == decoded else quote(redacted, safe="")
