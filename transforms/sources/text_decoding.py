"""Bytes to text: the encodings real article files and pages arrive in."""

from __future__ import annotations

import codecs

__all__ = ["UndecodableError", "decode_text"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class UndecodableError(ValueError):
    """Bytes that are binary or in no encoding we can identify."""


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else the encoding charset_normalizer
    finds; binary data raises `UndecodableError`."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UndecodableError(f"invalid {encoding}: {error}") from error
    if b"\x00" in data[:8192]:
        raise UndecodableError("binary data (NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise UndecodableError("not text in any known encoding")
    return data.decode(best.encoding, errors="replace")
