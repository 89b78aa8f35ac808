"""Ctrl-C during `newsbeam run`: one line and exit status 130, not Beam's traceback.

Beam catches a KeyboardInterrupt raised inside a transform, logs it with its traceback and
raises it again wrapped in a RuntimeError, so the interrupt cannot be told apart by its
type. `interruptible` notes that SIGINT came, lets it interrupt as Python's default
handler does, and keeps the interrupt's tracebacks out of the log.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator

__all__ = ["INTERRUPTED_STATUS", "interruptible"]

INTERRUPTED_STATUS = 130
"""128 + SIGINT, as a shell reports a command stopped by Ctrl-C."""


@contextlib.contextmanager
def interruptible() -> Iterator[threading.Event]:
    """An event set once SIGINT came: in the main thread, where SIGINT has Python's own
    handler; otherwise a plain context that changes nothing."""
    interrupted = threading.Event()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):  # elsewhere, SIGINT ignored (a shell's background job) or someone else's: untouched
        yield interrupted
        return

    def on_interrupt(signum: int, frame: object) -> None:
        interrupted.set()
        signal.default_int_handler(signum, frame)  # raises KeyboardInterrupt

    def not_the_interrupt(record: logging.LogRecord) -> bool:
        if not interrupted.is_set():
            return True
        exc_type = record.exc_info[0] if record.exc_info else None
        return exc_type is not KeyboardInterrupt and "KeyboardInterrupt" not in str(record.msg)

    handlers = logging.getLogger().handlers
    previous = signal.signal(signal.SIGINT, on_interrupt)
    for handler in handlers:
        handler.addFilter(not_the_interrupt)
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)
        for handler in handlers:
            handler.removeFilter(not_the_interrupt)
