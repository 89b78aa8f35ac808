"""The pipeline's Beam counters, read back from a finished run."""

from __future__ import annotations

__all__ = ["newsbeam_counters"]


def newsbeam_counters(result) -> dict[str, int]:
    """Committed values of every counter in the `newsbeam` namespace, summed over steps."""
    counters: dict[str, int] = {}
    for counter in result.metrics().query()["counters"]:
        if counter.key.metric.namespace == "newsbeam":
            name = counter.key.metric.name
            counters[name] = counters.get(name, 0) + (counter.committed or 0)
    return counters
