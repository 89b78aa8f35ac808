"""An article's identity: the content hash of its text, and an id that prefers its URL."""

from newsbeam.transforms.clean.identity import article_id, content_hash


def test_content_hash_ignores_case_spacing_and_punctuation():
    assert content_hash("Hello,  World!\n\nBye.") == content_hash("hello world bye")
    assert content_hash("hello world") != content_hash("hello there")


def test_article_id_prefers_the_canonical_url():
    text_hash = content_hash("some text")
    by_url = article_id("https://Example.com/a?utm_medium=rss", text_hash)
    assert by_url == article_id("https://example.com/a", content_hash("other text"))
    assert article_id(None, text_hash) == text_hash
    assert article_id("mailto:x@example.com", text_hash) == text_hash
