"""Spelling variants of one name across articles, merged: "Stephane Dujjaric" and
"Stephane Dujarric" are one person, whichever article misspelt him.

Pure clustering (`cluster_variants`) and the Beam pass around it (`NormaliseAcrossArticles`):
names are totalled per (label, name) over all articles, grouped into blocks that can hold
variants of one another (same label, same initials), clustered within each block, and the
variant -> canonical mapping (small) is applied to every article as a side input. The
canonical form is the spelling found in most articles, then the most mentioned, then the
one that reads most like a name (`name_spelling`). Every merge is a row of `entity_variants`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import apache_beam as beam
from apache_beam.metrics import Metrics
from rapidfuzz import fuzz

from transforms.name_spelling import spelling_score

__all__ = ["NormaliseAcrossArticles", "apply_variants", "block_key", "cluster_variants"]

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


def cluster_variants(names: Iterable[tuple[str, int, int]]) -> dict[str, tuple[str, int]]:
    """(name, mentions, articles) of one block -> {variant: (canonical, variant's mentions)}.

    Only names that differ from their canonical form appear in the result.
    """
    totals: dict[str, int] = {}
    articles: dict[str, int] = {}
    for name, count, in_articles in names:
        totals[name] = totals.get(name, 0) + count
        articles[name] = articles.get(name, 0) + in_articles
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
            key=lambda name: (articles[name], totals[name], spelling_score(name), name),
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


class _ApplyFn(beam.DoFn):
    def __init__(self) -> None:
        self._changed = Metrics.counter("newsbeam", "articles_with_merged_variants")

    def process(self, article, variants):
        updated = apply_variants(article, variants)
        if updated is not article and updated["entities"] != article["entities"]:
            self._changed.inc()
        yield updated


def _add_counts(counts: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """(mentions, articles) summed; associative, so Beam may combine in any order."""
    mentions = articles = 0
    for more_mentions, more_articles in counts:
        mentions += more_mentions
        articles += more_articles
    return mentions, articles


def _variant_rows(block, ingested_at_of_run):
    _key, names = block
    label = _key.split("|", 1)[0]
    for variant, (canonical, mentions) in cluster_variants(names).items():
        key = f"{label}\x1f{variant}\x1f{canonical}".encode()
        yield {
            "variant_id": hashlib.sha256(key).hexdigest()[:32],
            "label": label,
            "variant": variant,
            "canonical": canonical,
            "mentions": mentions,
            "ingested_at": ingested_at_of_run,
        }


class NormaliseAcrossArticles(beam.PTransform):
    """Article rows -> {"articles": rows with merged names, "variants": entity_variants rows}.

    Runs per window under windowing. Blocks are small (one label, one pair of initials,
    one word count), so clustering is parallel and its pairwise cost stays bounded.
    """

    def expand(self, articles):
        from datetime import UTC, datetime

        now = datetime.now(UTC)
        names = (
            articles
            | "EntityNames"
            >> beam.FlatMap(
                lambda a: [
                    ((e["label"], e["canonical"]), (e["count"], 1))
                    for e in a["entities"]
                    if e["label"] in _LABELS and e["canonical"].strip()
                ]
            )
            | "TotalPerName" >> beam.CombinePerKey(_add_counts)
        )
        variants = (
            names
            | "ByBlock" >> beam.Map(lambda item: (block_key(*item[0]), (item[0][1], *item[1])))
            | "GroupBlocks" >> beam.GroupByKey()
            | "Cluster" >> beam.FlatMap(_variant_rows, now)
        )
        mapping = variants | "AsMapping" >> beam.Map(
            lambda row: ((row["label"], row["variant"]), row["canonical"])
        )
        merged = articles | "ApplyVariants" >> beam.ParDo(_ApplyFn(), beam.pvalue.AsDict(mapping))
        return {"articles": merged, "variants": variants}
