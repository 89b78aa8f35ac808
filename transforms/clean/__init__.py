"""Clean: normalised text and titles, boilerplate lines and credits removed, stable ids.

Beam glue: `clean_articles`. Rules: `rules` (what is boilerplate), `identity` (ids).
"""

from newsbeam.transforms.lazy_exports import lazy_exports

_EXPORTS = {
    "CleanArticles": ".clean_articles",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
