"""The country an article is about, or none: a country named once in passing beside others
is no focus.

An article on a phone, a recipe or a market names a country now and then; taking the
most salient country of every article as its focus gave such articles a country and put
them in that country's region. A focus must be named at least `FOCUS_MENTIONS` times
(places, demonyms and institutions together), in the title or in the dateline ("MOSCOW
(Reuters) -"), or, once is enough, be the only country the article names (a report from
one British town that names the town once), or the outlet's home country where its feed
names one (the country is still named in the text: a local paper's one mention of its
own town).
"""

from __future__ import annotations

from newsbeam.transforms.extract.entities import PLACE_LABELS, ArticleEntities

__all__ = ["FOCUS_MENTIONS", "main_country"]

FOCUS_MENTIONS = 2


def main_country(
    found: ArticleEntities,
    title: str | None,
    dateline: str | None = None,
    home_country: str | None = None,
) -> str | None:
    """The first of `found.countries` when the article names it `FOCUS_MENTIONS` times,
    in its title or in its dateline (the dateline's words), or at all when it is the
    outlet's `home_country` (a local paper's one mention of its own town) or the only
    country the article names; else None."""
    if not found.countries:
        return None
    top = found.countries[0]
    if top == home_country:
        return top
    named = [entity for entity in found.entities if entity.get("country") == top]
    mentions = sum(entity["count"] for entity in named)
    headline = [line for line in (title, dateline) if line]
    in_headline = any(entity["text"] in line for entity in named for line in headline)
    # The only country named is the focus where a place of it is named: a demonym or an
    # institution alone ("Italian olive oil") says who, not where.
    alone = len(found.countries) == 1 and any(e["label"] in PLACE_LABELS for e in named)
    return top if mentions >= FOCUS_MENTIONS or in_headline or alone else None
