"""A Dockerfile read the way `docker build` reads it, for what the tests need: ARG scoping,
ENV, and the files a build context filtered by `<Dockerfile>.dockerignore` lets COPY place.

No Docker engine is needed: the build context is assembled on disk, as BuildKit would send
it, so that the `pip install .` an image runs can be run on the same files here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Dockerfile", "Ignore", "context_files", "place_copies"]

_VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, ARG, ENV, WORKDIR, COPY, RUN, ...
    text: str  # the rest of the instruction, continuation lines joined
    stage: int  # how many FROMs came before it, this one included
    workdir: str  # the working directory the instruction runs in


class Dockerfile:
    """The instructions of one Dockerfile, with its ARG defaults resolved per stage."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.instructions: list[Instruction] = []
        logical = re.sub(r"\\\n", " ", path.read_text())
        stage, workdir = 0, "/"
        for line in logical.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            keyword, _, text = line.partition(" ")
            keyword = keyword.upper()
            if keyword == "FROM":
                stage, workdir = stage + 1, "/"
            elif keyword == "WORKDIR":
                workdir = os.path.normpath(os.path.join(workdir, text.strip()))
            self.instructions.append(Instruction(keyword, text.strip(), stage, workdir))

    @property
    def ignore_file(self) -> Path:
        """BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile."""
        return self.path.with_name(self.path.name + ".dockerignore")

    def global_args(self) -> dict[str, str | None]:
        """ARGs declared before the first FROM: usable in FROM lines only."""
        return self._args(0)

    def stage_args(self, stage: int = 1) -> dict[str, str | None]:
        """ARGs declared in a stage; one redeclared without a value takes the global default."""
        inherited = self.global_args()
        return {
            name: inherited.get(name) if value is None else value
            for name, value in self._args(stage).items()
        }

    def _args(self, stage: int) -> dict[str, str | None]:
        found: dict[str, str | None] = {}
        for instruction in self.instructions:
            if instruction.keyword == "ARG" and instruction.stage == stage:
                name, equals, value = instruction.text.partition("=")
                found[name] = value if equals else None
        return found

    def expand(self, text: str, stage: int) -> str:
        """`text` with `${NAME}` replaced as the build would, with no --build-arg given;
        raises KeyError for a variable the stage does not declare."""
        values = {**self.stage_args(stage), **self.env(stage)} if stage else self.global_args()

        def value(match: re.Match) -> str:
            return values[match.group(1) or match.group(2)] or ""

        return _VARIABLE.sub(value, text)

    def variables_used(self, stage: int) -> set[str]:
        """Every `$NAME` the stage's instructions refer to (FROM lines belong to stage 0)."""
        used: set[str] = set()
        for instruction in self.instructions:
            if instruction.stage == stage and instruction.keyword not in ("FROM", "ARG"):
                used |= {a or b for a, b in _VARIABLE.findall(instruction.text)}
        return used

    def base_images(self) -> list[str]:
        return [self.expand(i.text.split()[0], 0) for i in self.instructions if i.keyword == "FROM"]

    def env(self, stage: int = 1) -> dict[str, str]:
        """ENV values set in a stage (`KEY=value` form), unexpanded."""
        found: dict[str, str] = {}
        for instruction in self.instructions:
            if instruction.keyword == "ENV" and instruction.stage == stage:
                for pair in shlex.split(instruction.text):
                    key, _, value = pair.partition("=")
                    found[key] = value
        return found

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


class Ignore:
    """A .dockerignore file: the last pattern matching a path, or one of its parents, says
    whether the path is left out of the build context (`!` lets it back in)."""

    def __init__(self, path: Path) -> None:
        self.patterns: list[tuple[bool, str, re.Pattern]] = []
        for line in path.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            pattern = os.path.normpath(line.lstrip("!").strip().lstrip("/"))
            self.patterns.append((negated, pattern, re.compile(_regex(pattern))))

    def excludes(self, relative: str) -> bool:
        parts = relative.split("/")
        candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        excluded = False
        for negated, _, regex in self.patterns:
            if any(regex.fullmatch(candidate) for candidate in candidates):
                excluded = not negated
        return excluded

    def may_let_in_below(self, folder: str) -> bool:
        """Whether some `!` pattern could let a file under an excluded folder back in."""
        return any(
            negated and (pattern.startswith(folder + "/") or pattern.startswith("*"))
            for negated, pattern, _ in self.patterns
        )


def _regex(pattern: str) -> str:
    """Docker's pattern syntax: `**` any number of folders, `*` and `?` within one."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return out


def context_files(root: Path, ignore: Ignore) -> set[str]:
    """The files (relative, `/`-separated) a build from `root` sends to the builder."""
    files: set[str] = set()
    for folder, dirs, names in os.walk(root):
        base = Path(folder).relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        dirs[:] = [
            d
            for d in dirs
            if not ignore.excludes(prefix + d) or ignore.may_let_in_below(prefix + d)
        ]
        files |= {prefix + name for name in names if not ignore.excludes(prefix + name)}
    return files


def place_copies(dockerfile: Dockerfile, root: Path, files: set[str], into: Path) -> None:
    """Runs the Dockerfile's COPY instructions (from the build context) into `into`, which
    stands for the image's `/`; fails on a source the context does not hold."""
    for instruction in dockerfile.of("COPY"):
        words = [w for w in shlex.split(instruction.text) if not w.startswith("--")]
        *sources, destination = words
        target = Path(os.path.join(instruction.workdir, destination))
        into_folder = destination.endswith("/") or len(sources) > 1
        for source in sources:
            source = os.path.normpath(source)
            under = sorted(f for f in files if f.startswith(source + "/"))
            if source in files:
                path = target / Path(source).name if into_folder else target
                _copy(root / source, into / path.relative_to("/"))
            elif under:
                for file in under:
                    relative = Path(file).relative_to(source)
                    _copy(root / file, into / target.relative_to("/") / relative)
            else:
                name = f"{dockerfile.path.parent.name}/{dockerfile.path.name}"
                raise AssertionError(
                    f"{name}: COPY {source}: not in the build context "
                    f"(missing, or left out by {dockerfile.ignore_file.name})"
                )


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
