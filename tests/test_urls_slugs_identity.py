import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbeam.transforms.clean.identity import article_id, content_hash
from newsbeam.transforms.slugs import slugify
from newsbeam.transforms.sources.urls import canonical_url, strip_credentials


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://Example.COM:443/a/b?utm_source=x&b=2&a=1#frag",
            "https://example.com/a/b?a=1&b=2",
        ),
        ("http://user:pw@example.com:8080", "http://example.com:8080/"),
        ("https://example.com/path?fbclid=abc", "https://example.com/path"),
        ("ftp://example.com/file", None),
        ("not a url", None),
        ("", None),
        ("http://[::1", None),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_credentials_are_stripped_from_stored_urls():
    assert strip_credentials("https://bob:secret@example.com/x") == "https://example.com/x"
    assert strip_credentials("https://example.com/x") == "https://example.com/x"


@pytest.mark.parametrize(
    ("value", "slug"),
    [
        ("Western Asia", "western-asia"),
        ("Australia and New Zealand", "australia-and-new-zealand"),
        ("../../etc/passwd", "etc-passwd"),
        ("Côte d’Ivoire", "cote-d-ivoire"),
        ("", "unknown"),
        (None, "unknown"),
        ("日本", "unknown"),
    ],
)
def test_slugify(value, slug):
    assert slugify(value) == slug


@given(st.text())
def test_any_text_slugifies_to_a_safe_path_segment(value):
    slug = slugify(value)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)
    assert len(slug) <= 64


def test_content_hash_ignores_case_spacing_and_punctuation():
    assert content_hash("Hello,  World!\n\nBye.") == content_hash("hello world bye")
    assert content_hash("hello world") != content_hash("hello there")


def test_article_id_prefers_the_canonical_url():
    text_hash = content_hash("some text")
    by_url = article_id("https://Example.com/a?utm_medium=rss", text_hash)
    assert by_url == article_id("https://example.com/a", content_hash("other text"))
    assert article_id(None, text_hash) == text_hash
    assert article_id("mailto:x@example.com", text_hash) == text_hash
