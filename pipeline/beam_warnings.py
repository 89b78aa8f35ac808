"""Silences the warnings Beam logs when it is imported without an extra newsbeam never uses.

Without the `gcp` extra, importing Beam logs "apitools not found, and bigquery client
libraries are not available ..." on the root logger (from
`apache_beam.io.gcp.internal.clients.bigquery`), and it opened every `newsbeam` command,
`--help` included. newsbeam reads no BigQuery. Only those records are dropped: a filter
on the root logger, matching the module that logs them and the start of their message;
every other warning, Beam's included, is still shown.
"""

from __future__ import annotations

import logging

__all__ = ["OPTIONAL_EXTRA_WARNINGS", "silence_optional_extras"]

OPTIONAL_EXTRA_WARNINGS = (
    ("apache_beam/io/gcp/internal/clients/bigquery/__init__.py", "apitools not found"),
)
"""(the file that logs it, how its message starts) of each warning silenced."""


class _OptionalExtraFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        path = record.pathname.replace("\\", "/")
        message = str(record.msg)
        return not any(
            path.endswith(source) and message.startswith(start)
            for source, start in OPTIONAL_EXTRA_WARNINGS
        )


def silence_optional_extras() -> None:
    """Drops the warnings of `OPTIONAL_EXTRA_WARNINGS` from now on; call it before Beam is
    imported (they are logged once, at import). Calling it again adds nothing."""
    root = logging.getLogger()
    if not any(isinstance(existing, _OptionalExtraFilter) for existing in root.filters):
        root.addFilter(_OptionalExtraFilter())
