"""Listing `--input`: every entry named like an article is a file to read or a skipped entry
with its reason; nothing else is ever opened, and a walk always ends."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from newsbeam.transforms.sources.input_listing import (
    DANGLING_SYMLINK,
    NOT_A_REGULAR_FILE,
    SYMLINK_OUTSIDE_INPUT,
    expand_inputs,
    other_files_note,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def _names(paths) -> list[str]:
    return sorted(Path(path).name for path in paths)


def _skipped(listing) -> dict[str, str]:
    return {Path(entry.path).name: entry.reason for entry in listing.skipped}


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("a")
    (root / "sub" / "b.jsonl").write_text("{}")
    (root / "README.md").write_text("not an input")
    (root / ".hidden.txt").write_text("hidden")
    os.mkfifo(root / "pipe.txt")
    os.mkfifo(root / "pipe")  # not named like an article: not an input at all
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(root / "sock.html"))
    (root / "gone.txt").symlink_to(root / "missing.txt")
    (root / "gone").symlink_to(root / "missing")  # not named like an article
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (root / "secret.txt").symlink_to(outside / "secret.txt")
    (root / "far").symlink_to(outside)
    (root / "near.txt").symlink_to(root / "a.txt")
    (root / "loop").symlink_to(root)
    (root / "sub" / "up").symlink_to(root / "sub")
    return root


def test_a_directory_is_listed_into_files_and_skipped_entries(tree):
    listing = expand_inputs([str(tree)])
    assert _names(listing.files) == ["a.txt", "b.jsonl", "near.txt"]
    assert _skipped(listing) == {
        "pipe.txt": NOT_A_REGULAR_FILE,
        "sock.html": NOT_A_REGULAR_FILE,
        "gone.txt": DANGLING_SYMLINK,
        "secret.txt": SYMLINK_OUTSIDE_INPUT,
        "far": SYMLINK_OUTSIDE_INPUT,
    }
    details = {Path(e.path).name: e.detail for e in listing.skipped}
    assert details["pipe.txt"].startswith("a FIFO")
    assert details["sock.html"].startswith("a socket")
    assert str(tree / "missing.txt") in details["gone.txt"]
    assert "--follow-symlinks" in details["secret.txt"]


def test_follow_symlinks_reads_out_of_the_tree_once(tree, tmp_path):
    outside = tmp_path / "outside"
    (outside / "deeper").mkdir()
    (outside / "deeper" / "c.txt").write_text("c")
    (outside / "deeper" / "back").symlink_to(outside)  # a loop out of the tree
    (outside / "deeper" / "home").symlink_to(tree)  # back into the tree: read there
    listing = expand_inputs([str(tree)], follow_symlinks=True)
    assert sorted(os.path.relpath(p, tree) for p in listing.files) == [
        "a.txt",
        os.path.join("far", "deeper", "c.txt"),
        os.path.join("far", "secret.txt"),
        "near.txt",
        "secret.txt",
        os.path.join("sub", "b.jsonl"),
    ]
    assert _skipped(listing) == {
        "pipe.txt": NOT_A_REGULAR_FILE,
        "sock.html": NOT_A_REGULAR_FILE,
        "gone.txt": DANGLING_SYMLINK,
    }


def test_a_link_fan_out_is_walked_once_per_directory(tmp_path):
    """Two links to the next level at each of 30 levels: 2**30 paths, 30 directories."""
    root = tmp_path / "in"
    root.mkdir()
    outside = tmp_path / "levels"
    levels = [outside / str(n) for n in range(31)]
    for level in levels:
        level.mkdir(parents=True)
        (level / "story.txt").write_text("x")
    for here, below in zip(levels, levels[1:], strict=False):
        (here / "left").symlink_to(below)
        (here / "right").symlink_to(below)
    (root / "top").symlink_to(levels[0])
    listing = expand_inputs([str(root)], follow_symlinks=True)
    assert len(listing.files) == 31


def test_paths_named_on_the_command_line(tree, tmp_path):
    outside = tmp_path / "outside" / "secret.txt"
    named = expand_inputs([str(tree / "secret.txt"), str(tree / "README.md")])
    assert named.files == sorted([str(tree / "secret.txt"), str(tree / "README.md")])
    assert outside.read_text() == "secret"  # the user named the link: it is read
    fifo = expand_inputs([str(tree / "pipe")])  # any name: it was named
    assert (fifo.files, _skipped(fifo)) == ([], {"pipe": NOT_A_REGULAR_FILE})
    dangling = expand_inputs([str(tree / "gone")])
    assert _skipped(dangling) == {"gone": DANGLING_SYMLINK}
    with pytest.raises(ValueError, match="matches no file"):
        expand_inputs([str(tree / "nothing.txt")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no"):
        expand_inputs([str(tmp_path / "empty")])


def test_other_files_in_a_folder_are_counted_and_named_by_extension(tree, tmp_path):
    """Not inputs, hence no rows: counted so that the run can say what it left unread (the
    FIFO named like no article is no file, and a glob's other files were not asked for)."""
    assert expand_inputs([str(tree)]).other_files == {".md": 1}
    assert not expand_inputs([str(tree / "*.txt")]).other_files
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    for name in ("a.rss", "b.rss", "c.XML.gz", "d.atom", "notes", "e.json", "f.csv", "g.pdf"):
        (feeds / name).write_text("<rss/>")
    with pytest.raises(ValueError, match="holds no") as refused:
        expand_inputs([str(feeds)])
    assert str(refused.value).endswith(
        "(8 files in the --input folders of no article format (.rss 2, no extension 1, .atom 1, "
        ".csv 1, .json 1, ...); feed files are read with --feed or --feeds)"
    )
    assert other_files_note(expand_inputs([str(tree)]).other_files) == (
        "1 file in the --input folders of no article format (.md 1)"
    )
    # A folder given twice, or inside another given, holds its files once.
    (tree / "sub" / "notes.md").write_text("not an input")
    assert expand_inputs([str(tree), str(tree / "sub"), str(tree)]).other_files == {".md": 2}


def test_globs_follow_the_same_rules(tree, monkeypatch):
    listing = expand_inputs([str(tree / "*.txt")])
    assert _names(listing.files) == [".hidden.txt", "a.txt", "near.txt"]  # as Beam's `*`
    assert _skipped(listing) == {
        "pipe.txt": NOT_A_REGULAR_FILE,
        "gone.txt": DANGLING_SYMLINK,
        "secret.txt": SYMLINK_OUTSIDE_INPUT,
    }
    everything = expand_inputs([str(tree / "**")])
    assert "b.jsonl" in _names(everything.files)
    assert "far" in _skipped(everything)
    monkeypatch.chdir(tree)
    assert expand_inputs(["sub/*.jsonl"]).files == [os.path.join("sub", "b.jsonl")]
    assert expand_inputs(["a.*"]).files == ["a.txt"]
    with pytest.raises(ValueError, match="matches no file"):
        expand_inputs(["*.ndjson"])
