"""Which copy of an article is kept: an order that never depends on arrival."""

from newsbeam.transforms.dedupe.duplicate_rows import canonical_order
from tests.support.builders import clean_article


def test_copies_under_one_url_are_chosen_the_same_way_in_any_order():
    a = clean_article(
        "https://x.test/1", url="https://x.test/1", source="B", published="2025-03-03"
    ) | {"feed_url": "f2"}
    b = dict(a, feed_url="f1", source="A")
    assert sorted([a, b], key=canonical_order)[0] is b
    assert sorted([b, a], key=canonical_order)[0] is b
