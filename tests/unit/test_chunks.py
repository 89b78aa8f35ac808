"""Chunks of input files for local batch runs: bounded memory, every file, in order."""

from __future__ import annotations

import pytest

from newsbeam.chunks import file_sizes, plan_chunks


@pytest.mark.parametrize(
    ("sizes", "max_bytes", "expected"),
    [
        ([10, 10, 10], 25, [["a", "b"], ["c"]]),
        ([10, 10, 10], 30, [["a", "b", "c"]]),
        ([40, 5, 5], 25, [["a"], ["b", "c"]]),  # a file over the limit is a chunk of its own
        ([5, 40, 5], 25, [["a"], ["b"], ["c"]]),
        ([10, 10, 10], 0, [["a", "b", "c"]]),  # 0: never chunk
        ([0, 0, 0], 1, [["a", "b", "c"]]),
    ],
)
def test_chunks_keep_order_and_every_file(sizes, max_bytes, expected):
    paths = ["a", "b", "c"][: len(sizes)]
    assert plan_chunks(paths, sizes, max_bytes) == expected


def test_no_files_is_one_empty_chunk():
    assert plan_chunks([], [], 10) == [[]]


def test_file_sizes_are_bytes_on_disk(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.txt"
    first.write_bytes(b"x" * 1234)
    second.write_bytes(b"")
    assert file_sizes([str(first), str(second)]) == [1234, 0]
