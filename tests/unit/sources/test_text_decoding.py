"""Text decoding of files and pages: BOMs, UTF-16, legacy encodings; binary refused."""

import pytest

from newsbeam.transforms.sources.text_decoding import UndecodableError, decode_text


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Café in Zürich".encode(), "Café in Zürich"),
        ("\ufeffCafé".encode(), "Café"),
        ("Café au lait".encode("utf-16"), "Café au lait"),
        (
            "Привет, как дела? Это новости из Москвы.".encode("windows-1251"),
            "Привет, как дела? Это новости из Москвы.",
        ),
    ],
)
def test_decode_text(data, text):
    assert decode_text(data) == text


def test_binary_is_undecodable():
    with pytest.raises(UndecodableError):
        decode_text(b"abc\x00def")
