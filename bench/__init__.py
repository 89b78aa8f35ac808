"""Benchmarks: run `python -m bench` (or `python -m bench.<name>`); numbers go in
docs/performance.md, not in tests. The helpers here are shared by the harness and the stream
test."""

from __future__ import annotations

import os
import sys

__all__ = ["newsbeam_command", "save_results", "tree_rss"]

RESULTS = os.path.join(os.path.dirname(__file__), "results")
"""Where each benchmark's figures are kept, one JSON file a run."""


def save_results(results: dict, name: str, directory: str = RESULTS) -> str:
    """Writes `results` as `<UTC time>-<name>.json` in `directory`; returns the path."""
    import json
    from datetime import UTC, datetime

    os.makedirs(directory, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(directory, f"{stamp}-{name}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, default=str)
        handle.write("\n")
    return path


def newsbeam_command() -> list[str]:
    """The `newsbeam` command of this interpreter's environment, as a user runs it."""
    script = os.path.join(os.path.dirname(sys.executable), "newsbeam")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "newsbeam.cli"]


def tree_rss(root) -> int:
    """RSS in bytes of a `psutil.Process` and all its descendants, summed; a member that
    exits while being read counts 0 (the root's own exit raises `psutil.Error`)."""
    import psutil

    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total
