"""Which spellings of a name are one entity, and the article with its variants merged.

Pure rules of `normalise_across_articles`: names can be variants of one another only within
a block (same label, same initials, same word count); within it, every word but the last
must match and the last may differ by a misspelling.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from newsbeam.transforms.extract.name_spelling import spelling_score

__all__ = ["apply_variants", "block_key", "cluster_variants"]

_LABELS = frozenset({"PERSON", "ORG"})
_LAST_NAME_RATIO = 82.0


def block_key(label: str, name: str) -> str:
    """Names that could be variants of each other share a block: label and initials."""
    words = name.split()
    return f"{label}|{words[0][:1].upper()}|{words[-1][:1].upper()}|{len(words)}"


def _same_entity(first: str, second: str) -> bool:
    """Conservative: same word count and every word equal but the last, which may differ by
    a misspelling (ratio >= 82, six letters or more)."""
    a, b = first.split(), second.split()
    if len(a) != len(b) or a[:-1] != b[:-1] or first == second:
        return False
    last_a, last_b = a[-1], b[-1]
    return min(len(last_a), len(last_b)) >= 6 and fuzz.ratio(last_a, last_b) >= _LAST_NAME_RATIO


def cluster_variants(
    names: Iterable[tuple[str, int, int] | tuple[str, int, int, int]],
) -> dict[str, tuple[str, int]]:
    """(name, mentions, articles[, times written]) of one block -> {variant: (canonical,
    variant's mentions)}. The canonical is the name in most articles, then of most
    mentions, then written most often in the texts, then `spelling_score`'s.

    Only names that differ from their canonical form appear in the result.
    """
    totals: dict[str, int] = {}
    articles: dict[str, int] = {}
    written: dict[str, int] = {}
    for name, count, in_articles, *times_written in names:
        totals[name] = totals.get(name, 0) + count
        articles[name] = articles.get(name, 0) + in_articles
        written[name] = written.get(name, 0) + sum(times_written)
    parent = {name: name for name in totals}

    def find(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    ordered = sorted(totals)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if _same_entity(first, second):
                parent[find(second)] = find(first)
    clusters: dict[str, list[str]] = {}
    for name in ordered:
        clusters.setdefault(find(name), []).append(name)
    mapping = {}
    for members in clusters.values():
        canonical = max(
            members,
            key=lambda name: (
                articles[name],
                totals[name],
                written[name],
                spelling_score(name),
                name,
            ),
        )
        for name in members:
            if name != canonical:
                mapping[name] = (canonical, totals[name])
    return mapping


def apply_variants(article: dict, variants: dict[tuple[str, str], str]) -> dict:
    """The article with merged canonical names; entities that become one are summed."""
    if not variants:
        return article
    merged: dict[tuple[str, str], dict] = {}
    order: list[tuple[str, str]] = []
    for entity in article["entities"]:
        canonical = variants.get((entity["label"], entity["canonical"]), entity["canonical"])
        key = (entity["label"], canonical)
        if key in merged:
            merged[key] = {**merged[key], "count": merged[key]["count"] + entity["count"]}
        else:
            merged[key] = {**entity, "canonical": canonical}
            order.append(key)
    entities = sorted((merged[key] for key in order), key=lambda e: -e["count"])

    def names(label: str) -> list[str]:
        return [e["canonical"] for e in entities if e["label"] == label]

    quotes = [
        {**quote, "speaker": variants.get(("PERSON", quote["speaker"]), quote["speaker"])}
        for quote in article.get("quotes", [])
    ]
    return {
        **article,
        "entities": entities,
        "persons": names("PERSON"),
        "organizations": names("ORG"),
        "quotes": quotes,
    }
