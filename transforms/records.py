"""The plain-dict records that flow between stages, and the reject row every stage emits.

Elements are dicts keyed by the column names of `schemas.tables`, so that writing a row is
a lookup, not a mapping; a stage builds a new dict instead of mutating its input.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

__all__ = ["REJECTS_TAG", "reject", "Stage"]

REJECTS_TAG = "rejects"


class Stage:
    """Names of the stages that can reject an input; they appear in `rejects.stage`."""

    FEED = "feed"
    FETCH = "fetch"
    READ = "read"
    CLEAN = "clean"
    EXTRACT = "extract"
    WRITE = "write"


def reject(
    input_ref: str,
    stage: str,
    reason: str,
    detail: str | None,
    ingested_at: datetime,
    source: str | None = None,
) -> dict:
    """A `rejects` row. `reason` is a short code to group by; `detail` a sentence for people.

    The id depends only on what was rejected and why, so a re-run does not add it twice.
    """
    key = f"{input_ref}\x1f{stage}\x1f{reason}".encode()
    return {
        "reject_id": hashlib.sha256(key).hexdigest()[:32],
        "input": input_ref,
        "stage": stage,
        "reason": reason,
        "detail": detail[:500] if detail else detail,
        "source": source,
        "ingested_at": ingested_at,
    }
