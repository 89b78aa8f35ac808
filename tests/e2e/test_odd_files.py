"""Odd article files: each is a reject with its reason or an article, never a crash, a hang
or memory the size of a decompression bomb."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from newsbeam.query import connect
from tests.support.news_site import story_text

GIB = 1 << 30


def _bomb(compress, size: int = GIB) -> bytes:
    """`size` zero bytes compressed: about a thousandth of that on disk."""
    return compress(b"\0" * size)


@pytest.mark.e2e
def test_odd_files_are_accounted_for_in_bounded_memory(tmp_path):
    corpus = tmp_path / "odd"
    corpus.mkdir()
    rng = random.Random(7)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(rng.getrandbits(8) for _ in range(20_000)))
    (corpus / "latin1.txt").write_bytes(
        f"date 2025-03-04\ntitle Café in Bogotá\n\n{story_text('peru-floods')}".encode("latin-1")
    )
    (corpus / "utf16.txt").write_bytes(
        f"date 2025-03-04\n\n{story_text('japan-rail')}".encode("utf-16")
    )
    (corpus / "giant-line.txt").write_text("word " * 3_000_000)  # 15 MB, no line break
    (corpus / "giant-line.jsonl").write_text('{"text": "' + "word " * 3_000_000 + '"}\n')
    (corpus / "header-only.txt").write_text("date 2025-03-04\ntitle Something\nsource X\n")
    (corpus / "bad-date.txt").write_text(f"date 2025-02-30\n\n{story_text('norway-fund')}")
    (corpus / "huge.txt").write_bytes(b"word " * 5_000_000)  # 25 MB > --max-file-bytes
    (corpus / "bomb.txt.gz").write_bytes(_bomb(lambda d: gzip.compress(d, compresslevel=9)))
    # Half of a UTF-16 pair, escaped: valid JSON, no character (it crashed the job once).
    body = json.dumps(story_text("chile-copper"))[1:-1]
    (corpus / "surrogate.jsonl").write_text(
        '{"title": "Half \\ud800", "text": "' + body + ' \\udc00"}\n'
    )
    output = tmp_path / "out"
    executable = Path(sys.executable).with_name("newsbeam")
    # A parent of its own, so that its children's peak RSS is this run's alone.
    measure = (
        "import resource, subprocess, sys;"
        "code = subprocess.run(sys.argv[1:], capture_output=True).returncode;"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", measure, str(executable), "run", "--input", str(corpus),
         "--output", str(output)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    code, peak_kib = map(int, result.stdout.split())
    assert code == 0
    assert peak_kib * 1024 < GIB, "the 1 GiB bomb was decompressed in memory"
    db = connect(str(output))
    rejects = {
        (Path(path).name, stage, reason)
        for path, stage, reason in db.execute("SELECT input, stage, reason FROM rejects").fetchall()
    }
    assert rejects == {
        ("empty.txt", "read", "empty_file"),
        ("binary.txt", "read", "undecodable"),
        ("giant-line.txt", "clean", "too_long"),
        ("giant-line.jsonl:1", "clean", "too_long"),
        ("header-only.txt", "clean", "too_short"),
        ("huge.txt", "read", "file_too_large"),
        ("bomb.txt.gz", "read", "file_too_large"),
    }
    articles = {
        Path(path).name: (title, date_source)
        for path, title, date_source in db.execute(
            "SELECT input, title, date_source FROM articles"
        ).fetchall()
    }
    assert articles["latin1.txt"] == ("Café in Bogotá", "header")
    assert articles["bad-date.txt"][1] == "ingested"  # 30 February is no date
    assert "utf16.txt" in articles
    assert articles["surrogate.jsonl:1"][0] == "Half \ufffd"
    # 55 MB of files: read in two chunks (--chunk-bytes), each a run of its own.
    assert db.execute("SELECT sum(inputs), bool_and(balanced) FROM runs").fetchall() == [(11, True)]
