"""Explicit pyarrow schemas of every table newsbeam writes.

One place names a column: writers, readers, the DuckDB views and the README's column
reference all follow these definitions.
"""

from newsbeam.schemas.tables import (
    ARTICLES,
    DUPLICATES,
    ENTITY_VARIANTS,
    MINHASH_INDEX,
    REJECTS,
    RUNS,
    SCHEMA_VERSION,
    SOURCE_HEALTH,
    STORIES,
    STORY_MERGES,
    TABLES,
    Table,
)

__all__ = [
    "ARTICLES",
    "DUPLICATES",
    "ENTITY_VARIANTS",
    "MINHASH_INDEX",
    "REJECTS",
    "RUNS",
    "SCHEMA_VERSION",
    "SOURCE_HEALTH",
    "STORIES",
    "STORY_MERGES",
    "TABLES",
    "Table",
]
