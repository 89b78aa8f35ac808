"""Hostile values in feeds and files reach no path outside the output and leak no secret."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsbeam.query import connect
from tests.support.builders import rss
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

# Text with no place in it: the partition is `unknown`.
_PLAIN = " ".join(
    f"Paragraph {i} of the committee report says the budget review will continue next "
    "month, with members asking for more detail on staffing, pensions and the audit."
    for i in range(8)
)


def test_hostile_names_stay_inside_the_output_and_credentials_are_dropped(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        rss(
            "../../Evil/Wire",
            [("Budget", "https://editor:s3cr3t-pw@wire.test/budget?utm_source=x", _PLAIN)],
        )
    )
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"feeds:\n  - url: {feed}\n    name: ../../../outside\n    region: ../../../../tmp/evil\n"
    )
    # A region that names no partition is refused before anything runs.
    refused = newsbeam("run", "--feeds", str(feeds), "--output", str(tmp_path / "out"), check=False)
    assert refused.returncode == 2 and "is no subregion" in refused.stderr
    assert not Path("/tmp/evil").exists() and not (tmp_path / "out" / "articles").exists()
    feeds.write_text(f"feeds:\n  - url: {feed}\n    name: ../../../outside\n")
    files = tmp_path / "files"
    files.mkdir()
    (files / "weird ..name;rm -rf.txt").write_text(
        "url https://admin:hunter2@example.test/a/../../b\nsource /etc/passwd\n\n"
        + " ".join(
            f"Item {i}: the library board met on Thursday to plan longer opening hours, a "
            "reading club for pupils and repairs to the roof before winter."
            for i in range(8)
        )
    )
    output = tmp_path / "out"
    newsbeam(
        "run",
        "--feeds",
        str(feeds),
        "--input",
        str(files),
        "--fetch-pages",
        "never",
        "--output",
        str(output),
    )
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    outside = [p for p in written if output not in p.parents and p.parent != tmp_path]
    assert outside == [p for p in written if p.parent == files]  # only the input itself
    assert not Path("/tmp/evil").exists()
    for path in (output / "articles").rglob("*.parquet"):
        date_dir, region_dir = path.parent.parent.name, path.parent.name
        assert re.fullmatch(r"date=\d{4}-\d{2}-\d{2}", date_dir)
        assert re.fullmatch(r"region=[a-z0-9-]+", region_dir)
    db = connect(str(output))
    assert db.execute("SELECT count(*) FROM articles").fetchall() == [(2,)]
    everything = " ".join(
        str(row)
        for table in ("articles", "duplicates", "rejects", "runs")
        for row in db.execute(f"SELECT * FROM {table}").fetchall()
    )
    assert "s3cr3t" not in everything and "hunter2" not in everything
    urls = {url for (url,) in db.execute("SELECT url FROM articles").fetchall()}
    assert "https://wire.test/budget?utm_source=x" in urls
