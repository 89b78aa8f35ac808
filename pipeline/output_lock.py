"""One writer per output directory: a `run` or `stream` holds `DIR/_state/writer.lock`.

Two writers into one directory would each see the other's keys as new and write them
twice, for good: the key check runs before either has written. The lock is an advisory
`flock` on a file that also names its holder (pid, host, command, start), so the refusal
can say who holds it. The kernel drops a `flock` when its holder dies however it dies,
so a lock left by a killed run is stale by construction: the next writer takes it and
says whose it was. Object-store outputs (`gs://`, `s3://`) have no such lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

from newsbeam.schemas.layout import writer_lock_path

__all__ = ["OutputLocked", "hold_output", "lock_holder"]

_LOG = logging.getLogger(__name__)


class OutputLocked(ValueError):
    """Another live `newsbeam run` or `stream` is writing into the output directory."""


def lock_holder(output: str) -> dict | None:
    """What the lock file of `output` says of its last holder; None if there is none."""
    try:
        with open(writer_lock_path(output), encoding="utf-8") as handle:
            return _parse_holder(handle.read())
    except OSError:
        return None


@contextlib.contextmanager
def hold_output(output: str, command: str) -> Iterator[None]:
    """Holds the writer lock of a local `output` for the block; raises OutputLocked if a
    live process holds it. Nothing is locked for an object-store output."""
    if "://" in output:
        _LOG.warning("no writer lock on %s: make sure one newsbeam writes there at a time", output)
        yield
        return
    path = writer_lock_path(output)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(descriptor, output)
        previous = _parse_holder(os.pread(descriptor, 65536, 0).decode("utf-8", "replace"))
        if previous:
            _LOG.warning(
                "took over the writer lock of %s, left by a newsbeam that did not finish (%s)",
                output,
                _describe(previous),
            )
        _write_holder(descriptor, command)
        try:
            yield
        finally:
            # An empty file is a released lock; the file stays, so that a writer starting
            # now cannot lock an inode that is about to be unlinked.
            os.ftruncate(descriptor, 0)
    finally:
        os.close(descriptor)


def _lock(descriptor: int, output: str) -> None:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _parse_holder(os.pread(descriptor, 65536, 0).decode("utf-8", "replace"))
        raise OutputLocked(
            f"another newsbeam is writing to {output} ({_describe(holder)}): one writer per "
            "output directory; wait for it to finish, stop it, or choose another --output"
        ) from None
    except OSError as error:
        if error.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            raise
        _LOG.warning("the file system of %s cannot lock files: one writer is not enforced", output)


def _write_holder(descriptor: int, command: str) -> None:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": command,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, (json.dumps(holder) + "\n").encode(), 0)


def _parse_holder(text: str) -> dict | None:
    try:
        holder = json.loads(text)
    except ValueError:
        return None
    return holder if isinstance(holder, dict) else None


def _describe(holder: dict | None) -> str:
    if not holder:
        return "holder unknown"
    return (
        f"`newsbeam {holder.get('command', '?')}`, pid {holder.get('pid', '?')} on host "
        f"{holder.get('host', '?')}, since {holder.get('started_at', '?')}"
    )
