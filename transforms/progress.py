"""What steps tell a command running them in the same process about how far they are.

The NER step counts the articles it has read (`note_extracted`); `newsbeam.progress`
shows the count while a run goes on. Where the step runs in other processes (DirectRunner
multi-process, Dask) the count stays in them and the command sees none of it.
"""

from __future__ import annotations

import threading

__all__ = ["extracted_so_far", "note_extracted"]

_extracted = 0
_lock = threading.Lock()


def note_extracted(articles: int) -> None:
    """`articles` more have been through NER in this process."""
    global _extracted
    with _lock:
        _extracted += articles


def extracted_so_far() -> int:
    with _lock:
        return _extracted
