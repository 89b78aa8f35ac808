"""Reading a possibly compressed file without ever holding more than a limit of its bytes.

Beam's `CompressedFile` decompresses whole 16 MiB chunks of compressed input in one call:
a 1 MB gzip bomb becomes 1 GB in memory before any size check can run. Here each
decompressor is asked for at most the bytes still wanted, so memory stays near the limit
whatever the compression ratio.
"""

from __future__ import annotations

import bz2
import gzip
import zlib

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems

from newsbeam.transforms.sources.local_files import open_regular_file

__all__ = ["DECOMPRESSION_ERRORS", "open_input", "read_at_most"]

_CHUNK = 1 << 20


def _zstd_error() -> type[Exception]:
    import zstandard

    return zstandard.ZstdError


DECOMPRESSION_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    _zstd_error(),
)
"""What a corrupt or truncated compressed file raises while it is read."""


def read_at_most(path: str, limit: int) -> bytes:
    """Up to `limit + 1` decompressed bytes of `path` (more than `limit` means too large).

    Compression follows the extension: .gz, .bz2, .zst/.zstd, .deflate; others are read
    as they are. A local path that is not a regular file (a FIFO, a socket, a device)
    raises `NotARegularFileError` unopened.
    """
    with open_input(path) as raw:
        lower = path.lower()
        if lower.endswith(".gz"):
            reader = gzip.GzipFile(fileobj=raw, mode="rb")
        elif lower.endswith(".bz2"):
            reader = bz2.BZ2File(raw, mode="rb")
        elif lower.endswith((".zst", ".zstd")):
            import zstandard

            reader = zstandard.ZstdDecompressor().stream_reader(raw)
        elif lower.endswith(".deflate"):
            return _inflate_at_most(raw, limit)
        else:
            return raw.read(limit + 1)
        with reader:
            return _read_upto(reader, limit + 1)


def open_input(path: str):
    """The file's bytes as stored (not decompressed), as a binary file object: a local
    regular file opened without blocking, or a `gs://`/`s3://` object through Beam."""
    if FileSystems.get_scheme(path) is None:
        return open_regular_file(path)
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


def _read_upto(reader, wanted: int) -> bytes:
    parts, size = [], 0
    while size < wanted:
        part = reader.read(min(_CHUNK, wanted - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _inflate_at_most(raw, limit: int) -> bytes:
    decompressor = zlib.decompressobj()
    parts, size = [], 0
    pending = b""
    while size <= limit:
        if not pending:
            pending = raw.read(_CHUNK)
            if not pending:
                break
        part = decompressor.decompress(pending, limit + 1 - size)
        pending = decompressor.unconsumed_tail
        parts.append(part)
        size += len(part)
        if decompressor.eof:
            break
    return b"".join(parts)
