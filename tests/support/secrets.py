"""Secrets for tests of redaction: URLs that hold them, marked so they can be found anywhere.

Every secret contains "ZQ" and nothing else a strategy here makes does (hosts, names and
plain values are lower-case), so `"ZQ" not in value` says no part of any secret is left.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

from newsbeam.transforms.sources.redact import is_secret_parameter

__all__ = ["MARK", "secret_urls"]

MARK = "ZQ"

_SECRET_NAMES = st.sampled_from(
    ["token", "access_token", "api_key", "apiKey", "API-KEY", "key", "password", "pwd",
     "secret", "client_secret", "signature", "sig", "X-Amz-Signature", "X-Amz-Credential",
     "sid", "session", "PHPSESSID", "auth", "authorization", "jwt"]
)  # fmt: skip
PLAIN_NAMES = st.text(string.ascii_lowercase + "_", min_size=1, max_size=8).filter(
    lambda name: not is_secret_parameter(name)
)
# Values as URLs carry them: letters, digits, unreserved and sub-delimiters, escapes.
VALUES = st.text(string.ascii_letters + string.digits + "-._~!$'()*+,;=:@/?%", max_size=12)
_SECRET = VALUES.map(lambda value: f"{MARK}{value}{MARK}")
# User-info as a URL may hold it (an `@` too: the host starts after the last one); a `/`,
# `?` or `#` would end the host, and no client would read a password there.
_USERINFO_CHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=%:@"
HOSTS = st.from_regex(r"[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True)
_SCHEMES = st.sampled_from(["http", "https", "HTTPS", "s3", "gs", "tcp"])
_PATHS = st.sampled_from(["", "/", "/a/b", "/a@b", "/feed.xml", "/a;v=1", "/p/"])


@st.composite
def secret_urls(draw, schemes=_SCHEMES) -> tuple[str, list[str]]:
    """(a URL with user-info and/or secret parameters, the secrets in it)."""
    secrets: list[str] = []
    userinfo = ""
    if draw(st.booleans()):
        user = draw(st.text(_USERINFO_CHARS.replace(":", "").replace("@", ""), max_size=6))
        password = f"{MARK}{draw(st.text(_USERINFO_CHARS, max_size=8))}{MARK}"
        userinfo = f"{MARK}{user}:{password}@"
        secrets += [f"{MARK}{user}", password]
    plain = st.tuples(PLAIN_NAMES, VALUES.filter(lambda value: MARK not in value))
    params = draw(st.lists(st.one_of(st.tuples(_SECRET_NAMES, _SECRET), plain), max_size=5))
    secrets += [value for name, value in params if is_secret_parameter(name)]
    if not secrets:
        params.append(("token", f"{MARK}t{MARK}"))
        secrets.append(f"{MARK}t{MARK}")
    query = "&".join(f"{name}={value}" for name, value in params)
    where = draw(st.sampled_from(["?", "#", "?a=1#"]))
    url = f"{draw(schemes)}://{userinfo}{draw(HOSTS)}{draw(_PATHS)}{where}{query}"
    return url, secrets
