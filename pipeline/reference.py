"""The README's reference tables, rendered from the code they describe.

The flag table comes from `NewsbeamOptions`' own argparse definitions and the column
reference from `newsbeam.schemas.TABLES`, so neither can drift from the code. The README
holds each between marker comments (`<!-- flags:begin -->` ... `<!-- flags:end -->`,
likewise `columns`), and this rewrites them in place::

    python -m newsbeam.reference README.md docs/cli.md docs/tables.md    # rewrite them
    python -m newsbeam.reference --check README.md docs/cli.md docs/tables.md

Importing this module loads nothing heavy: Beam and pyarrow load when a table is rendered.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "REGENERATE",
    "SECTIONS",
    "flag_actions",
    "main",
    "read_sections",
    "render_columns",
    "render_flags",
    "replace_sections",
    "type_name",
]

REGENERATE = "python -m newsbeam.reference README.md docs/cli.md docs/tables.md"
"""The command that brings the README's generated sections up to date."""


def flag_actions() -> list[argparse.Action]:
    """Every flag `NewsbeamOptions` defines, in the order it defines them."""
    from newsbeam.options import NewsbeamOptions

    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    NewsbeamOptions._add_argparse_args(parser)
    return [action for action in parser._actions if action.option_strings]


def _cell(text: str) -> str:
    """Text fit for one cell of a Markdown table: one line, no column separator."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _value(action: argparse.Action) -> str:
    """What a flag takes, in words."""
    if action.nargs == 0:
        return "switch"
    if action.choices:
        return "one of " + ", ".join(f"`{choice}`" for choice in action.choices)
    kind = {int: "integer", float: "number"}.get(action.type, "text")
    if action.nargs == "+":
        repeatable = ", repeatable" if isinstance(action, argparse._ExtendAction) else ""
        return f"{kind}, one or more{repeatable}"
    if isinstance(action, argparse._AppendAction):
        return f"{kind}, repeatable"
    return kind


def _default(action: argparse.Action) -> str:
    default = action.default
    if action.nargs == 0:
        return "on" if default else "off"
    if default is None:
        return "none"
    if isinstance(default, float) and default.is_integer():
        default = int(default)
    return f"`{default}`"


def render_flags() -> str:
    """The flag table of `newsbeam run` and `newsbeam stream`: flag, value, default, help
    (which starts with the one command that reads it, for a flag only one reads)."""
    from newsbeam.cli import DEFAULT_RUNNER
    from newsbeam.options import LOCAL_RUNNER, ONLY_FOR

    lines = [
        f"<!-- Generated from NewsbeamOptions by `{REGENERATE}`: edit the code, not this. -->",
        "| Flag | Takes | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for action in flag_actions():
        flags = ", ".join(f"`{flag}`" for flag in action.option_strings)
        only = ONLY_FOR.get(action.option_strings[0])
        meaning = f"`{only}` only. {action.help or ''}" if only else action.help or ""
        lines.append(f"| {flags} | {_value(action)} | {_default(action)} | {_cell(meaning)} |")
    lines.append(
        f"| `--runner` | text | `{DEFAULT_RUNNER}` | Beam's own flag. `{DEFAULT_RUNNER}` runs "
        f"as Beam's in-process `{LOCAL_RUNNER}`; `dask` is Beam's DaskRunner with newsbeam's "
        "translation to dask bags (`run` only); "
        "`FlinkRunner`, `DataflowRunner` and any other name go to Beam unchanged |"
    )
    return "\n".join(lines)


def type_name(data_type: pa.DataType) -> str:
    """A column's type as the reference spells it: `list<string>`, `timestamp (UTC)`, ...

    Inside a struct, `?` marks a field that may be null."""
    import pyarrow as pa

    if pa.types.is_timestamp(data_type):
        return f"timestamp ({data_type.tz})" if data_type.tz else "timestamp"
    if pa.types.is_date32(data_type):
        return "date"
    if pa.types.is_boolean(data_type):
        return "bool"
    if pa.types.is_floating(data_type):
        return f"float{data_type.bit_width}"
    if pa.types.is_list(data_type):
        return f"list<{type_name(data_type.value_type)}>"
    if pa.types.is_struct(data_type):
        fields = (data_type.field(i) for i in range(data_type.num_fields))
        inner = ", ".join(
            f"{field.name}: {type_name(field.type)}{'?' if field.nullable else ''}"
            for field in fields
        )
        return f"struct<{inner}>"
    return str(data_type)


def _description(field: pa.Field) -> str | None:
    metadata = field.metadata or {}
    text = metadata.get(b"description")
    return text.decode() if text else None


def render_columns() -> str:
    """Every column of every table in `newsbeam.schemas.TABLES`: type, nullability, whether
    it is the table's key or a partition column, and the description the schema carries."""
    from newsbeam.schemas import SCHEMA_VERSION, TABLES

    described = any(_description(f) for table in TABLES.values() for f in table.schema)
    lines = [
        f"<!-- Generated from newsbeam.schemas by `{REGENERATE}`: edit the code, not this. -->",
        f"Schema version `{SCHEMA_VERSION}`. Inside a struct, `?` marks a field that may be null.",
        "",
        "| Table | Column | Type | Nullable | Role |" + (" Meaning |" if described else ""),
        "|---|---|---|---|---|" + ("---|" if described else ""),
    ]
    for table in TABLES.values():
        for field in table.schema:
            role = "key" if field.name == table.key else ""
            if field.name in table.partition_by:
                role = "partition"
            row = (
                f"| {table.name} | `{field.name}` | `{type_name(field.type)}` | "
                f"{'yes' if field.nullable else 'no'} | {role} |"
            )
            if described:
                row += f" {_cell(_description(field) or '')} |"
            lines.append(row)
    return "\n".join(lines)


def render_languages() -> str:
    """The languages table: what reads each language, from `data/spacy_models.tsv`."""
    from newsbeam.transforms.extract.languages import model_rows

    status = {
        "loads": "installed: its model reads the language",
        "placeholder": "placeholder release only (999.9.9): not installed, gazetteer",
        "incompatible": "requires another spaCy than the pinned one: gazetteer",
        "absent": "not in the package registry: gazetteer",
    }
    lines = [
        f"<!-- Generated from transforms/extract/data/spacy_models.tsv by `{REGENERATE}`. -->",
        "| Language | spaCy package | Version | What reads it |",
        "|---|---|---|---|",
    ]
    for row in model_rows():
        lines.append(
            f"| `{row.language}` | `{row.package}` | {row.version or '—'} | {status[row.status]} |"
        )
    lines.append(
        "| any other | — | — | multilingual gazetteer: places, countries, region; "
        "no persons or organizations |"
    )
    return "\n".join(lines)


SECTIONS: dict[str, Callable[[], str]] = {
    "flags": render_flags,
    "columns": render_columns,
    "languages": render_languages,
}
"""What each marked section of a document holds, by its marker name."""


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- {re.escape(name)}:begin -->\n)(.*?)(\n?<!-- {re.escape(name)}:end -->)",
        re.DOTALL,
    )


def read_sections(text: str) -> dict[str, str]:
    """The generated sections a document holds, by name, as they stand in it."""
    found = {}
    for name in SECTIONS:
        match = _pattern(name).search(text)
        if match:
            found[name] = match.group(2)
        elif f"<!-- {name}:begin -->" in text:
            raise ValueError(f"<!-- {name}:begin --> has no <!-- {name}:end --> after it")
    return found


def replace_sections(text: str, rendered: Mapping[str, str]) -> str:
    """The document with each marked section's body replaced by its rendering."""
    read_sections(text)  # unpaired markers are an error, not a silent no-op
    for name, body in rendered.items():
        text = _pattern(name).sub(
            lambda match, body=body: f"{match.group(1)}{body}\n{match.group(3).lstrip()}", text
        )
    return text


def main(argv: Sequence[str] | None = None) -> int:
    from newsbeam.beam_warnings import silence_optional_extras

    silence_optional_extras()
    parser = argparse.ArgumentParser(
        prog="python -m newsbeam.reference",
        description="Rewrite the generated flag and column tables between marker comments.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="Markdown files, e.g. README.md")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a section is stale"
    )
    args = parser.parse_args(argv)
    stale = []
    for path in args.paths:
        text = path.read_text(encoding="utf-8")
        names = read_sections(text)
        if not names:
            print(
                f"{path}: no <!-- flags:begin --> or <!-- columns:begin --> marker", file=sys.stderr
            )
            return 2
        updated = replace_sections(text, {name: SECTIONS[name]() for name in names})
        if updated == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(updated, encoding="utf-8")
    for path in stale:
        print(f"{path}: {'out of date' if args.check else 'rewritten'}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
