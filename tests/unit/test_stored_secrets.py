"""The rows every table is made of hold no credential, and only http(s) URLs as `url`.

Sources make raw records with `raw_record` (articles and duplicates are made of them),
every stage makes rejects with `reject`, the runs row records `run_info`'s options: a
secret that none of them keeps cannot reach a table. Ids are made from what is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from hypothesis import given
from hypothesis import strategies as st

from newsbeam.options import run_info
from newsbeam.transforms.clean.clean_articles import clean_article
from newsbeam.transforms.clean.identity import article_id
from newsbeam.transforms.records import reject
from newsbeam.transforms.sources.article_files import parse_article_file, raw_record
from tests.support.paths import TEST_DATA
from tests.support.properties import THOROUGH
from tests.support.secrets import MARK, secret_urls

NOW = datetime(2025, 3, 10, tzinfo=UTC)
TEXT = "Officials in Nairobi said on Monday that the rains had failed for a third season. " * 6


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


@THOROUGH
@given(secret_urls(st.sampled_from(["http", "https", "HTTP"])), secret_urls())
def test_no_raw_record_or_article_keeps_a_secret(link, feed) -> None:
    """Whichever field a URL with credentials arrives in (link, input, feed URL, title,
    text, source), the record and the cleaned article hold none of them."""
    (url, _), (feed_url, _) = link, feed
    record = raw_record(
        f"{feed_url}#entry",
        text=f"{TEXT} Read more: {url}",
        ingested_at=NOW,
        title=f"Story ({url})",
        url=url,
        source=f"Wire {feed_url}",
        authors=[f"by {url}"],
        tags=[feed_url],
        feed_url=feed_url,
        date_source="feed",
    )
    for value in _strings(record) + _strings(clean_article(record)):
        assert MARK not in value
    assert record["url"] is not None  # an http(s) link is kept, its secrets out


@THOROUGH
@given(secret_urls(), st.sampled_from(["feed", "fetch", "read"]))
def test_no_reject_keeps_a_secret(url_secrets, stage) -> None:
    url, _ = url_secrets
    row = reject(url, stage, "feed_http_404", f"404 from {url}", NOW, source=url)
    assert not [value for value in _strings(row) if MARK in value]


def test_a_reject_detail_is_cut_only_after_its_secrets_are_out() -> None:
    """Cutting first could end a URL before its `@`, and leave the password."""
    url = "http://alice:S3cretPW@host/feed.xml"
    row = reject(url, "feed", "feed_timeout", "x" * 490 + f" {url}", NOW)
    assert "S3cret" not in row["detail"] and "S3cret" not in row["input"]


def test_a_rotated_token_is_the_same_input_reject_and_article() -> None:
    """`?token=1` and `?token=2` are one URL once redacted: one article id, one reject id."""
    first, second = (f"https://x.test/story/4?token={t}&page=2" for t in ("t1", "t2"))
    assert (
        article_id(first, "h")
        == article_id(second, "h")
        != article_id("https://x.test/story/4?page=2", "h")
    )
    assert (
        reject(first, "feed", "feed_http_404", None, NOW)["reject_id"]
        == reject(second, "feed", "feed_http_404", None, NOW)["reject_id"]
    )


def test_the_legacy_output_keeps_its_ids() -> None:
    """Articles written before redaction keep their ids, so a rerun over an existing output
    recognises every article it holds."""
    rows = duckdb.sql(
        "SELECT id, url, content_hash FROM read_parquet("
        f"'{TEST_DATA / 'legacy' / 'output'}/articles/*/*/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert sum(1 for _, url, _ in rows if url) > 10
    assert [article_id(url, text_hash) for _, url, text_hash in rows] == [i for i, _, _ in rows]


# Ids computed before redaction existed: URLs without secrets keep them.
@pytest.mark.parametrize(
    ("url", "known_id"),
    [
        (
            "https://news.example.com/story/42?id=7&page=2&utm_source=rss#comments",
            "74b0c8e9e866d1d0eee497ca39dd9d2b",
        ),
        ("HTTP://Example.COM:80/a;v=1?b=2&a=1", "84fb85c07a93ceb5ec9a9943e9c7505f"),
        ("https://[2001:db8::7]:8443/x?q=a+b", "ccc35b835e5209ff6d628285fca2fc82"),
        ("https://editor:pw@wire.test/budget?utm_source=x", "9c6d1734f184676a5da30c7757240575"),
        (
            "https://x.test/search?category=keys&author=bob&keyword=tax",
            "6df85788394e37af07a431740b05928b",
        ),
        ("https://slashdot.test/article.pl?sid=04/05/12/1234", "65ef099bce9f5a9fcf6c59ad19d3bacf"),
    ],
)
def test_ids_of_urls_without_secrets_do_not_change(url: str, known_id: str) -> None:
    assert article_id(url, "h") == known_id


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:void(0)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "mailto:desk@news.test",
        "ftp://news.test/story.txt",
        "/story/42",
        "story/42.html",
        "//news.test/story/42",
        "http:///etc/passwd",
        "https://",
        "not a url",
    ],
)
def test_only_http_urls_are_stored_and_the_article_keeps_its_text(url: str) -> None:
    """A link no reader can follow as a web page is dropped, not the article: its text and
    title stay, its `url` is null, its id the hash of its text."""
    record = raw_record("a.jsonl:1", text=TEXT, ingested_at=NOW, url=url, date_source="record")
    assert record["url"] is None and record["text"] == TEXT
    article = clean_article(record)
    assert article["id"] == article["content_hash"]


def test_an_html_page_whose_canonical_link_is_script_has_no_url(tmp_path: Path) -> None:
    page = (
        '<html><head><link rel="canonical" href="javascript:alert(1)"></head><body><article>'
        + "".join(f"<p>{TEXT}</p>" for _ in range(3))
        + "</article></body></html>"
    )
    ((kind, record),) = parse_article_file("a.html", page.encode(), NOW)
    assert kind == "article" and record["url"] is None


@pytest.mark.parametrize("url", ["http://news.test/a", "HTTPS://News.test:8443/a?b=1#c"])
def test_http_urls_are_stored_as_given(url: str) -> None:
    record = raw_record("a", text=TEXT, ingested_at=NOW, url=url, date_source="record")
    assert record["url"] == url


def test_the_runs_row_options_hold_no_credential() -> None:
    """Every flag is recorded, feed and output URLs with their secrets out."""
    info = run_info(
        PipelineOptions(
            [
                "--feed",
                "http://alice:S3cretPW@news.test/feed.xml?token=T0K",
                "--feed",
                "https://news.test/b.xml?api_key=K3Y",
                "--input",
                "gs://AKIA:wJalr@bucket/in",
                "--output",
                "s3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/out",
                "--dask-address",
                "tcp://u:DaskPW@scheduler:8786",
            ]
        ),
        "batch",
    )
    recorded = str(info.options)
    for secret in ("S3cretPW", "T0K", "K3Y", "wJalr", "AKIA", "DaskPW"):
        assert secret not in recorded
    assert info.options["feed"] == [
        "http://news.test/feed.xml?token=REDACTED",
        "https://news.test/b.xml?api_key=REDACTED",
    ]
    assert info.options["output"] == "s3://bucket/out"
