"""Partition slugs: a region or a source name becomes one safe path segment."""

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsbeam.transforms.slugs import UNKNOWN, slugify
from tests.support.properties import FAST, THOROUGH


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


# --- properties --------------------------------------------------------------------------

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


_slug_inputs = st.one_of(
    st.none(),
    st.text(),
    st.lists(
        st.sampled_from(
            ["..", "/", "\\", "\x00", ".", "~", "C:", "%2e%2e", "ℌ", "İ", "ß", "-", " "]
        )
        | st.text(max_size=5),
        max_size=10,
    ).map("".join),
    st.integers(),
    st.floats(),
    st.binary(max_size=10),
)


@THOROUGH
@given(_slug_inputs, st.integers(min_value=1, max_value=80))
def test_slugs_are_safe_single_path_segments(value: object, max_length: int) -> None:
    """A partition value can never name `..`, an absolute path or anything outside its dir."""
    slug = slugify(value, max_length)
    assert slug == UNKNOWN or _SLUG.match(slug)
    assert slug and len(slug) <= max(max_length, len(UNKNOWN))
    for bad in ("/", "\\", "..", "\x00", ":"):
        assert bad not in slug


@FAST
@given(_slug_inputs)
def test_slugs_are_stable(value: object) -> None:
    """Re-slugging a slug, or slugging again, gives the same partition."""
    slug = slugify(value)
    assert slugify(slug) == slug == slugify(value)


@FAST
@given(st.text(alphabet=string.printable))
def test_slugs_ignore_case_and_punctuation_runs(value: str) -> None:
    """`Western Asia`, `WESTERN  ASIA` and `western-asia` are one partition."""
    assert (
        slugify(value)
        == slugify(value.swapcase())
        == slugify(re.sub(r"[^A-Za-z0-9]+", "--", value))
    )
