"""Spelling variants of one name across articles, merged: "Stephane Dujjaric" and
"Stephane Dujarric" are one person, whichever article misspelt him.

Pure clustering (`cluster_variants`) and the Beam pass around it (`NormaliseAcrossArticles`):
names are totalled per (label, name) over all articles, grouped into blocks that can hold
variants of one another (same label, same initials), clustered within each block, and the
variant -> canonical mapping (small) is applied to every article as a side input. The
canonical form is the spelling found in most articles, then the most mentioned, then the
one the texts write most often, then the one that reads most like a name
(`name_spelling`). Every merge is a row of `entity_variants`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.transforms.extract.name_variants import (
    _LABELS,
    apply_variants,
    block_key,
    cluster_variants,
)

__all__ = ["NormaliseAcrossArticles"]


class _ApplyFn(beam.DoFn):
    def __init__(self) -> None:
        self._changed = Metrics.counter("newsbeam", "articles_with_merged_variants")

    def process(self, article, variants):
        updated = apply_variants(article, variants)
        if updated is not article and updated["entities"] != article["entities"]:
            self._changed.inc()
        yield updated


def _add_counts(counts: Iterable[tuple[int, int, int]]) -> tuple[int, int, int]:
    """(mentions, articles, times written) summed; associative, so Beam may combine in any
    order."""
    mentions = articles = written = 0
    for more_mentions, more_articles, more_written in counts:
        mentions += more_mentions
        articles += more_articles
        written += more_written
    return mentions, articles, written


def _times_written(article: dict, name: str) -> int:
    """How often the article's title and text write the name as it is: the model may tag
    one of two "Zamazenta Edition" and the one "Zamazenta Editino", where the text says
    which spelling is the publisher's."""
    whole = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    return len(whole.findall(article.get("title") or "")) + len(
        whole.findall(article.get("text") or "")
    )


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
                    (
                        (e["label"], e["canonical"]),
                        (e["count"], 1, _times_written(a, e["canonical"])),
                    )
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
