"""The tree keeps its promises: one `newsbeam` namespace, and folders that state which
module is Beam glue and which is plain rules."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from tests.support.paths import REPO

CODE_FOLDERS = ("pipeline", "transforms", "schemas")
_BEAM_BASES = {"PTransform", "DoFn", "CombineFn"}


def _modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().replace("min_hash", "minhash")


def _beam_classes(tree: ast.Module) -> dict[str, str]:
    """Classes deriving from a Beam base (directly, or from a class of the same module)."""
    found: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for base in node.bases:
            name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
            if name in _BEAM_BASES:
                found[node.name] = name
            elif name in found:
                found[node.name] = found[name]
    return found


@pytest.mark.parametrize("path", _modules("transforms"), ids=lambda p: str(p.relative_to(REPO)))
def test_only_modules_named_after_a_composite_hold_beam_code(path: Path) -> None:
    classes = _beam_classes(ast.parse(path.read_text()))
    composites = {name for name, base in classes.items() if base == "PTransform"}
    named_after = {name for name in composites if _snake(name) == path.stem}
    if classes:
        assert named_after, (
            f"{path.name} defines Beam classes {sorted(classes)} but is not named after one of "
            f"its composites {sorted(composites)}: glue lives in a module named for what it does"
        )
    else:
        assert not composites


@pytest.mark.parametrize(
    "path",
    [p for folder in (*CODE_FOLDERS, "bench", "tests", "deploy") for p in _modules(folder)],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_nothing_imports_the_folders_as_top_level_packages(path: Path) -> None:
    """`import transforms.x` would work in this checkout and fail for every user."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            assert node.module.split(".")[0] not in CODE_FOLDERS, f"{path}: from {node.module}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] not in CODE_FOLDERS, f"{path}: {alias.name}"


def test_every_package_folder_is_installed_under_newsbeam() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {package: folder for package, folder in project["package-dir"].items()}
    expected = set()
    for package, folder in folders.items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder).parts
            expected.add(".".join((package, *relative)))
    assert set(project["packages"]) == expected


def test_the_folders_have_no_module_left_outside_a_package() -> None:
    for folder in CODE_FOLDERS:
        for path in _modules(folder):
            assert (path.parent / "__init__.py").exists(), f"{path} is in no package"
