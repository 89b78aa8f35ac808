"""What to keep from a crawl of everything: hosts, URL patterns, languages.

A CC-NEWS day holds every outlet in every language; a user backfilling a few outlets, or
German and French news, keeps a small share. Each rule is applied as early as it can be,
so a page left out costs little: hosts and URLs before the page is parsed, a language the
page declares (`<html lang>`, `Content-Language`) before its text is extracted, and only a
page that declares none is extracted to find its language (as the `language` column is
found). A page left out is skipped with its reason, counted in the runs row, not an input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["ArchiveFilter"]

_DECLARED_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([a-zA-Z]{2,3})", re.IGNORECASE)


@dataclass(frozen=True)
class ArchiveFilter:
    """`hosts`: these hosts and their subdomains; `url_pattern`: URLs it matches (searched,
    not anchored); `languages`: ISO 639-1 codes. None keeps everything for that rule."""

    hosts: frozenset[str] | None = None
    url_pattern: str | None = None
    languages: frozenset[str] | None = None

    def before_reading(self, url: str) -> str | None:
        """Why a record is skipped from its URL alone, or None to read it."""
        if self.hosts is not None and not _host_in(url, self.hosts):
            return "host_not_included"
        if self.url_pattern is not None and not re.search(self.url_pattern, url):
            return "url_not_included"
        return None

    def before_extraction(self, page: bytes, content_language: str | None) -> str | None:
        """Why a page is skipped from the language it declares, or None to extract it."""
        if self.languages is None:
            return None
        declared = _declared_language(page, content_language)
        if declared is not None and declared not in self.languages:
            return "language_not_included"
        return None

    def after_extraction(
        self, record: dict, page: bytes, content_language: str | None
    ) -> str | None:
        """Why an extracted page of no declared language is skipped, or None to keep it."""
        if self.languages is None or _declared_language(page, content_language) is not None:
            return None
        # Here, not at import: naming the filter (flag parsing) must not load the models.
        from newsbeam.transforms.extract.article_extractor import article_language

        if article_language(record) not in self.languages:
            return "language_not_included"
        return None


def _host_in(url: str, hosts: frozenset[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    while host:
        if host in hosts:
            return True
        host = host.partition(".")[2]
    return False


def _declared_language(page: bytes, content_language: str | None) -> str | None:
    found = _DECLARED_LANG.search(page[:4096])
    if found:
        return found.group(1).decode("ascii").lower()
    if content_language and content_language.strip():
        return content_language.split(",")[0].split("-")[0].strip().lower() or None
    return None
