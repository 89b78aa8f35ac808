"""URL canonicalisation: one article, one URL, whatever tracking junk was appended; and
which URLs an article may be stored with."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from newsbeam.transforms.sources.redact import redact

__all__ = ["canonical_url", "stored_url", "strip_credentials"]

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "ocid",
        "cmpid",
        "ito",
        "ncid",
        "_ga",
        "_gl",
        "ref_src",
        "smid",
        "smtyp",
        "spm",
        "share",
        "mbid",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str | None) -> str | None:
    """Lower-cases scheme and host, drops credentials, default ports, fragments and
    tracking parameters, redacts secret parameters and sorts the query, so that reposted
    links share one id, and a link whose token was rotated is the same link.

    Returns None for anything that is not an absolute http(s) URL.
    """
    if not url or not isinstance(url, str):
        return None
    url = redact(url)  # a no-op without secrets: ids of such URLs are what they always were
    try:
        # The fragment goes before the white space: "…/ #" would otherwise keep a blank
        # that a second pass strips, and one article would have two canonical URLs.
        parts = urlsplit(url.split("#", 1)[0].strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:  # IPv6: `hostname` drops the brackets the URL needs back
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in _TRACKING_PARAMS and not key.lower().startswith(_TRACKING_PREFIXES)
    )
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def stored_url(url: str | None) -> str | None:
    """What an article's `url` holds: the URL as given with its secrets redacted, or None
    when it is not an absolute http(s) URL (`javascript:`, `data:`, `mailto:`, `file:`,
    relative links), which no reader of the table could follow as a web page."""
    if not isinstance(url, str) or canonical_url(url) is None:
        return None
    return redact(url)


def strip_credentials(url: str | None) -> str | None:
    """Removes `user:password@` from a feed entry's link before it is fetched: credentials
    a feed puts in its links are not sent on (query tokens are, since without them the
    page would not be had). What is stored goes through `redact` as well."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
