"""Log lines and tracebacks of the command line with the secrets of URLs redacted.

newsbeam's own messages redact the URLs they name; this covers what others write: Beam's
and urllib3's log lines, an exception that quotes a feed's URL or an element holding one,
a traceback at exit. Set up by the `run` and `stream` commands, which read URLs.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from newsbeam.transforms.sources.redact import redact

__all__ = ["LOG_FORMAT", "RedactingFormatter", "redact_logs_and_tracebacks"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter whose whole output, traceback included, goes through `redact`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redact_logs_and_tracebacks(level: int = logging.INFO) -> None:
    """Logs to stderr through a `RedactingFormatter`, and prints uncaught exceptions
    redacted. A root logger that already has handlers (a host application's) keeps them."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])
    sys.excepthook = _print_redacted


def _print_redacted(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    sys.stderr.write(redact("".join(traceback.format_exception(kind, error, trace))))
