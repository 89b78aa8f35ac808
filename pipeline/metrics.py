"""The pipeline's Beam counters, read back from a finished run."""

from __future__ import annotations

__all__ = ["newsbeam_counters"]


def newsbeam_counters(result) -> dict[str, int]:
    """Committed values of every counter in the `newsbeam` namespace, summed over steps.

    Empty on runners that keep no metrics (Beam's DaskRunner raises NotImplementedError):
    the run's accounting, in the `runs` table, does not depend on them.
    """
    counters: dict[str, int] = {}
    try:
        queried = result.metrics().query()["counters"]
    except NotImplementedError:
        return counters
    for counter in queried:
        if counter.key.metric.namespace == "newsbeam":
            name = counter.key.metric.name
            counters[name] = counters.get(name, 0) + (counter.committed or 0)
    return counters
