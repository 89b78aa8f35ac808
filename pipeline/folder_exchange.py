"""Two folders swapped in one step, so that a reader sees one or the other, never neither.

Linux's `renameat2(..., RENAME_EXCHANGE)` swaps two paths atomically (glibc 2.28, Linux
3.15; ext4, xfs, btrfs, tmpfs and overlayfs support it). Python's `os` has no binding, so
it is called through ctypes. Two plain renames would leave an instant where the folder is
missing, and one where the old and new files are both listed.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys

__all__ = ["FolderExchangeUnsupported", "exchange_folders", "fsync_folder"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class FolderExchangeUnsupported(OSError):
    """The platform or file system cannot exchange two folders atomically."""


def exchange_folders(first: str, second: str) -> None:
    """Swaps `first` and `second` (both existing, on one file system) in one step."""
    if not sys.platform.startswith("linux"):
        raise FolderExchangeUnsupported(
            errno.ENOSYS, f"no atomic folder exchange on {sys.platform} (Linux only)"
        )
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise FolderExchangeUnsupported(errno.ENOSYS, "this C library has no renameat2")
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    status = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if status != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise FolderExchangeUnsupported(
                code, f"the file system of {first} cannot exchange folders atomically"
            )
        raise OSError(code, os.strerror(code), first)


def fsync_folder(path: str) -> None:
    """Makes the entries of `path` (files created, renamed, removed) durable."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
