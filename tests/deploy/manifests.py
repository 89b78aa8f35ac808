"""The deploy/ folder as the tests read it: paths, pyproject's pins, the Kubernetes objects of
each kustomization, and the command lines their containers run."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

__all__ = [
    "DEPLOY",
    "DOCKERFILES",
    "KUSTOMIZATIONS",
    "REPO",
    "container_argv",
    "container_env",
    "containers",
    "documents",
    "field",
    "flag",
    "kustomization",
    "literals",
    "load_module",
    "mount_of",
    "object_of",
    "objects",
    "pins",
    "pyproject",
]

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
KUSTOMIZATIONS = [DEPLOY / "flink", DEPLOY / "schedules"]
DOCKERFILES = [DEPLOY / "docker" / "Dockerfile", DEPLOY / "dataflow" / "Dockerfile"]


def load_module(path: Path, name: str) -> ModuleType:
    """A deploy/ script imported from its file, as its runner (python FILE) would see it."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@functools.cache
def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


@functools.cache
def pins() -> dict[str, str]:
    """`name==version` dependencies of pyproject.toml."""
    found = {}
    for requirement in pyproject()["project"]["dependencies"]:
        if "==" in requirement:
            name, version = requirement.split("==")
            found[name.strip()] = version.strip()
    return found


@functools.cache
def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def kustomization(folder: Path) -> dict:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def objects(folder: Path) -> list[dict]:
    """The Kubernetes objects of a kustomization's resources."""
    return [doc for name in kustomization(folder)["resources"] for doc in documents(folder / name)]


def object_of(folder: Path, kind: str, name: str | None = None) -> dict:
    found = [
        doc
        for doc in objects(folder)
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"{folder.name}: expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def containers(obj: dict) -> Iterator[dict]:
    """Every container and init container anywhere in an object."""
    for node in _walk(obj):
        for key in ("containers", "initContainers"):
            for container in node.get(key) or []:
                if isinstance(container, dict):
                    yield container


def field(obj: Any, field_path: str) -> Any:
    """Value at a kustomize field path such as `spec.flinkConfiguration.[state.checkpoints.dir]`."""
    for part in re.findall(r"\[[^\]]+\]|[^.\[\]]+", field_path):
        key = part.strip("[]")
        assert isinstance(obj, dict) and key in obj, f"{field_path}: no {key!r}"
        obj = obj[key]
    return obj


def literals(folder: Path) -> dict[str, dict[str, str]]:
    """Data of each ConfigMap the kustomization generates: {name: {key: value}}."""
    generated = {}
    for generator in kustomization(folder).get("configMapGenerator", []):
        data = dict(literal.split("=", 1) for literal in generator.get("literals", []))
        data.update(
            {Path(file).name: (folder / file).read_text() for file in generator.get("files", [])}
        )
        generated[generator["name"]] = data
    return generated


def container_env(folder: Path, container: dict) -> dict[str, str]:
    """A container's environment, ConfigMap references looked up in the kustomization."""
    generated = literals(folder)
    environment = {}
    for variable in container.get("env", []):
        if "value" in variable:
            environment[variable["name"]] = variable["value"]
        else:
            ref = variable["valueFrom"]["configMapKeyRef"]
            assert ref["name"] in generated, f"no ConfigMap {ref['name']}"
            assert ref["key"] in generated[ref["name"]], f"no key {ref['key']} in {ref['name']}"
            environment[variable["name"]] = generated[ref["name"]][ref["key"]]
    return environment


def container_argv(folder: Path, container: dict) -> list[str]:
    """command + args with `$(VAR)` expanded from the container's environment, as the
    kubelet does."""
    environment = container_env(folder, container)
    return [
        re.sub(r"\$\((\w+)\)", lambda match: environment[match.group(1)], arg)
        for arg in container["command"] + container.get("args", [])
    ]


def flag(argv: list[str], name: str) -> str:
    """The value of the one `name=value` in argv."""
    values = [arg.split("=", 1)[1] for arg in argv if arg.startswith(f"{name}=")]
    assert len(values) == 1, f"{name} given {len(values)} times in {argv}"
    return values[0]


def mount_of(pod: dict, container: dict, path: str) -> dict:
    """The volume mounted at the folder holding `path` in the container."""
    for mount in container.get("volumeMounts", []):
        if path.startswith(mount["mountPath"].rstrip("/") + "/"):
            return next(volume for volume in pod["volumes"] if volume["name"] == mount["name"])
    raise AssertionError(f"{path} is on no volume of {container['name']}")
