"""Opening a local file without ever blocking, and telling whether a path lies in a folder.

A FIFO opened for reading waits for a writer, forever; a device may never end or may act
on being opened. Only regular files are opened: the path is checked first, and the open
descriptor again, so an entry swapped in between cannot block the reader either. Light on
purpose (the standard library only): flag parsing and feed polling use it.
"""

from __future__ import annotations

import os
import stat

__all__ = ["NotARegularFileError", "file_kind", "is_within", "one_spelling", "open_regular_file"]


def one_spelling(path: str) -> str:
    """ "./samples/" -> "samples": a local path spelt one way, so that `input` and the ids
    of rejects name a file alike whatever the spelling. A path with ".." is left as given
    ("link/.." is the parent of the link's target, not the folder the link is in), and so
    is a URL."""
    if "://" in path or ".." in path.split(os.sep):
        return path
    return os.path.normpath(path)


class NotARegularFileError(OSError):
    """Raised instead of opening a FIFO, socket or device: reading one can block forever."""


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words, for a reject's detail."""
    kinds = (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def open_regular_file(path: str):
    """A binary file object for a local regular file; `NotARegularFileError`, unopened,
    for anything else. Opened non-blocking (a no-op on regular files), then checked again."""
    before = os.stat(path)
    if not stat.S_ISREG(before.st_mode):
        raise NotARegularFileError(f"{file_kind(before.st_mode)}: not read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise NotARegularFileError(f"{file_kind(opened.st_mode)}: not read")
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def is_within(path: str, root: str) -> bool:
    """True if the resolved `path` is `root` or below it (both absolute and resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
