"""`CrossWindowDedupe`: near-duplicates across windows of a streaming pipeline.

After `NearDedupe` has settled each window, the articles it kept are checked against an
index of earlier windows held in Beam keyed state: one entry list per LSH band key, so
each article touches only the `bands` lists its signature falls in. Each entry remembers
its story's root (the article kept when that story first arrived), so a copy arriving
hours later is recorded against the article on disk. Entries older than `expiry` seconds
of event time (measured from the newest entry of that band, so arrival order does not
matter) are dropped, and a band keeps at most `max_per_band` entries: the state is bounded
whatever the stream's length. Used on true streaming runners; local streams use the
MinHash index beside the output instead.
"""

from __future__ import annotations

import typing

import apache_beam as beam
import numpy as np
from apache_beam import DoFn
from apache_beam.coders import PickleCoder
from apache_beam.metrics import Metrics
from apache_beam.transforms import window
from apache_beam.transforms.userstate import BagStateSpec, ReadModifyWriteStateSpec

from newsbeam.transforms.dedupe.duplicate_rows import duplicate_row
from newsbeam.transforms.dedupe.minhash import (
    MINHASH_FIELD,
    MinHashParams,
    band_keys,
    estimated_jaccard,
)
from newsbeam.transforms.records import Tagged
from newsbeam.transforms.split_outputs import SplitOutputs

__all__ = ["CrossWindowDedupe"]


class _BandIndexFn(DoFn):
    """(band key, (id, signature)) -> (id, (root id or None, similarity)), one per band."""

    ENTRIES = ReadModifyWriteStateSpec("band_entries", PickleCoder())

    def __init__(self, threshold: float, expiry: float, max_per_band: int) -> None:
        self._threshold = threshold
        self._expiry = expiry
        self._max_per_band = max_per_band
        self._expired = Metrics.counter("newsbeam", "neardup_index_expired")

    def process(self, element, timestamp=DoFn.TimestampParam, entries=DoFn.StateParam(ENTRIES)):
        _band, (article_id, signature) = element
        seen_at = float(timestamp)
        stored = entries.read() or []
        newest = max([seen_at] + [entry[3] for entry in stored])
        fresh = [entry for entry in stored if entry[3] >= newest - self._expiry]
        self._expired.inc(len(stored) - len(fresh))
        root, best = article_id, 0.0
        for other_id, other_signature, other_root, _when in fresh:
            if other_id == article_id:
                continue
            similarity = estimated_jaccard(signature, other_signature)
            if similarity >= self._threshold and similarity > best:
                root, best = other_root, similarity
        yield article_id, (root if root != article_id else None, best)
        fresh.append((article_id, signature, root, seen_at))
        entries.write(sorted(fresh, key=lambda entry: entry[3])[-self._max_per_band :])


class _GatherFn(DoFn):
    """Per article id: waits for the article and its result from every band, then decides.

    Keyed state in the global window rather than a windowed join, so a late article and its
    late band results meet whatever panes the runner fires; the state is cleared once the
    article is decided, so it holds only articles in flight.
    """

    ARTICLE = ReadModifyWriteStateSpec("article", PickleCoder())
    RESULTS = BagStateSpec("band_results", PickleCoder())

    def __init__(self, bands: int) -> None:
        self._bands = bands
        self._later = Metrics.counter("newsbeam", "duplicates_near_across_windows")

    def process(
        self,
        element,
        article_state=DoFn.StateParam(ARTICLE),
        results_state=DoFn.StateParam(RESULTS),
    ):
        _id, (kind, value) = element
        if kind == "article":
            article_state.write(value)
        else:
            results_state.add(value)
        article = article_state.read()
        results = list(results_state.read())
        if article is None or len(results) < self._bands:
            return
        article_state.clear()
        results_state.clear()
        matches = sorted((r for r in results if r[0] is not None), key=lambda r: (-r[1], r[0]))
        if not matches:
            yield article
            return
        self._later.inc()
        root, similarity = matches[0]
        row = duplicate_row(article, {"id": root}, "near", round(similarity, 4))
        yield Tagged("duplicates", row)


class CrossWindowDedupe(beam.PTransform):
    """Windowed kept articles (with `_minhash`) -> {"articles", "duplicates"} (streaming)."""

    def __init__(
        self, params: MinHashParams, expiry: float = 7 * 86_400.0, max_per_band: int = 10_000
    ) -> None:
        super().__init__()
        if expiry <= 0 or max_per_band < 1:
            raise ValueError("CrossWindowDedupe needs a positive expiry and max_per_band")
        self._params = params
        self._expiry = expiry
        self._max_per_band = max_per_band

    def expand(self, articles):
        params = self._params
        windowing = articles.windowing
        # Keyed state lives per window: the index must span windows, so this step works in
        # the global window, and what it decides goes back to the articles' windows.
        in_global = articles | "AcrossWindows" >> beam.WindowInto(window.GlobalWindows())
        band_results = (
            in_global
            | "BandEntries"
            >> beam.FlatMap(
                lambda a: [
                    (key, (a["id"], np.asarray(a[MINHASH_FIELD])))
                    for key in band_keys(a[MINHASH_FIELD], params)
                ]
            ).with_output_types(tuple[str, typing.Any])  # str keys: deterministic for state
            | "MatchEarlierWindows"
            >> beam.ParDo(_BandIndexFn(params.threshold, self._expiry, self._max_per_band))
            | "TagResults" >> beam.Map(lambda item: (item[0], ("result", item[1])))
        )
        tagged_articles = in_global | "TagArticles" >> beam.Map(lambda a: (a["id"], ("article", a)))
        decided = (
            (tagged_articles, band_results)
            | "ArticlesAndResults" >> beam.Flatten()
            | "KeyedById" >> beam.Map(lambda item: item).with_output_types(tuple[str, typing.Any])
            | "Decide" >> beam.ParDo(_GatherFn(params.bands))
            | "SplitDuplicates" >> SplitOutputs("duplicates", main="articles")
        )
        rewindow = {
            "windowfn": windowing.windowfn,
            "trigger": windowing.triggerfn,
            "accumulation_mode": windowing.accumulation_mode,
            "allowed_lateness": windowing.allowed_lateness,
        }
        return {
            "articles": decided.articles | "ArticlesBack" >> beam.WindowInto(**rewindow),
            "duplicates": decided.duplicates | "DuplicatesBack" >> beam.WindowInto(**rewindow),
        }
