"""`newsbeam.check`: which files of an output cannot be read, and setting them aside."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest

from newsbeam.check import check_output, quarantine, refuse_unreadable, unreadable_files
from newsbeam.schemas import ARTICLES, DUPLICATES, MINHASH_INDEX, RUNS
from newsbeam.schemas.layout import (
    feed_state_dir,
    pending_feed_state_dir,
    state_dir,
    story_state_path,
)
from newsbeam.transforms.stories.story_batches import StoryState
from newsbeam.transforms.stories.story_state_files import commit_story_state, stage_story_state
from newsbeam.transforms.write.parquet_files import read_parquet_metadata, write_rows
from tests.support.builders import STORY, article_row, duplicate_row, run_row

_PARTITION = "date=2025-03-03/region=eastern-africa"


def _output(root) -> dict[str, str]:
    """An output with a file of each kind newsbeam reads back; returns their paths."""
    out = str(root)
    index_row = {
        "id": "a" * 32,
        "signature": [1, 2, 3],
        "indexed_at": datetime(2025, 3, 3, tzinfo=UTC),
        "scheme": "s",
    }
    paths = {
        "articles": write_rows(out, ARTICLES, _PARTITION, [article_row(id="a" * 32)]),
        "duplicates": write_rows(out, DUPLICATES, "", [duplicate_row()]),
        "runs": write_rows(out, RUNS, "", [run_row()]),
        "index": write_rows(state_dir(out), MINHASH_INDEX, "", [index_row]),
    }
    for name, folder in (
        ("feed", feed_state_dir(out)),
        ("pending", pending_feed_state_dir(out, "r1")),
    ):
        os.makedirs(folder)
        paths[name] = os.path.join(folder, "f.json")
        with open(paths[name], "w", encoding="utf-8") as handle:
            json.dump({"url": "https://example.com/feed", "state": {}}, handle)
    stage_story_state(out, "r1", StoryState())
    commit_story_state(out, "r1")
    paths["stories"] = story_state_path(out)
    return paths


def test_every_kind_of_file_is_read_and_the_unreadable_ones_named(tmp_path):
    paths = _output(tmp_path)
    assert unreadable_files(str(tmp_path)).checked == 7
    assert unreadable_files(str(tmp_path)).unreadable == []
    os.truncate(paths["stories"], 20)  # a power cut in the middle of the open stories
    os.truncate(paths["runs"], 100)
    os.truncate(paths["index"], 0)
    os.truncate(paths["pending"], 5)
    with open(paths["feed"], "w", encoding="utf-8") as handle:
        handle.write("[]")
    # Neither files being written nor files already set aside are the output's.
    for folder in ("_temporary", "_quarantine/runs"):
        os.makedirs(tmp_path / folder, exist_ok=True)
        (tmp_path / folder / "part-x.parquet").write_bytes(b"")
    result = unreadable_files(str(tmp_path))
    assert result.checked == 7
    found = {item.path: item.reason for item in result.unreadable}
    damaged = ("runs", "index", "pending", "feed", "stories")
    assert sorted(found) == sorted(paths[name] for name in damaged)
    assert "0 bytes" in found[paths["index"]] and found[paths["feed"]] == "not a JSON object"


def test_a_file_damaged_inside_is_found_by_a_full_read_only(tmp_path):
    """A run checks footers (written last: a file cut short has none); `check` reads all."""
    rows = [article_row(id=f"{i:032d}", text=f"{STORY * 20} {i}") for i in range(50)]
    path = write_rows(str(tmp_path), ARTICLES, _PARTITION, rows)
    text = next(
        column
        for column in (read_parquet_metadata(path).row_group(0).column(i) for i in range(30))
        if column.path_in_schema == "text"
    )
    start = text.data_page_offset + text.total_compressed_size // 4
    with open(path, "r+b") as handle:
        handle.seek(start)
        handle.write(b"\xab" * (text.total_compressed_size // 4))
    assert unreadable_files(str(tmp_path), thorough=False).unreadable == []
    assert [item.path for item in unreadable_files(str(tmp_path)).unreadable] == [path]


def test_quarantine_keeps_the_relative_path_and_never_overwrites(tmp_path):
    paths = _output(tmp_path)
    target = str(tmp_path / "_quarantine" / os.path.relpath(paths["articles"], tmp_path))
    os.truncate(paths["articles"], 10)
    assert quarantine(str(tmp_path), unreadable_files(str(tmp_path)).unreadable) == [
        (paths["articles"], target)
    ]
    # The same file damaged again after a rerun wrote it anew: both copies are kept.
    write_rows(str(tmp_path), ARTICLES, _PARTITION, [article_row(id="a" * 32)])
    os.truncate(paths["articles"], 20)
    assert quarantine(str(tmp_path), unreadable_files(str(tmp_path)).unreadable) == [
        (paths["articles"], f"{target}.1")
    ]
    assert os.path.getsize(target) == 10 and os.path.getsize(f"{target}.1") == 20
    assert unreadable_files(str(tmp_path)).unreadable == []


def test_a_run_is_refused_with_every_unreadable_file_named(tmp_path):
    paths = _output(tmp_path)
    refuse_unreadable(str(tmp_path))
    os.truncate(paths["articles"], 0)
    os.truncate(paths["duplicates"], 30)
    with pytest.raises(ValueError) as refused:
        refuse_unreadable(str(tmp_path))
    message = str(refused.value)
    assert paths["articles"] in message and paths["duplicates"] in message
    assert f"newsbeam check {tmp_path} --repair" in message


def test_check_refuses_what_is_not_a_local_output(tmp_path):
    paths = _output(tmp_path)
    with pytest.raises(ValueError, match="local output"):
        check_output("gs://bucket/out", repair=False)
    with pytest.raises(ValueError, match="not a directory"):
        check_output(str(tmp_path / "missing"), repair=False)
    with pytest.raises(ValueError, match=f"pass {tmp_path}"):
        check_output(os.path.dirname(os.path.dirname(paths["articles"])), repair=False)
