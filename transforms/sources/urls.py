"""URL canonicalisation: one article, one URL, whatever tracking junk was appended."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["canonical_url", "strip_credentials"]

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
    tracking parameters, and sorts the query, so that reposted links share one id.

    Returns None for anything that is not an absolute http(s) URL.
    """
    if not url or not isinstance(url, str):
        return None
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


def strip_credentials(url: str | None) -> str | None:
    """Removes `user:password@` from a URL that is stored or logged."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
