"""Reading a possibly compressed file up to a limit: a decompression bomb costs the limit."""

from __future__ import annotations

import bz2
import gzip
import zlib

import pytest
import zstandard

from newsbeam.transforms.sources.bounded_read import DECOMPRESSION_ERRORS, read_at_most


def _bomb(compress, size: int) -> bytes:
    """`size` zero bytes compressed: about a thousandth of that on disk."""
    return compress(b"\0" * size)


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [
        (".gz", lambda data: gzip.compress(data, compresslevel=9)),
        (".bz2", bz2.compress),
        (".zst", lambda data: zstandard.ZstdCompressor(level=19).compress(data)),
        (".deflate", zlib.compress),
    ],
)
def test_a_decompression_bomb_is_read_only_up_to_the_limit(tmp_path, suffix, compress):
    bomb = tmp_path / f"bomb.txt{suffix}"
    bomb.write_bytes(_bomb(compress, 64 << 20))
    assert len(read_at_most(str(bomb), 1000)) == 1001
    small = tmp_path / f"small.txt{suffix}"
    small.write_bytes(compress("Grüße aus Köln".encode()))
    assert read_at_most(str(small), 1000) == "Grüße aus Köln".encode()


def test_a_truncated_compressed_file_raises_a_read_error(tmp_path):
    truncated = tmp_path / "cut.txt.gz"
    truncated.write_bytes(gzip.compress(b"some words " * 1000)[:60])
    with pytest.raises(DECOMPRESSION_ERRORS):
        read_at_most(str(truncated), 1_000_000)
