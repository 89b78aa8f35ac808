"""The pipeline's Beam metrics, read back from a finished run: its counters, and the feeds
that failed entirely."""

from __future__ import annotations

from newsbeam.transforms.sources.feed_failures import FEED_FAILURES_METRIC, FeedFailure

__all__ = ["failed_feeds", "newsbeam_counters"]


def newsbeam_counters(result) -> dict[str, int]:
    """Committed values of every counter in the `newsbeam` namespace, summed over steps.

    Empty on runners that keep no metrics (Beam's DaskRunner raises NotImplementedError):
    the run's accounting, in the `runs` table, does not depend on them. On Dask, instead,
    `dask_tasks`: how many tasks the run's graph had.
    """
    counters: dict[str, int] = {}
    if isinstance(getattr(result, "tasks", None), int):  # newsbeam's Dask runner
        counters["dask_tasks"] = result.tasks
    try:
        queried = result.metrics().query()["counters"]
    except NotImplementedError:
        return counters
    for counter in queried:
        if counter.key.metric.namespace == "newsbeam":
            name = counter.key.metric.name
            counters[name] = counters.get(name, 0) + (counter.committed or 0)
    return counters


def failed_feeds(result) -> list[FeedFailure] | None:
    """The feeds that failed entirely in the run, sorted; None on a runner that keeps no
    metrics (Beam's DaskRunner), where only the runs row's count of feed rejects tells."""
    try:
        queried = result.metrics().query()
    except NotImplementedError:
        return None
    notes: set[str] = set()
    for string_set in queried.get("string_sets", []):
        metric = string_set.key.metric
        if (metric.namespace, metric.name) == ("newsbeam", FEED_FAILURES_METRIC):
            notes |= set(string_set.committed or ())
    return sorted(FeedFailure.from_note(note) for note in notes)
