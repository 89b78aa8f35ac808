"""The output directory before a run: can it take files, and what earlier runs left to tidy.

Both happen before any graph is built: a full disk or a read-only mount should stop a run
in a second, not on its first write after an hour of NLP.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime

from newsbeam.schemas.layout import temporary_dir

__all__ = ["STALE_TEMPORARY_S", "check_writable", "tidy"]

_LOG = logging.getLogger(__name__)

STALE_TEMPORARY_S = 3600
"""A temporary file this old belongs to a killed run: no single file takes an hour to write."""


def check_writable(output: str, min_free_bytes: int) -> None:
    """Raises ValueError when a local output directory cannot take a file, or its disk has
    less than `min_free_bytes` free."""
    probe_dir = temporary_dir(output)
    probe = os.path.join(probe_dir, f".probe-{os.getpid()}")
    try:
        os.makedirs(probe_dir, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"newsbeam")
        os.remove(probe)
    except OSError as error:
        raise ValueError(f"cannot write to --output {output}: {error.strerror or error}") from None
    free = shutil.disk_usage(output).free
    if free < min_free_bytes:
        raise ValueError(
            f"the disk of --output {output} is full: {free:,} bytes free, "
            f"--min-free-bytes={min_free_bytes:,}"
        )


def tidy(output: str, index_cutoff: datetime) -> None:
    """Deletes MinHash index files older than `index_cutoff`, and the temporary files of
    killed runs, so that neither grows without bound across runs."""
    # Here, not above: the probe runs before every run and stream, and needs neither.
    from newsbeam.transforms.dedupe.index_files import prune_index
    from newsbeam.transforms.write.parquet_files import remove_stale_temporary

    expired = prune_index(output, index_cutoff)
    if expired:
        _LOG.info("expired %d MinHash index files", expired)
    stale = remove_stale_temporary(output, STALE_TEMPORARY_S)
    if stale:
        _LOG.info("removed %d temporary files of killed runs", stale)
