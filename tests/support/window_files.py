"""Output folders as a local stream leaves them, for the compaction tests: one small file
per window in each partition it wrote into and in each flat table."""

from __future__ import annotations

import os
import time
from datetime import date, timedelta

from newsbeam.query import connect
from newsbeam.schemas import ARTICLES, DUPLICATES, REJECTS, RUNS, TABLES
from newsbeam.transforms.write.parquet_files import partition_dir, write_rows
from tests.support.builders import article_row, duplicate_row, reject_row, run_row

__all__ = ["REGIONS", "age_files", "all_rows", "table_files", "write_window"]

REGIONS = ("western-asia", "eastern-africa", "northern-europe")


def write_window(output: str, window: int, regions: tuple[str, ...] = REGIONS) -> None:
    """What one stream window writes: an article into each region of one of two days, a
    duplicate, a reject and its runs row, each a file of its own."""
    day = date(2025, 3, 1) + timedelta(days=window % 2)
    for region in regions:
        row = article_row(
            id=f"{window:04d}{region}".ljust(32, "0")[:32],
            url=f"https://x.test/{window}/{region}",
            title=f"Window {window} in {region}",
            date=day,
            region=region,
        )
        write_rows(output, ARTICLES, partition_dir(ARTICLES, row), [row])
    write_rows(output, DUPLICATES, "", [duplicate_row(id=f"dup{window:04d}".ljust(32, "0"))])
    write_rows(output, REJECTS, "", [reject_row(input_ref=f"w{window}.txt")])
    write_rows(output, RUNS, "", [run_row(run_id=f"run{window:04d}")])


def age_files(output: str, seconds: float) -> None:
    """Makes every file of the output look written `seconds` ago."""
    then = time.time() - seconds
    for root, _dirs, files in os.walk(output):
        for name in files:
            os.utime(os.path.join(root, name), (then, then))


def all_rows(output: str) -> dict[str, list[tuple]]:
    """Every row of every table, as the DuckDB views read them, in a stable order."""
    db = connect(output)
    try:
        return {
            name: db.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() for name in TABLES
        }
    finally:
        db.close()


def table_files(output: str, table: str) -> list[str]:
    """The files of one table, relative to its folder."""
    folder = os.path.join(output, table)
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _dirs, names in os.walk(folder)
        for name in names
    )
