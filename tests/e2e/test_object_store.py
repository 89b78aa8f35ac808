"""Inputs on an object store: a web archive on an S3-compatible server on 127.0.0.1, read
through Beam's S3 file system, listed by a glob and read in ranges, gives what the same
file on disk gives."""

from __future__ import annotations

import os

import pytest

from bench.warc import load_pages, write_crawl
from newsbeam.query import connect
from tests.support.run_cli import newsbeam
from tests.support.s3_server import beam_s3_flags, client, s3_server

pytestmark = pytest.mark.e2e

# The S3 client must never look for credentials or a region on the network.
_NO_CLOUD = {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull,
             "AWS_SHARED_CREDENTIALS_FILE": os.devnull}  # fmt: skip


def _articles(output) -> list[tuple]:
    return (
        connect(str(output))
        .execute("SELECT id, url, title, text, date, date_source FROM articles ORDER BY id")
        .fetchall()
    )


def test_a_web_archive_on_s3_reads_as_the_same_file_on_disk(tmp_path, monkeypatch):
    for name, value in _NO_CLOUD.items():
        monkeypatch.setenv(name, value)  # for this process's boto3 and the CLI it starts
    crawl = write_crawl(tmp_path / "crawl.warc.gz", load_pages(tmp_path / "none")[:10], 1)
    local = tmp_path / "local"
    newsbeam("run", "--input", str(crawl), "--output", str(local))

    with s3_server(tmp_path) as endpoint:
        s3 = client(endpoint)
        s3.create_bucket(Bucket="news")
        s3.upload_file(str(crawl), "news", "cc-news/2026/12/crawl.warc.gz")
        remote = tmp_path / "remote"
        result = newsbeam(
            "run", "--input", "s3://news/cc-news/2026/*/*.warc.gz", "--output", str(remote),
            "--split-bytes", "8000", *beam_s3_flags(endpoint),
        )  # fmt: skip

    assert _articles(remote) == _articles(local) and len(_articles(local)) >= 8
    copies = "SELECT id, duplicate_of, kind FROM duplicates ORDER BY id"
    assert (
        connect(str(remote)).execute(copies).fetchall()
        == connect(str(local)).execute(copies).fetchall()
    )
    db = connect(str(remote))
    inputs = [row[0] for row in db.execute("SELECT input FROM articles").fetchall()]
    assert all(i.startswith("s3://news/cc-news/2026/12/crawl.warc.gz#") for i in inputs)
    stages = "SELECT inputs, balanced, stages, archives FROM runs"
    remote_run, local_run = (
        db.execute(stages).fetchone(),
        connect(str(local)).execute(stages).fetchone(),
    )
    assert remote_run[:3] == local_run[:3]
    assert remote_run[3] == [
        {"path": "s3://news/cc-news/2026/12/crawl.warc.gz", "bytes": crawl.stat().st_size}
    ]
    assert "DOES NOT BALANCE" not in result.stdout
