"""A user's own `pipeline`, `transforms` or `schemas` package cannot break newsbeam.

Those are the likeliest folder names in any Beam project, and on Dataflow or Flink the
job's code and newsbeam share one interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.support.paths import SAMPLES

_SHADOWS = ("pipeline", "transforms", "schemas")


def _user_project(root: Path) -> Path:
    """A project of the user's: top-level packages with newsbeam's folder names, whose
    import fails loudly, so using one of them by mistake cannot pass unnoticed."""
    for name in _SHADOWS:
        package = root / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            f"raise ImportError('the user project\\'s own {name} package was imported')\n"
        )
    return root


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def test_import_newsbeam_with_the_users_packages_first_on_the_path(tmp_path):
    project = _user_project(tmp_path / "project")
    code = (
        "import newsbeam, newsbeam.cli, newsbeam.compose, newsbeam.stream, newsbeam.query\n"
        "from newsbeam.transforms.sources import ReadArticleFiles\n"
        "print(newsbeam.__version__, newsbeam.ARTICLES.name, ReadArticleFiles.__module__)\n"
    )
    result = _run(["-c", code], project)
    assert result.returncode == 0, result.stderr
    assert "articles newsbeam.transforms.sources.read_article_files" in result.stdout


def test_a_run_beside_the_users_packages_writes_its_tables(tmp_path):
    project = _user_project(tmp_path / "project")
    output = tmp_path / "out"
    result = _run(
        ["-m", "newsbeam", "run", "--input", str(SAMPLES), "--output", str(output)], project
    )
    assert result.returncode == 0, result.stdout + result.stderr
    articles = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{output}/articles/**/*.parquet')"
    ).fetchall()[0][0]
    assert articles > 0
    assert "inputs" in result.stdout and "= articles" in result.stdout
