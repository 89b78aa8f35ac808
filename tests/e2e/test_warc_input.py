"""`newsbeam run --input crawl.warc.gz` end to end: real pages archived as a crawler writes
them, each one input named by its record's offset, every other record counted; a record
cut short is a reject; a rerun adds nothing; a page archived and then linked from a live
feed on 127.0.0.1 is one article; and memory does not grow with the file."""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import time

import pytest

from newsbeam.query import connect
from newsbeam.schemas.layout import story_state_path
from newsbeam.transforms.stories.story_state_files import staged_story_tokens
from tests.support.news_site import NewsSite, page_html
from tests.support.paths import SHARED_DATA
from tests.support.run_cli import newsbeam, newsbeam_command, newsbeam_peak_rss
from tests.support.same_tables import COMPARED_TABLES, table_rows
from tests.support.warc_files import Record, page, write_warc

pytestmark = pytest.mark.e2e

AEB = SHARED_DATA / "articles_scrapinghub_aeb"
PAGES = 12


@pytest.fixture(scope="module")
def real_pages() -> list[tuple[str, bytes, str]]:
    """(url, html, article body) of the first real pages of the scrapinghub set."""
    if not AEB.is_dir():
        pytest.skip(f"the shared real pages are not at {AEB}")
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    names = sorted(truth)[:PAGES]
    return [
        (
            truth[name]["url"],
            gzip.decompress((AEB / "html" / f"{name}.html.gz").read_bytes()),
            truth[name]["articleBody"],
        )
        for name in names
    ]


@pytest.fixture(scope="module")
def crawl(real_pages, tmp_path_factory):
    """A WARC as a crawler leaves it: per page a request and a response, a metadata
    record, a redirect, an image, and a last page whose gzip member was cut short."""
    records = [Record("warcinfo", "", b"software: test-crawler\r\n")]
    for url, html, _body in real_pages:
        records.append(Record("request", url, b"GET / HTTP/1.1\r\n\r\n"))
        records.append(page(url, html))
    records.append(Record("metadata", real_pages[0][0], b"fetchTimeMs: 120\r\n"))
    records.append(
        Record(
            "response",
            "https://example.test/old",
            status="301 Moved Permanently",
            headers=[("Location", real_pages[0][0])],
        )
    )
    records.append(
        Record(
            "response",
            "https://example.test/logo.png",
            b"\x89PNG\r\n",
            headers=[("Content-Type", "image/png")],
        )
    )
    folder = tmp_path_factory.mktemp("crawl")
    whole = write_warc(folder / "whole.warc.gz", records)
    last = write_warc(folder / "last.warc.gz", [page(real_pages[0][0] + "?cut", real_pages[0][1])])
    path = folder / "crawl.warc.gz"
    path.write_bytes(whole.read_bytes() + last.read_bytes()[:-300])
    whole.unlink()
    last.unlink()
    output = folder / "out"
    result = newsbeam("run", "--input", str(path), "--output", str(output))
    return path, output, result


def test_each_archived_page_is_one_input_named_by_its_offset_and_the_rest_counted(
    crawl, real_pages
):
    path, output, result = crawl
    db = connect(str(output))
    run = db.execute("SELECT inputs, balanced, stages FROM runs").fetchone()
    inputs, balanced, stages = run
    assert balanced and inputs == PAGES + 1  # the pages, and the record cut short
    counts = {stage["name"]: stage["count"] for stage in stages}
    assert counts["skipped_warc_request"] == PAGES
    assert counts["skipped_warc_warcinfo"] == counts["skipped_warc_metadata"] == 1
    assert counts["skipped_warc_redirect"] == counts["skipped_warc_not_html"] == 1
    rows = db.execute(
        "SELECT url, input, text, date_source FROM articles "
        "UNION ALL SELECT url, input, NULL, NULL FROM duplicates ORDER BY input"
    ).fetchall()
    rejects = db.execute("SELECT input, stage, reason FROM rejects").fetchall()
    by_url = {url: body for url, _html, body in real_pages}
    urls = {row[0] for row in rows} | {url for url in by_url if any(url in str(r) for r in rejects)}
    assert len(rows) + len(rejects) == PAGES + 1
    assert all(row[1].startswith(f"{path}#") and row[1].rsplit("#", 1)[1].isdigit() for row in rows)
    assert {row[0] for row in rows} <= set(by_url)
    # The text is the page's article: most of its first words are the gold body's.
    for url, _input, text, _source in rows:
        if text is None:
            continue
        gold = set(by_url[url].split()[:60])
        assert len(gold & set(text.split())) >= 0.8 * len(gold), url
    assert "warc_truncated" in {reason for _i, _s, reason in rejects}, rejects
    assert len(urls) >= PAGES - 1
    assert "DOES NOT BALANCE" not in result.stdout


def test_running_the_same_archive_again_adds_no_row_and_does_not_read_it(crawl):
    """The archive was read whole by a balanced run: the rerun says so and reads nothing
    (nothing to add either way: every key is written)."""
    path, output, _result = crawl
    before = connect(str(output)).execute("SELECT count(*) FROM articles").fetchone()[0]
    again = newsbeam("run", "--input", str(path), "--output", str(output))
    assert "1 web archive files were read whole by earlier runs" in again.stdout
    assert "nothing left to read" in again.stdout
    db = connect(str(output))
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == before
    assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 1  # no run was needed


def test_a_page_from_an_archive_and_then_from_a_live_feed_is_one_article(server, tmp_path):
    site = NewsSite(server)
    site.publish("world", "chile-copper")
    url = site.page_url("chile-copper")
    html = page_html("chile-copper", site.feeds["world"][0].title)
    archive = write_warc(tmp_path / "backfill.warc.gz", [page(url, html)])
    output = str(tmp_path / "out")
    newsbeam("run", "--input", str(archive), "--output", output)
    newsbeam(
        "run",
        "--feed",
        site.feed_url("world"),
        "--output",
        output,
        "--allow-private-networks",
        "--host-interval",
        "0",
    )
    db = connect(output)
    assert db.execute("SELECT count(*), any_value(input) FROM articles").fetchone() == (
        1,
        f"{archive}#0",
    )
    live = db.execute(
        "SELECT inputs, already_written FROM runs ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    assert live == (1, 1)  # the feed's entry: read, fetched, found already written
    assert server.hits["/news/chile-copper"] == 1


def test_memory_stays_flat_however_large_the_archive(tmp_path):
    """A 200 MB WARC of repeated records (incompressible pages of 100 KB), its host left
    out: every record is read and counted, and the run's peak memory is that of a run
    over a small file."""
    noise = random.Random(7)
    body = (
        "<html><body><p>"
        + "".join(noise.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(100_000))
        + "</p></body></html>"
    )
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("# only this outlet\nkept.test\n")
    small = write_warc(tmp_path / "small.warc", [page("https://big.test/0", body)] * 20, gzip=False)
    large = write_warc(
        tmp_path / "large.warc", [page("https://big.test/0", body)] * 2_000, gzip=False
    )
    assert large.stat().st_size > 200_000_000
    peaks = {}
    for name, path in (("small", small), ("large", large)):
        result, peaks[name] = newsbeam_peak_rss(
            "run",
            "--input",
            str(path),
            "--output",
            str(tmp_path / f"out-{name}"),
            "--include-hosts",
            str(hosts),
        )
        assert result.returncode == 0, result.stderr
    stages = (
        connect(str(tmp_path / "out-large")).execute("SELECT stages, inputs FROM runs").fetchone()
    )
    assert {s["name"]: s["count"] for s in stages[0]}["skipped_host_not_included"] == 2_000
    assert stages[1] == 0
    assert peaks["large"] < peaks["small"] + 64 * 2**20, peaks


def test_an_archive_read_in_ranges_by_two_processes_gives_the_same_tables(crawl, tmp_path):
    """`--split-bytes` cuts the file into ranges of about 60 kB (the crawl is several
    times that), read by two worker processes: the same rows as one reader, and the same
    records skipped."""
    path, output, _result = crawl
    assert path.stat().st_size > 3 * 60_000
    split = tmp_path / "split"
    newsbeam(
        "run",
        "--input",
        str(path),
        "--output",
        str(split),
        "--split-bytes",
        "60000",
        "--direct_num_workers",
        "2",
        "--direct_running_mode",
        "multi_processing",
    )
    for table in COMPARED_TABLES:
        assert table_rows(split, table) == table_rows(output, table), table
    stages = "SELECT stages FROM runs ORDER BY started_at LIMIT 1"
    assert (
        connect(str(split)).execute(stages).fetchone()
        == connect(str(output)).execute(stages).fetchone()
    )


def test_a_language_filter_leaves_the_other_pages_out_counted_and_a_bad_one_is_refused(
    crawl, tmp_path
):
    path, _output, _result = crawl
    output = tmp_path / "german-only"
    newsbeam("run", "--input", str(path), "--output", str(output), "--languages", "de,fr")
    inputs, stages = connect(str(output)).execute("SELECT inputs, stages FROM runs").fetchone()
    counts = {stage["name"]: stage["count"] for stage in stages}
    assert counts["skipped_language_not_included"] == PAGES  # the real pages are English
    assert inputs == 1  # the record cut short is still a reject
    refused = newsbeam(
        "run", "--input", str(path), "--output", str(output), "--languages", "german", check=False
    )
    assert refused.returncode == 2 and "--languages" in refused.stderr


def test_a_backfill_killed_midway_resumes_without_reading_the_archives_it_completed(
    real_pages, tmp_path
):
    """Two daily archives, one run each (--chunk-bytes 1): SIGKILL once the first day's
    runs row is written; the rerun reads only the second, and the tables are those of a
    run that was never killed."""
    inputs = _two_daily_archives(real_pages, tmp_path)
    output = tmp_path / "out"
    command = [
        *newsbeam_command(),
        "run",
        "--input",
        *inputs,
        "--output",
        str(output),
        "--chunk-bytes",
        "1",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    runs = output / "runs"
    deadline = time.monotonic() + 300
    while not (runs.is_dir() and any(runs.glob("*.parquet"))) and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be killed"
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    first = connect(str(output)).execute("SELECT count(*) FROM runs").fetchone()[0]
    assert first == 1

    resumed = newsbeam("run", "--input", *inputs, "--output", str(output), "--chunk-bytes", "1")
    assert "1 web archive files were read whole by earlier runs" in resumed.stdout
    db = connect(str(output))
    read = db.execute(
        "SELECT a.path FROM runs CROSS JOIN unnest(archives) AS t(a) ORDER BY started_at"
    ).fetchall()
    assert [row[0] for row in read] == inputs  # each day read once, in order
    # Every page counted once over all runs: the completed day was not read again.
    assert db.execute("SELECT bool_and(balanced), sum(inputs) FROM runs").fetchone() == (True, 8)
    whole = tmp_path / "whole"
    newsbeam("run", "--input", *inputs, "--output", str(whole), "--chunk-bytes", "1")
    for table in COMPARED_TABLES:
        assert table_rows(output, table) == table_rows(whole, table), table
    again = newsbeam("run", "--input", *inputs, "--output", str(output))
    assert "nothing left to read" in again.stdout


def test_a_run_killed_before_it_made_its_stories_current_leaves_them_to_the_next(
    real_pages, tmp_path
):
    """The gap the kill above hits only sometimes, made exact: the first day's run wrote
    its files and `runs` row, and its open stories stayed staged, as a kill between the
    two leaves them. The next run makes them current before it reads the second day, so
    its stories are those of a run that was never killed."""
    inputs = _two_daily_archives(real_pages, tmp_path)
    output = tmp_path / "out"
    newsbeam("run", "--input", inputs[0], "--output", str(output))
    run_id = connect(str(output)).execute("SELECT run_id FROM runs").fetchone()[0]
    os.replace(story_state_path(str(output)), story_state_path(str(output), run_id))
    # And what a run that failed before its runs row left staged: never to be made current.
    shutil.copy(story_state_path(str(output), run_id), story_state_path(str(output), "failed"))

    newsbeam("run", "--input", *inputs, "--output", str(output), "--chunk-bytes", "1")
    whole = tmp_path / "whole"
    newsbeam("run", "--input", *inputs, "--output", str(whole), "--chunk-bytes", "1")
    for table in COMPARED_TABLES:
        assert table_rows(output, table) == table_rows(whole, table), table
    assert staged_story_tokens(str(output)) == {}  # the one made current, the other deleted


def _two_daily_archives(real_pages, tmp_path) -> list[str]:
    """Two web archives of four real pages each, as a crawler writes one a day; some of
    the second day's pages join stories of the first's."""
    days = []
    for day in range(2):
        pages = real_pages[day * 4 : day * 4 + 4]
        days.append(write_warc(tmp_path / f"day{day}.warc.gz", [page(u, h) for u, h, _ in pages]))
    return [str(path) for path in days]
