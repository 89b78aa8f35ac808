"""Write: rows checked against the schemas, Parquet files written atomically, accounting.

Beam glue: `validate_rows`, `write_tables` (and the `runs` row), `tally_outcomes`.
Rules: `parquet_files` (paths, atomic writes, keys already written), `accounting`.
"""

from newsbeam.transforms.lazy_exports import lazy_exports

_EXPORTS = {
    "ValidateRows": ".validate_rows",
    "WriteTables": ".write_tables",
    "WriteRunRow": ".write_tables",
    "TallyOutcomes": ".tally_outcomes",
}
__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
