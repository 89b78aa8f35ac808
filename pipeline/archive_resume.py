"""Resuming a backfill: web archive files an earlier run read whole are not read again.

A backfill over a year of daily CC-NEWS files (a GB each) is many runs, one per chunk of
files (`newsbeam.chunks`), each with its `runs` row. Each row names the archive files it
read (`runs.archives`: path, bytes). A run over the same list after a kill or a failure
leaves out the files some balanced earlier run read whole, instead of reading a GB to
find every row already written. A file is the same file when its path (as stored, its
secrets redacted) and its size are; other inputs are read again as before (their keys
make the rerun add nothing).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from newsbeam.transforms.sources.article_files import format_of
from newsbeam.transforms.sources.local_files import one_spelling
from newsbeam.transforms.sources.redact import redact

__all__ = ["archives_already_read", "archives_of"]


def archives_of(paths: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """(path as stored, bytes) of the web archive files among `paths` (only they are
    sized: a request each on an object store)."""
    from newsbeam.chunks import file_sizes

    archives = [path for path in paths if format_of(path) == "warc"]
    return tuple(zip(map(redact, archives), file_sizes(archives), strict=True))


def archives_already_read(output_dir: str) -> set[tuple[str, int]]:
    """(path, bytes) of the archive files that balanced runs into `output_dir` read."""
    if "://" not in output_dir and not os.path.isdir(os.path.join(output_dir, "runs")):
        return set()
    from newsbeam.query import connect

    with connect(output_dir) as db:
        rows = db.execute(
            "SELECT DISTINCT a.path, a.bytes FROM runs CROSS JOIN unnest(runs.archives) AS t(a) "
            "WHERE runs.balanced"
        ).fetchall()
    # Compared as `--input` spells paths now ("./a.warc.gz" is "a.warc.gz"), so that an
    # archive recorded by an older run is not read again.
    return {(one_spelling(path), size) for path, size in rows}
