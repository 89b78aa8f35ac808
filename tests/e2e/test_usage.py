"""The command line says what it does: a mistyped flag is an error that names the flag
meant, each command's help lists its own flags with their defaults, `--version` answers,
and Beam's pipeline options still reach Beam."""

from __future__ import annotations

import re

import pytest

import newsbeam as newsbeam_package
from newsbeam.query import connect
from tests.support.paths import SAMPLES
from tests.support.run_cli import newsbeam

pytestmark = pytest.mark.e2e

# Stops `run` after the command line is parsed and before any work: only parsing is tested.
_STOP_BEFORE_THE_JOB = ("--min-free-bytes", str(10**18))


def test_a_mistyped_flag_is_an_error_naming_the_flag_meant_and_nothing_is_written(tmp_path):
    output = tmp_path / "out"
    result = newsbeam(
        "run", "--input", str(SAMPLES), "--output", str(output), "--min-wrds", "1000", check=False
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--min-wrds" in result.stderr and "did you mean --min-words?" in result.stderr
    assert "Traceback" not in result.stderr
    assert not output.exists()


def test_a_mistyped_output_is_named_as_such_not_as_a_missing_output(tmp_path):
    result = newsbeam("run", "--input", str(SAMPLES), "--ouput", str(tmp_path), check=False)
    assert result.returncode == 2
    assert "unknown flag --ouput (did you mean --output?)" in result.stderr
    assert "--output is required" not in result.stderr


def test_a_flag_of_the_other_command_is_refused_with_that_command_named(tmp_path):
    run = newsbeam(
        "run", "--input", str(SAMPLES), "--output", str(tmp_path), "--window", "5", check=False
    )
    assert run.returncode == 2 and "--window" in run.stderr and "newsbeam stream" in run.stderr
    stream = newsbeam(
        "stream", "--input", str(SAMPLES), "--output", str(tmp_path / "s"), check=False
    )
    assert stream.returncode == 2 and "--input" in stream.stderr
    assert "newsbeam run" in stream.stderr


@pytest.mark.parametrize(
    "beam_flags",
    [
        ["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"],
        ["--project", "p", "--region", "europe-west1", "--temp_location", "gs://b/tmp"],
        ["--flink_master", "localhost:8081", "--environment_type", "LOOPBACK"],
        ["--dask_client_address", "tcp://127.0.0.1:8786", "--experiments=use_runner_v2"],
    ],
    ids=["direct", "dataflow", "flink", "dask"],
)
def test_beam_pipeline_options_are_accepted(beam_flags, tmp_path):
    result = newsbeam(
        "run",
        "--input",
        str(SAMPLES),
        "--output",
        str(tmp_path),
        *beam_flags,
        *_STOP_BEFORE_THE_JOB,
        check=False,
    )
    assert "unknown flag" not in result.stderr
    assert result.returncode == 2 and "is full" in result.stderr


def test_options_of_a_runners_java_side_are_passed_on_with_a_warning(tmp_path):
    """Beam's Flink runner carries options its Python SDK does not declare to the job
    server (deploy/flink submits with --checkpointing_interval); DirectRunner drops them."""
    common = ("stream", "--feed", "https://wire.test/feed.xml", "--output", str(tmp_path))
    flink = newsbeam(
        *common,
        "--runner",
        "FlinkRunner",
        "--checkpointing_interval=60000",
        *_STOP_BEFORE_THE_JOB,
        check=False,
    )
    assert flink.returncode == 2 and "is full" in flink.stderr
    assert "--checkpointing_interval is not a flag of Beam's Python SDK" in flink.stderr
    direct = newsbeam(*common, "--checkpointing_interval=60000", check=False)
    assert direct.returncode == 2 and "unknown flag --checkpointing_interval" in direct.stderr


def test_a_run_with_beam_options_completes_and_logs_no_optional_extra(tmp_path):
    result = newsbeam(
        "run",
        "--input",
        str(SAMPLES),
        "--output",
        str(tmp_path),
        "--runner",
        "DirectRunner",
        "--direct_num_workers",
        "1",
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "inputs 14 = articles 12 + duplicates 1 + rejects 1" in result.stdout
    assert connect(str(tmp_path)).execute("SELECT bool_and(balanced) FROM runs").fetchall() == [
        (True,)
    ]
    assert "apitools" not in result.stderr and "unparseable" not in result.stderr.lower()


def _listed_flags(help_text: str) -> set[str]:
    return set(re.findall(r"^\s{2}(--[a-z][\w-]*)", help_text, re.MULTILINE))


def test_each_command_lists_its_own_flags_with_their_defaults():
    run = newsbeam("run", "--help")
    listed = _listed_flags(run.stdout)
    assert {"--input", "--feed", "--output", "--chunk-bytes", "--allow-feed-failures"} <= listed
    assert not listed & {"--poll-interval", "--window", "--duration"}
    flat = " ".join(run.stdout.split())
    assert "too_short. (default: 40)" in flat and "(default: DirectRunner)" in flat
    assert "exit status:" in run.stdout

    stream = newsbeam("stream", "--help")
    listed = _listed_flags(stream.stdout)
    assert {"--feeds", "--poll-interval", "--window", "--duration"} <= listed
    assert not listed & {"--input", "--chunk-bytes", "--max-file-bytes", "--dask-workers"}
    assert "(default: 300.0)" in " ".join(stream.stdout.split())


def test_version_is_printed():
    result = newsbeam("--version")
    assert result.stdout.strip() == f"newsbeam {newsbeam_package.__version__}"


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["stream", "--help"]])
def test_help_opens_with_no_warning_about_optional_extras(argv):
    result = newsbeam(*argv)
    assert result.stderr == ""
