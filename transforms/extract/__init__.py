"""Extract: entities, places resolved to countries and UN regions, language, quotations.

Beam glue: `extract_entities`, `normalise_across_articles` (spelling variants merged).
Rules: `entities` (spaCy pipeline and corrections), `geo` (gazetteer), `language`,
`quotes`, `mentions`, `name_spelling`, `name_variants`; word lists under `data/`.
"""

from newsbeam.transforms.lazy_exports import lazy_exports

_EXPORTS = {
    "ExtractEntities": ".extract_entities",
    "ArticleExtractor": ".article_extractor",
    "NormaliseAcrossArticles": ".normalise_across_articles",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
