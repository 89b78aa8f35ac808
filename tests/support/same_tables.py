"""Two outputs of the same input compared table by table, as runners must agree."""

from __future__ import annotations

from pathlib import Path

from newsbeam.query import connect

# Every table an analyst reads, stories included: the same input gives the same rows.
COMPARED_TABLES = (
    "articles", "duplicates", "rejects", "entity_variants", "stories", "story_merges",
)  # fmt: skip
# Columns that differ between two runs of the same input by design: the run's clock, and
# a story's times, which for an undated article (one seed) are its ingestion time, and the
# CPU time an article's extraction took.
PER_RUN_COLUMNS = {"ingested_at", "first_published_at", "last_published_at", "extraction_ms"}


def table_rows(output: Path, table: str) -> list[tuple]:
    """A table's rows without the per-run columns, in a stable order."""
    db = connect(str(output))
    columns = [c[0] for c in db.execute(f"SELECT * FROM {table} LIMIT 0").description]
    kept = ", ".join(f'"{c}"' for c in columns if c not in PER_RUN_COLUMNS)
    return sorted(db.execute(f"SELECT {kept} FROM {table}").fetchall(), key=repr)


def direct_output(sources: list[str], folder: Path) -> Path:
    """`newsbeam run SOURCES` on the in-process DirectRunner into `folder`: what other
    runners are held to."""
    from tests.support.run_cli import newsbeam

    newsbeam("run", *sources, "--output", str(folder))
    return folder
