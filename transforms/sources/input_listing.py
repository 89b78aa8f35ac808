"""Which entries of the local `--input` paths are article files to read, and which not.

A directory can hold more than files: a FIFO (opening it for reading waits for a writer,
forever), a socket, a device, a link that points nowhere, a link out of the tree (to
`/etc/passwd`, or to a folder holding a link back: a loop). `expand_inputs` walks the
`--input` paths and sorts every entry that would be read by its name into a file to read or
an entry skipped with a reason, which becomes a `rejects` row: nothing named like an
article is left out silently, and nothing but regular files is ever opened.

Links: a link whose target lies inside the input roots (the directories named, a glob's
base directory) is read like the file it points to; a link to a directory inside them is
not walked again (its files are read under their own paths). A link out of the roots is
skipped unless `follow_symlinks`; followed, each directory is walked once, so a loop ends.
A path named on the command line is what the user chose and is read wherever it points.

Pure of Beam except for `FileSystems`, used for remote inputs (gs://, s3://): those hold
objects only and are listed as before.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from newsbeam.transforms.sources.article_files import extension_of, format_of
from newsbeam.transforms.sources.feed_config import FEED_EXTENSIONS
from newsbeam.transforms.sources.local_files import file_kind, is_within

__all__ = [
    "DANGLING_SYMLINK",
    "NOT_A_REGULAR_FILE",
    "SYMLINK_OUTSIDE_INPUT",
    "UNREADABLE_DIRECTORY",
    "InputListing",
    "Skipped",
    "check_inputs_exist",
    "expand_inputs",
    "other_files_note",
]

NOT_A_REGULAR_FILE = "not_a_regular_file"
DANGLING_SYMLINK = "dangling_symlink"
SYMLINK_OUTSIDE_INPUT = "symlink_outside_input"
UNREADABLE_DIRECTORY = "unreadable_directory"

_GLOB = re.compile(r"[*?[]")


@dataclass(frozen=True)
class Skipped:
    """An entry named like an input that is not read, and why: a `read` reject."""

    path: str
    reason: str
    detail: str


@dataclass(frozen=True)
class InputListing:
    """The files to read, the entries skipped (each one reject row), and how many files of
    each other extension the walked folders hold ("" for none): not inputs, but a folder of
    feeds given as `--input` should not read as nothing without a word."""

    files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    other_files: Counter[str] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.files or self.skipped)


def expand_inputs(inputs: Sequence[str], follow_symlinks: bool = False) -> InputListing:
    """The article files named by files, directories (walked) and globs, and the entries
    skipped among them.

    A file named explicitly is read whatever its name (an unsupported one becomes a reject
    when read); in a directory or glob, only article formats are taken, so a README beside
    the data is not an input. An input that names nothing is an error, raised before the
    job starts.
    """
    from apache_beam.io.filesystems import FileSystems

    local = [item for item in inputs if FileSystems.get_scheme(item) is None]
    roots = [os.path.realpath(_glob_base(item) or ".") for item in local if _GLOB.search(item)]
    roots += [os.path.realpath(item) for item in local if os.path.isdir(item)]
    files: set[str] = set()
    skipped: dict[str, Skipped] = {}
    other_files: set[str] = set()  # paths: folders given twice, or nested, count a file once
    for item in inputs:
        if FileSystems.get_scheme(item) is not None:
            files.update(_remote_matches(item))
            continue
        if os.path.isdir(item):
            walk = _Walk(roots, follow_symlinks, _article_name, skip_hidden=True)
            walk.run(item)
            other_files.update(walk.other_files)  # a glob's other files were not asked for
        elif _GLOB.search(item):
            walk = _glob_walk(item, roots, follow_symlinks)
            if not (walk.files or walk.skipped):
                raise ValueError(f"--input {item!r} matches no file")
        elif os.path.lexists(item):
            walk = _Walk(roots, follow_symlinks=True, wanted=lambda _path: True)
            walk.entry(item)
        else:
            raise ValueError(f"--input {item!r} matches no file")
        files.update(walk.files)
        skipped.update((entry.path, entry) for entry in walk.skipped)
    listing = InputListing(
        sorted(files),
        [skipped[path] for path in sorted(skipped) if path not in files],
        Counter(extension_of(os.path.basename(path)) for path in other_files),
    )
    if not listing:
        note = f" ({other_files_note(listing.other_files)})" if other_files else ""
        raise ValueError(f"--input {' '.join(inputs)!r} holds no .txt, .html or .jsonl file{note}")
    return listing


def check_inputs_exist(inputs: Sequence[str], follow_symlinks: bool = False) -> None:
    """Raises ValueError, as `expand_inputs` does, for inputs that name no article file:
    checked before the output is touched, so that a mistyped path, or a folder of feeds
    given as `--input`, leaves no folder behind (a usage error runs nothing). Local inputs
    are listed in full (a second walk of their folders, cheap beside a run); with an
    object store among them, each local one is only checked to exist."""
    import glob

    if inputs and all("://" not in item for item in inputs):
        expand_inputs(list(inputs), follow_symlinks)
        return
    for item in inputs:
        if "://" in item:
            continue
        found = (
            next(glob.iglob(item, recursive=True), None) is not None
            if _GLOB.search(item)
            else os.path.lexists(item)
        )
        if not found:
            raise ValueError(f"--input {item!r} matches no file")


def other_files_note(other_files: Counter[str]) -> str:
    """ "183 files in the --input folders of no article format (.xml 150, .md 2); feed files
    are read with --feed or --feeds": the five commonest extensions."""
    kinds = sorted(other_files.items(), key=lambda kind: (-kind[1], kind[0]))
    shown = ", ".join(f"{extension or 'no extension'} {count}" for extension, count in kinds[:5])
    more = ", ..." if len(kinds) > 5 else ""
    feeds = any(extension in FEED_EXTENSIONS for extension in other_files)
    count = sum(other_files.values())
    return (
        f"{count} {'file' if count == 1 else 'files'} in the --input folders of no article "
        f"format ({shown}{more})"
        + ("; feed files are read with --feed or --feeds" if feeds else "")
    )


def _article_name(path: str) -> bool:
    return format_of(os.path.basename(path)) is not None


def _remote_matches(item: str) -> list[str]:
    """gs://, s3://: objects only, listed by Beam."""
    from apache_beam.io.filesystems import FileSystems

    pattern = item.rstrip("/") + "/**" if item.endswith("/") else item
    matches = [m.path for result in FileSystems.match([pattern]) for m in result.metadata_list]
    if not matches:
        raise ValueError(f"--input {item!r} matches no file")
    return [path for path in matches if path == item or format_of(path)]


class _Walk:
    """One walk: directories first (links set aside), then the links, so a link to a
    directory inside the roots finds it walked already. Each directory is walked once."""

    def __init__(
        self,
        roots: Sequence[str],
        follow_symlinks: bool,
        wanted: Callable[[str], bool],
        skip_hidden: bool = False,
        may_hold: Callable[[str], bool] = lambda _path: True,
    ) -> None:
        self.roots = roots
        self.follow_symlinks = follow_symlinks
        self.wanted = wanted
        self.skip_hidden = skip_hidden
        self.may_hold = may_hold
        self.files: list[str] = []
        self.skipped: list[Skipped] = []
        self.other_files: set[str] = set()
        self._walked: set[tuple[int, int]] = set()
        self._links: deque[str] = deque()

    def run(self, top: str) -> None:
        self._directory(top)
        while self._links:
            self.entry(self._links.popleft())

    def _directory(self, top: str) -> None:
        pending = [top]
        while pending:
            directory = pending.pop()
            try:
                identity = os.stat(directory)
                key = (identity.st_dev, identity.st_ino)
                if key in self._walked:
                    continue
                self._walked.add(key)
                with os.scandir(directory) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as error:
                if self.may_hold(directory):
                    self._skip(directory, UNREADABLE_DIRECTORY, error.strerror or str(error))
                continue
            for entry in entries:
                if self.skip_hidden and entry.name.startswith("."):
                    continue
                path = os.path.join(directory, entry.name)
                if entry.is_symlink():
                    self._links.append(path)
                elif entry.is_dir(follow_symlinks=False):
                    if self.may_hold(path):
                        pending.append(path)
                elif self.wanted(path):
                    self._file(path, entry.stat(follow_symlinks=False).st_mode)
                elif entry.is_file(follow_symlinks=False):
                    self.other_files.add(os.path.realpath(path))

    def entry(self, path: str) -> None:
        """One path that may be a link: read, walked, or skipped with a reason."""
        try:
            mode = os.stat(path).st_mode  # follows the link
        except OSError as error:
            if self.wanted(path):
                target = os.readlink(path) if os.path.islink(path) else path
                detail = f"links to {target}: {error.strerror or error}"
                self._skip(path, DANGLING_SYMLINK, detail)
            return
        real = os.path.realpath(path)
        inside = any(is_within(real, root) for root in self.roots)
        if stat.S_ISDIR(mode):
            if inside:
                return  # walked under its own path
            if self.follow_symlinks:
                self._directory(path)
            elif self.may_hold(path):
                self._outside(path, real)
        elif self.wanted(path):
            if inside or self.follow_symlinks:
                self._file(path, mode)
            else:
                self._outside(path, real)

    def _file(self, path: str, mode: int) -> None:
        if stat.S_ISREG(mode):
            self.files.append(path)
        else:
            self._skip(path, NOT_A_REGULAR_FILE, f"{file_kind(mode)}: not read")

    def _outside(self, path: str, target: str) -> None:
        detail = f"links to {target}, outside the input directories; --follow-symlinks reads it"
        self._skip(path, SYMLINK_OUTSIDE_INPUT, detail)

    def _skip(self, path: str, reason: str, detail: str) -> None:
        self.skipped.append(Skipped(path, reason, detail))


def _glob_base(pattern: str) -> str:
    """The directory a glob is matched under: the one holding its first wildcard."""
    return os.path.dirname(_GLOB.split(pattern, maxsplit=1)[0])


def _glob_walk(pattern: str, roots: Sequence[str], follow_symlinks: bool) -> _Walk:
    """A glob matched the way Beam matches one (`*` within a name, `**` across folders),
    over a walk of its base directory by the rules above."""
    from apache_beam.io.filesystem import FileSystem

    base = _glob_base(pattern)
    matches = re.compile(FileSystem.translate_pattern(pattern)).match
    folders = _folder_matcher(pattern)

    def as_written(path: str) -> str:  # a glob with no folder is walked from "./"
        return path if base else path.removeprefix(os.curdir + os.sep)

    walk = _Walk(
        roots,
        follow_symlinks,
        wanted=lambda path: bool(matches(as_written(path))) and format_of(path) is not None,
        may_hold=lambda path: folders(as_written(path)),
    )
    walk.run(base or os.curdir)
    walk.files = [as_written(path) for path in walk.files]
    walk.skipped = [Skipped(as_written(s.path), s.reason, s.detail) for s in walk.skipped]
    return walk


def _folder_matcher(pattern: str) -> Callable[[str], bool]:
    """Whether a directory may hold a match of `pattern`: its path, folder by folder,
    matches the pattern's first parts (a `**` matches any depth)."""
    from apache_beam.io.filesystem import FileSystem

    parts = pattern.split("/")
    compiled = [re.compile(FileSystem.translate_pattern(part)) for part in parts]

    def may_hold(directory: str) -> bool:
        for index, name in enumerate(directory.split("/")):
            if index < len(parts) and "**" in parts[index]:
                return True
            if index >= len(parts) - 1:
                return False  # the pattern's last part names files, not folders
            if not compiled[index].match(name):
                return False
        return True

    return may_hold
