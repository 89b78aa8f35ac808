"""`DedupeExact`: one row per article URL and per text, whatever the number of copies."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.transforms.dedupe.duplicate_rows import (
    DUPLICATES_TAG,
    REVISION,
    canonical_order,
    duplicate_row,
    revision_row,
)
from newsbeam.transforms.records import Tagged
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["CountDuplicates", "DedupeExact", "RepointDuplicates"]


class _KeepCanonicalFn(beam.DoFn):
    """For each group of copies, emits the canonical one and a duplicates row per other:
    `exact` when its text is the same, `revision` when it shares only the id (a changed
    story under one URL: one row per distinct text)."""

    def __init__(self) -> None:
        self._duplicates = Metrics.counter("newsbeam", "duplicates_exact")
        self._revisions = Metrics.counter("newsbeam", "duplicates_revision")

    def process(self, keyed_group):
        _key, copies = keyed_group
        ordered = sorted(copies, key=canonical_order)
        kept = ordered[0]
        yield kept
        revisions = set()
        for copy in ordered[1:]:
            text = copy["content_hash"]
            if text == kept["content_hash"]:
                self._duplicates.inc()
                yield Tagged(DUPLICATES_TAG, duplicate_row(copy, kept, "exact"))
                continue
            self._revisions.inc()
            if text in revisions:  # a second copy of one revision: an id of its own input
                yield Tagged(DUPLICATES_TAG, duplicate_row(copy, kept, REVISION, None))
            else:
                revisions.add(text)
                yield Tagged(DUPLICATES_TAG, revision_row(copy, kept["id"]))


class DedupeExact(beam.PTransform):
    """Cleaned articles -> {"articles": one per story, "duplicates": rows for the rest}.

    Two passes of GroupByKey: by `id` (same canonical URL), then by `content_hash` (same
    words under different URLs). The copy kept is the earliest published, ties by id, so the
    result does not depend on arrival order; every `duplicate_of` names an article kept.
    Grouping, not per-key state, keeps it correct on every runner; under windowing,
    duplicates are found within a window.
    """

    def expand(self, articles):
        by_id = (
            articles
            | "KeyById" >> beam.Map(lambda article: (article["id"], article))
            | "GroupById" >> beam.GroupByKey()
            | "KeepOnePerId" >> beam.ParDo(_KeepCanonicalFn())
            | "SplitIdCopies" >> SplitOutputs(DUPLICATES_TAG, main="articles")
        )
        by_content = (
            by_id.articles
            | "KeyByContent" >> beam.Map(lambda article: (article["content_hash"], article))
            | "GroupByContent" >> beam.GroupByKey()
            | "KeepOnePerContent" >> beam.ParDo(_KeepCanonicalFn())
            | "SplitContentCopies" >> SplitOutputs(DUPLICATES_TAG, main="articles")
        )
        # A copy found in the first pass may point to an article the second pass drops.
        repointed = {
            "duplicates": by_id.duplicates,
            "dropped": by_content.duplicates,
        } | "PointToKept" >> RepointDuplicates()
        duplicates = (repointed, by_content.duplicates) | "AllDuplicates" >> beam.Flatten()
        return {"articles": by_content.articles, "duplicates": duplicates}


class RepointDuplicates(beam.PTransform):
    """{"duplicates": rows, "dropped": rows of a later pass} -> `duplicates` rows whose
    `duplicate_of` is an article that is kept, so joins from duplicates never dangle.

    A row moved to the article kept says how it compares with that article: an exact copy
    of an article dropped as a near copy is itself a near copy, with the same similarity
    (its words are the dropped article's)."""

    def expand(self, inputs):
        moved = inputs["dropped"] | "KeptInstead" >> beam.Map(
            lambda row: (row["id"], (row["duplicate_of"], row["kind"], row["similarity"]))
        )
        earlier = inputs["duplicates"] | "KeyByKept" >> beam.Map(
            lambda row: (row["duplicate_of"], row)
        )
        return (
            {"duplicates": earlier, "moved": moved}
            | "JoinMoved" >> beam.CoGroupByKey()
            | "Repoint" >> beam.FlatMap(_point_to_kept)
        )


def _point_to_kept(joined):
    _dropped_id, grouped = joined
    kept_instead = list(grouped["moved"])
    for row in grouped["duplicates"]:
        if not kept_instead:
            yield row
            continue
        kept_id, kind, similarity = kept_instead[0]
        # An exact copy repeats the dropped article's words, so it compares with the
        # article kept as that one does; a revision's text is another, and stays one.
        if row["kind"] == "exact" and kind != "exact":
            row = {**row, "kind": kind, "similarity": similarity}
            # Counted where it was found as exact: moved, so the run's summary says near.
            Metrics.counter("newsbeam", "duplicates_exact").dec()
            Metrics.counter("newsbeam", f"duplicates_{kind}").inc()
        yield {**row, "duplicate_of": kept_id}


class CountDuplicates(beam.PTransform):
    """{"articles": kept articles, "duplicates": rows} -> articles with `duplicate_count`:
    how many copies of the story this run (or window) found."""

    def expand(self, inputs):
        counts = (
            inputs["duplicates"]
            | "KeyByKept" >> beam.Map(lambda row: (row["duplicate_of"], 1))
            | "CountPerKept" >> beam.CombinePerKey(sum)
        )
        keyed = inputs["articles"] | "KeyArticles" >> beam.Map(lambda a: (a["id"], a))
        return (
            {"article": keyed, "count": counts}
            | "JoinCounts" >> beam.CoGroupByKey()
            | "SetCount" >> beam.FlatMap(_with_count)
        )


def _with_count(joined):
    _id, grouped = joined
    count = sum(grouped["count"])
    for article in grouped["article"]:
        yield {**article, "duplicate_count": count}
