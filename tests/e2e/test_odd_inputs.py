"""Odd entries in the input tree and odd values in records: each input one row, the run never
hangs, and nothing outside the input tree or the feeds file's directory is read unasked.

Every run here has a timeout: a FIFO opened for reading blocks until a writer comes, so a
regression must fail the test, not hang the suite.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from newsbeam.query import connect
from tests.support.builders import rss
from tests.support.news_site import story_text
from tests.support.run_cli import newsbeam

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and unix sockets are POSIX"),
]

TIMEOUT = 240  # seconds: a run over a few files takes a small fraction of it


def _socket_at(path: Path) -> None:
    """A unix socket file at `path` (it stays on disk once the socket is closed)."""
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))


def _outcomes(output: Path) -> dict[str, tuple]:
    """Each input's file name -> ("article",) / ("duplicate", kind) / ("reject", stage, reason)."""
    db = connect(str(output))
    outcomes: dict[str, list[tuple]] = {}
    queries = {
        "article": "SELECT input FROM articles",
        "duplicate": "SELECT input, kind FROM duplicates",
        "reject": "SELECT input, stage, reason FROM rejects",
    }
    for outcome, sql in queries.items():
        for ref, *rest in db.execute(sql).fetchall():
            outcomes.setdefault(Path(ref).name, []).append((outcome, *rest))
    assert all(len(rows) == 1 for rows in outcomes.values()), outcomes  # one row per input
    return {name: rows[0] for name, rows in outcomes.items()}


def _runs(output: Path) -> list[tuple]:
    return connect(str(output)).execute("SELECT inputs, balanced FROM runs").fetchall()


@pytest.fixture
def odd_tree(tmp_path) -> tuple[Path, Path]:
    """An input tree holding one good file and every kind of odd entry, and a directory
    outside it that some of its links point into."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "private.txt").write_text(f"title Private\n\n{story_text('chile-copper')}")
    (outside / "folder").mkdir()
    (outside / "folder" / "story.txt").write_text(story_text("japan-rail"))
    # A loop outside the tree: walked with --follow-symlinks, it must end.
    (outside / "folder" / "again").symlink_to(outside / "folder")
    root = tmp_path / "in"
    root.mkdir()
    (root / "good.txt").write_text(f"title Good\n\n{story_text('kenya-water')}")
    os.mkfifo(root / "pipe.txt")
    _socket_at(root / "sock.jsonl")
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    (root / "escape.txt").symlink_to(outside / "private.txt")
    (root / "escape-dir").symlink_to(outside / "folder")
    (root / "same.txt").symlink_to(root / "good.txt")  # inside the tree: read, a duplicate
    (root / "loop").symlink_to(root)  # inside the tree: its files are read once, by their path
    (root / "ignored").symlink_to(root / "nothing-here")  # no article name: not an input
    return root, outside


def test_special_files_and_links_out_of_the_tree_are_rejects_and_the_run_ends(odd_tree, tmp_path):
    root, _outside = odd_tree
    lone_fifo = tmp_path / "lone.jsonl"
    os.mkfifo(lone_fifo)  # named on the command line: still never opened
    output = tmp_path / "out"
    result = newsbeam(
        "run", "--input", str(root), str(lone_fifo), "--output", str(output), timeout=TIMEOUT
    )
    assert _outcomes(output) == {
        "good.txt": ("article",),
        "same.txt": ("duplicate", "exact"),
        "pipe.txt": ("reject", "read", "not_a_regular_file"),
        "sock.jsonl": ("reject", "read", "not_a_regular_file"),
        "lone.jsonl": ("reject", "read", "not_a_regular_file"),
        "dangling.txt": ("reject", "read", "dangling_symlink"),
        "escape.txt": ("reject", "read", "symlink_outside_input"),
        "escape-dir": ("reject", "read", "symlink_outside_input"),
    }
    assert _runs(output) == [(8, True)]
    assert "inputs 8 = articles 1 + duplicates 1 + rejects 6" in result.stdout
    db = connect(str(output))
    details = dict(db.execute("SELECT reason, detail FROM rejects").fetchall())
    assert "FIFO" in details["not_a_regular_file"] or "socket" in details["not_a_regular_file"]
    assert "--follow-symlinks" in details["symlink_outside_input"]
    texts = " ".join(text for (text,) in db.execute("SELECT text FROM articles").fetchall())
    assert "Antofagasta" not in texts  # the story behind the escaping link was not read


def test_follow_symlinks_reads_links_out_of_the_tree_and_ends_on_loops(odd_tree, tmp_path):
    root, _outside = odd_tree
    output = tmp_path / "out"
    newsbeam(
        "run", "--input", str(root), "--follow-symlinks", "--output", str(output), timeout=TIMEOUT
    )
    outcomes = _outcomes(output)
    assert outcomes.pop("escape.txt") == ("article",)
    assert outcomes.pop("story.txt") == ("article",)  # in the linked folder, read once
    assert outcomes == {
        "good.txt": ("article",),
        "same.txt": ("duplicate", "exact"),
        "pipe.txt": ("reject", "read", "not_a_regular_file"),
        "sock.jsonl": ("reject", "read", "not_a_regular_file"),
        "dangling.txt": ("reject", "read", "dangling_symlink"),
    }
    assert _runs(output) == [(7, True)]


def test_a_feeds_file_reads_local_feeds_only_beside_it_unless_allowed(tmp_path):
    story = story_text("peru-floods")
    config = tmp_path / "config"
    (config / "saved").mkdir(parents=True)
    (config / "saved" / "wire.xml").write_text(
        rss("Wire", [("Peru floods", "https://wire.test/peru", story)])
    )
    os.mkfifo(config / "pipe.xml")
    secret = tmp_path / "secret.xml"
    secret.write_text(
        rss("Secret", [("Ghana", "https://wire.test/ghana", story_text("ghana-cocoa"))])
    )
    feeds = config / "feeds.yaml"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()

    # A path outside the feeds file's directory, plain or through a link: refused, before
    # anything is read, naming the path and the way to allow it.
    (config / "link.xml").symlink_to(secret)
    for named in (str(secret), "../secret.xml", "link.xml"):
        feeds.write_text(f"feeds:\n  - url: saved/wire.xml\n  - url: {named}\n")
        refused = newsbeam(
            "run", "--feeds", str(feeds), "--output", str(tmp_path / "refused"),
            check=False, timeout=TIMEOUT, cwd=elsewhere,
        )  # fmt: skip
        assert refused.returncode == 2, refused.stderr
        assert named in refused.stderr and "--allow-feed-files-in" in refused.stderr
        assert not (tmp_path / "refused" / "articles").exists()

    # Relative paths are relative to the feeds file; a FIFO beside it is a feed reject.
    feeds.write_text("feeds:\n  - url: saved/wire.xml\n  - url: pipe.xml\n")
    output = tmp_path / "out"
    # The FIFO feed failed entirely: exit 1, naming it (the rows are written all the same).
    fifo_run = newsbeam(
        "run", "--feeds", str(feeds), "--output", str(output), timeout=TIMEOUT, cwd=elsewhere,
        check=False,
    )  # fmt: skip
    assert fifo_run.returncode == 1 and "feed_not_a_regular_file" in fifo_run.stderr
    db = connect(str(output))
    assert db.execute("SELECT title FROM articles").fetchall() == [("Peru floods",)]
    rejects = db.execute("SELECT input, stage, reason FROM rejects").fetchall()
    assert [(Path(i).name, stage, reason) for i, stage, reason in rejects] == [
        ("pipe.xml", "feed", "feed_not_a_regular_file")
    ]
    assert _runs(output) == [(2, True)]

    # Allowed explicitly, the file outside is read.
    feeds.write_text(f"feeds:\n  - url: {secret}\n")
    allowed = tmp_path / "allowed"
    newsbeam(
        "run", "--feeds", str(feeds), "--allow-feed-files-in", str(tmp_path),
        "--output", str(allowed), timeout=TIMEOUT, cwd=elsewhere,
    )  # fmt: skip
    assert connect(str(allowed)).execute("SELECT title FROM articles").fetchall() == [("Ghana",)]


def test_a_megabyte_title_is_cut_at_a_word_and_the_article_kept(tmp_path):
    title = "Floods " + "rising water " * 80_000  # about 1 MB, words all the way
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "big-title.jsonl").write_text(
        json.dumps(
            {"url": "https://wire.test/peru", "title": title, "text": story_text("peru-floods")}
        )
        + "\n"
    )
    output = tmp_path / "out"
    result = newsbeam("run", "--input", str(corpus), "--output", str(output), timeout=TIMEOUT)
    db = connect(str(output))
    assert db.execute("SELECT count(*) FROM rejects").fetchall() == [(0,)]
    [(kept,)] = db.execute("SELECT title FROM articles").fetchall()
    assert len(kept) <= 500 and kept.endswith("…")
    assert title.startswith(kept.removesuffix("…"))
    assert kept.removesuffix("…").split()[-1] in {"rising", "water"}  # a whole word
    assert "titles_truncated" in result.stdout
    assert _runs(output) == [(1, True)]


def test_every_input_folder_is_read_and_files_of_other_kinds_are_named(tmp_path):
    """`--input a --input b` reads both folders (argparse alone would keep the last); a feed
    file in a folder is no article file, so the run says it left it unread and how feeds
    are read, rather than reading the folder as nothing without a word."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "peru.txt").write_text(f"title Floods in Peru\n\n{story_text('peru-floods')}")
    (first / "wire.rss").write_text(rss("Wire", []))
    (second / "ghana.txt").write_text(f"title Cocoa in Ghana\n\n{story_text('ghana-cocoa')}")
    output = tmp_path / "out"
    result = newsbeam(
        "run", "--input", str(first), "--input", str(second), "--output", str(output),
        timeout=TIMEOUT,
    )  # fmt: skip
    assert _outcomes(output) == {"peru.txt": ("article",), "ghana.txt": ("article",)}
    assert (
        "newsbeam: not read: 1 file in the --input folders of no article format (.rss 1); "
        "feed files are read with --feed or --feeds"
    ) in result.stdout
    assert _runs(output) == [(2, True)]


def test_a_folder_spelt_another_way_adds_no_row(tmp_path):
    """`--input corpus` then `--input ./corpus/`: the same files. A reject's id hashes its
    `input`, which a rerun spelt otherwise added again."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "peru.txt").write_text(f"title Floods in Peru\n\n{story_text('peru-floods')}")
    (corpus / "brief.txt").write_text("title Brief\n\nToo short to keep.")
    output = tmp_path / "out"
    for spelling in ("corpus", "./corpus/", "corpus//"):
        newsbeam("run", "--input", spelling, "--output", str(output), timeout=TIMEOUT, cwd=tmp_path)
    db = connect(str(output))
    assert db.execute("SELECT input, reason FROM rejects").fetchall() == [
        ("corpus/brief.txt", "too_short")
    ]
    assert db.execute("SELECT input FROM articles").fetchall() == [("corpus/peru.txt",)]
