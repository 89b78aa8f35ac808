"""`newsbeam check DIR`: the files of an output that cannot be read, and setting them aside.

Files are renamed into place only when complete, but not fsynced: after a power cut one can
be there cut short, or empty. Every run reads the keys of every table file (to skip rows
already written) and every MinHash index file, and every query opens their footers, so one
such file would stop them all. `check` lists them (the tables, `runs`, the MinHash index and
a local stream's feed state); `--repair` moves each to `DIR/_quarantine/<its path under
DIR>`, deleting nothing. Their rows' keys are then no longer on disk, so the next run over
the same inputs writes those rows again.

Local outputs only: an object store (gs://, s3://) keeps an object whole or not at all.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
from dataclasses import dataclass, field

from newsbeam.query import check_output_dir
from newsbeam.schemas import MINHASH_INDEX, TABLES
from newsbeam.schemas.layout import (
    QUARANTINE,
    feed_state_dir,
    pending_feed_states_dir,
    quarantine_dir,
    state_dir,
    story_state_path,
)
from newsbeam.transforms.write.parquet_files import (
    UnreadableFile,
    list_table_files,
    read_parquet,
    read_parquet_metadata,
)

__all__ = [
    "CheckResult",
    "Unreadable",
    "check_output",
    "output_files",
    "quarantine",
    "refuse_unreadable",
    "unreadable_files",
    "unreadable_message",
]


@dataclass(frozen=True)
class Unreadable:
    """A file of the output that cannot be read, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class CheckResult:
    """How many files were read, and those that could not be."""

    checked: int
    unreadable: list[Unreadable] = field(default_factory=list)


def output_files(output_dir: str) -> list[str]:
    """Every file newsbeam reads back from the output: each table's Parquet files, the
    MinHash index's, a local stream's feed states (current and pending) and the open
    stories (current and staged). Files being
    written (`_temporary`) and files already set aside (`_quarantine`) are not among them."""
    files = [path for table in TABLES.values() for path in list_table_files(output_dir, table)]
    files += list_table_files(state_dir(output_dir), MINHASH_INDEX)
    files += sorted(glob.glob(os.path.join(glob.escape(feed_state_dir(output_dir)), "*.json")))
    pending = glob.escape(pending_feed_states_dir(output_dir))
    files += sorted(glob.glob(os.path.join(pending, "*", "*.json")))
    current_stories = story_state_path(output_dir)
    files += [current_stories] if os.path.exists(current_stories) else []
    staged = os.path.dirname(story_state_path(output_dir, "any"))
    files += sorted(glob.glob(os.path.join(glob.escape(staged), "*.json.gz")))
    return files


def unreadable_files(output_dir: str, thorough: bool = True) -> CheckResult:
    """Reads every file of `output_files`; `thorough` reads all their data, otherwise only
    each Parquet file's footer (written last, so missing from any file cut short: what a
    run checks before it starts, in a fraction of the time)."""
    files = output_files(output_dir)
    found = []
    for path in files:
        reason = _problem(path, thorough)
        if reason is not None:
            found.append(Unreadable(path, reason))
    return CheckResult(len(files), found)


def _problem(path: str, thorough: bool) -> str | None:
    """Why the file cannot be read, or None when it can."""
    if path.endswith((".json", ".json.gz")):
        return _json_problem(path)
    try:
        if thorough:
            read_parquet(path)
        else:
            read_parquet_metadata(path)
    except UnreadableFile as error:
        return " ".join(str(error.__cause__ or error).split()).rstrip(".")
    return None


def _json_problem(path: str) -> str | None:
    try:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            state = json.load(handle)
    except (OSError, ValueError, EOFError) as error:
        return f"not a JSON file: {error}"
    return None if isinstance(state, dict) else "not a JSON object"


def quarantine(output_dir: str, found: list[Unreadable]) -> list[tuple[str, str]]:
    """Moves each file to `DIR/_quarantine/<its path under DIR>` (a numbered suffix if a
    file of that name was set aside before); returns (from, to) of each move."""
    root = quarantine_dir(output_dir)
    moves = []
    for item in found:
        target = _free_name(os.path.join(root, os.path.relpath(item.path, output_dir)))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.rename(item.path, target)
        moves.append((item.path, target))
    return moves


def _free_name(path: str) -> str:
    candidate, number = path, 0
    while os.path.lexists(candidate):
        number += 1
        candidate = f"{path}.{number}"
    return candidate


def unreadable_message(output_dir: str, found: list[Unreadable]) -> str:
    """The error of a run, stream or query that meets unreadable files: each named, and
    what to do."""
    lines = [
        f"{len(found)} file{'s' if len(found) != 1 else ''} in the output {output_dir} cannot "
        "be read (cut short or empty, as a power cut can leave them):",
        *(f"  {item.path}: {item.reason}" for item in found),
        f"Run `newsbeam check {output_dir} --repair` to move them to "
        f"{os.path.join(output_dir, QUARANTINE)}/, then run again over the same inputs to "
        "write their rows anew.",
    ]
    return "\n".join(lines)


def refuse_unreadable(output_dir: str) -> None:
    """Raises ValueError naming every unreadable file of a local output: before a run or a
    stream starts, not in its key check after an hour of work. Footers only."""
    if "://" in output_dir or not os.path.isdir(output_dir):
        return
    found = unreadable_files(output_dir, thorough=False).unreadable
    if found:
        raise ValueError(unreadable_message(output_dir, found))


def check_output(output_dir: str, repair: bool) -> tuple[CheckResult, list[tuple[str, str]]]:
    """`newsbeam check`: every file of the output read in full, and with `repair` the
    unreadable ones moved aside. Raises ValueError for what is not a local output."""
    if "://" in output_dir:
        raise ValueError(
            f"check reads a local output directory, not {output_dir}: an object store keeps "
            "each file whole or not at all"
        )
    if not os.path.isdir(output_dir):
        raise ValueError(f"{output_dir!r} is not a directory written by newsbeam run")
    check_output_dir(output_dir)
    if not repair:
        return unreadable_files(output_dir), []
    # Moving files out from under a run that is writing would lose its rows: one writer.
    from newsbeam.output_lock import hold_output

    with hold_output(output_dir, "check --repair"):
        result = unreadable_files(output_dir)
        return result, quarantine(output_dir, result.unreadable)
