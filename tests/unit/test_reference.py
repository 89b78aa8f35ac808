"""The references cannot drift from the code: the flag table (docs/cli.md), the column
table (docs/tables.md) and the README's languages table are what `newsbeam.reference`
renders now, and every path, module, flag and link the README and docs/ cite exists."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from newsbeam import reference
from newsbeam.beam_flags import beam_flags
from newsbeam.options import ONLY_FOR
from newsbeam.schemas import TABLES
from tests.support.paths import REPO

README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
REGENERATE = f"stale: run `{reference.REGENERATE}` and commit the result"

# Dotted names the docs cite that are not modules: the Parquet metadata keys of every file.
_METADATA_KEYS = {"newsbeam.schema_version", "newsbeam.table"}
_TOP_FOLDERS = ("pipeline", "transforms", "schemas", "tests", "bench", "deploy", "samples", "docs")
_CODE = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
# A hyphenated long flag (`--near-threshold`), not Beam's underscored ones (`--direct_num_workers`).
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?![\w-])")


# Where each generated section lives: the languages in the README, the references in docs/.
SECTION_FILES = {
    "languages": README,
    "flags": REPO / "docs" / "cli.md",
    "columns": REPO / "docs" / "tables.md",
}


def _sections() -> dict[str, str]:
    """Each generated section, read from the document it belongs in."""
    found = {}
    for name, path in SECTION_FILES.items():
        sections = reference.read_sections(path.read_text(encoding="utf-8"))
        if name in sections:
            found[name] = sections[name]
    return found


def _table_flags(section: str) -> set[str]:
    """The flags named in the first column of a generated flag table."""
    rows = [line for line in section.splitlines() if line.startswith("| `--")]
    return {flag for row in rows for flag in _FLAG.findall(row.split(" | ")[0])}


def _help_flags(capsys, *argv: str) -> set[str]:
    """The flags a `newsbeam` subcommand's parser accepts, from its own --help."""
    from newsbeam.cli import main

    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    listed = re.findall(r"^\s{2}(?:-\w, )?(--[a-z][\w-]*)", capsys.readouterr().out, re.M)
    return set(listed) - {"--help"}


def test_the_flag_table_is_what_the_options_render() -> None:
    assert _sections().get("flags") == reference.render_flags(), f"flag table {REGENERATE}"


def test_the_column_reference_is_what_the_schemas_render() -> None:
    sections = _sections()
    assert sections.get("columns") == reference.render_columns(), f"columns {REGENERATE}"


def test_the_languages_table_is_what_the_model_table_renders() -> None:
    sections = _sections()
    assert sections.get("languages") == reference.render_languages(), f"README {REGENERATE}"


def test_every_flag_run_and_stream_accept_is_in_the_flag_table(capsys) -> None:
    """Each command accepts the table's flags but those marked for the other one."""
    table = _table_flags(_sections()["flags"])
    defined = {flag for action in reference.flag_actions() for flag in action.option_strings}
    assert defined <= table, f"missing from the flag table: {sorted(defined - table)}"
    for command in ("run", "stream"):
        accepted = _help_flags(capsys, command)
        own = {flag for flag in table if ONLY_FOR.get(flag, command) == command}
        assert accepted == own, f"`newsbeam {command}` accepts {sorted(accepted ^ own)}"


def test_the_metadata_keys_the_docs_cite_are_written() -> None:
    source = (REPO / "schemas" / "tables.py").read_text(encoding="utf-8")
    assert all(f'b"{key}"' in source for key in _METADATA_KEYS)


def test_every_column_of_every_table_has_its_meaning_in_docs_tables() -> None:
    """docs/tables.md says what each column holds: one row per column, under its table."""
    text = (REPO / "docs" / "tables.md").read_text(encoding="utf-8")
    for name, table in TABLES.items():
        section = re.search(rf"^## {name}\n(.*?)(?=^## |\Z)", text, re.DOTALL | re.MULTILINE)
        assert section, f"docs/tables.md has no '## {name}' section"
        rows = [line for line in section.group(1).splitlines() if line.startswith("| `")]
        described = [col for row in rows for col in _CODE.findall(row.split(" | ")[0])]
        assert sorted(described) == sorted(table.schema.names), f"docs/tables.md, {name}"


def _documents() -> list[Path]:
    return [README, *DOCS, REPO / "deploy" / "README.md"]


def _cited(path: Path) -> set[str]:
    return set(_CODE.findall(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("document", _documents(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_repository_path_cited_exists(document: Path) -> None:
    missing = []
    for token in _cited(document):
        path, _, test_name = token.partition("::")
        if path.split("/")[0] not in _TOP_FOLDERS or re.search(r"[\s<>*]", path):
            continue
        if not (REPO / path).exists():
            missing.append(token)
        elif test_name and f"def {test_name}(" not in (REPO / path).read_text(encoding="utf-8"):
            missing.append(token)
    # `::test_name` after a cited test file names another test of that same file.
    text = document.read_text(encoding="utf-8")
    for file, names in re.findall(r"`(tests/[\w/]+\.py)::\w+`((?:, `::\w+`)+)", text):
        source = (REPO / file).read_text(encoding="utf-8") if (REPO / file).exists() else ""
        missing += [
            f"{file}::{n}" for n in re.findall(r"::(\w+)", names) if f"def {n}(" not in source
        ]
    assert not missing, (
        f"{document.relative_to(REPO)} cites what the repository lacks: {sorted(missing)}"
    )


def _resolves(dotted: str) -> bool:
    """A module, or a name defined in (or exported by) the longest module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            spec = importlib.util.find_spec(".".join(parts[:cut]))
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            continue
        if cut == len(parts):
            return True
        source = Path(spec.origin).read_text(encoding="utf-8")
        return re.search(rf"\b{re.escape(parts[cut])}\b", source) is not None
    return False


@pytest.mark.parametrize("document", _documents(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_module_cited_exists(document: Path) -> None:
    dotted = {token for token in _cited(document) if re.fullmatch(r"newsbeam(\.\w+)+", token)}
    dotted -= _METADATA_KEYS
    text = document.read_text(encoding="utf-8")
    dotted |= set(re.findall(r"python -m ([\w.]+)", text)) - {"venv", "pip", "pytest"}
    missing = sorted(name for name in dotted if not _resolves(name))
    assert not missing, f"{document.relative_to(REPO)} cites modules that do not exist: {missing}"


def _known_flags(capsys) -> set[str]:
    newsbeam = _help_flags(capsys, "run") | _help_flags(capsys, "stream")
    newsbeam |= _help_flags(capsys, "query") | {"--help", "--version"} | beam_flags()
    scripts = {
        flag
        for path in [*(REPO / "bench").glob("*.py"), *(REPO / "pipeline").glob("*.py")]
        for flag in re.findall(r'add_argument\(\s*"(--[\w-]+)"', path.read_text(encoding="utf-8"))
    }
    return newsbeam | scripts


@pytest.mark.parametrize("document", [README, *DOCS], ids=lambda p: str(p.relative_to(REPO)))
def test_every_flag_cited_exists(document: Path, capsys) -> None:
    """Flags in prose and in code blocks: newsbeam's, its query's, or the benchmarks'
    (bar the mistakes a document quotes as the command line refuses them)."""
    text = document.read_text(encoding="utf-8")
    cited = set(_FLAG.findall(text)) - set(re.findall(r"unknown flag (--[\w-]+)", text))
    unknown = sorted(cited - _known_flags(capsys))
    assert not unknown, f"{document.relative_to(REPO)} cites flags nothing accepts: {unknown}"


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings (code blocks are not headings)."""
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    anchors: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        anchor, count = slug, 1
        while anchor in anchors:
            anchor, count = f"{slug}-{count}", count + 1
        anchors.add(anchor)
    return anchors


@pytest.mark.parametrize(
    "document", [*_documents(), REPO / "CHANGELOG.md"], ids=lambda p: str(p.relative_to(REPO))
)
def test_every_relative_link_lands(document: Path) -> None:
    broken = []
    for target in _LINK.findall(_FENCE.sub("", document.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (document.parent / file).resolve() if file else document
        if not linked.exists() or (anchor and anchor not in _anchors(linked)):
            broken.append(target)
    assert not broken, f"{document.relative_to(REPO)} links nowhere: {broken}"


def test_regenerating_rewrites_only_the_marked_sections(tmp_path: Path) -> None:
    stale = "# Title\n\n<!-- flags:begin -->\nold\n<!-- flags:end -->\n\nkept\n"
    document = tmp_path / "README.md"
    document.write_text(stale)
    assert reference.main(["--check", str(document)]) == 1
    assert document.read_text() == stale
    assert reference.main([str(document)]) == 0
    text = document.read_text()
    assert text.startswith("# Title\n\n<!-- flags:begin -->\n") and text.endswith("\n\nkept\n")
    assert reference.read_sections(text) == {"flags": reference.render_flags()}
    assert reference.main(["--check", str(document)]) == 0


def test_a_begin_marker_without_its_end_is_an_error() -> None:
    with pytest.raises(ValueError, match="columns:end"):
        reference.read_sections("<!-- columns:begin -->\nrows\n")


def test_the_schema_version_written_in_prose_is_the_code_s():
    """The prose of docs/tables.md names the schema version outside the generated
    reference; a version bump must not leave it behind (it said `7` while rows held 8)."""
    from newsbeam.schemas import SCHEMA_VERSION

    prose = (REPO / "docs" / "tables.md").read_text(encoding="utf-8")
    named = re.findall(r"[Ss]chema version is `(\d+)`|`(\d+)` now", prose)
    assert named, "docs/tables.md no longer names the schema version"
    assert {int(a or b) for a, b in named} == {SCHEMA_VERSION}
