"""`run` and `stream` pass every Beam pipeline option on, and refuse anything else with
the flag that was probably meant."""

from __future__ import annotations

import re

import pytest

from newsbeam.beam_flags import beam_flags, check_beam_arguments, forwards_undeclared_options

_OWN = {"--input", "--output", "--min-words", "--region-level", "--runner", "-h", "--help"}


@pytest.mark.parametrize(
    "arguments",
    [
        ["--direct_num_workers", "2", "--direct_running_mode", "multi_processing"],
        ["--project", "p", "--region", "europe-west1", "--temp_location", "gs://b/t"],
        ["--job_name=news", "--experiments", "use_runner_v2", "--streaming"],
        [
            "--flink_master",
            "localhost:8081",
            "--parallelism",
            "4",
            "--environment_type",
            "LOOPBACK",
        ],
        ["--dask_client_address", "tcp://127.0.0.1:8786"],
        [],
    ],
    ids=["direct", "dataflow", "common", "flink", "dask", "none"],
)
def test_beam_pipeline_options_pass(arguments):
    assert check_beam_arguments("run", arguments, _OWN, "DirectRunner") == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--min-wrds", "1000"], "unknown flag --min-wrds (did you mean --min-words?)"),
        (["--ouput", "out"], "unknown flag --ouput (did you mean --output?)"),
        (["--min_words=3"], "unknown flag --min_words (did you mean --min-words?)"),
        (["--regoin", "x"], "unknown flag --regoin (did you mean --region?)"),
        (["--direct-num-workers", "2"], "(did you mean --direct_num_workers?)"),
        (["--window", "5"], "--window (a flag of `newsbeam stream`, not of `newsbeam run`)"),
        (["--zzzzzzzz"], "unknown flag --zzzzzzzz"),
        (["--a-typo", "--another-one"], "unknown flags --a-typo"),
        (["stray"], "unexpected argument 'stray'"),
        (["--direct_num_workers", "two"], "invalid int value: 'two'"),
    ],
)
def test_anything_else_is_an_error_with_the_flag_meant(arguments, message):
    with pytest.raises(ValueError) as raised:
        check_beam_arguments("run", arguments, _OWN, "DirectRunner")
    assert message in str(raised.value)


def test_a_run_flag_given_to_stream_names_run():
    with pytest.raises(ValueError, match="a flag of `newsbeam run`, not of `newsbeam stream`"):
        check_beam_arguments("stream", ["--input", "x"], _OWN - {"--input"}, "DirectRunner")


def test_the_known_flags_are_beams_not_newsbeams():
    known = beam_flags()
    assert {"--runner", "--direct_num_workers", "--project", "--dask_client_address"} <= known
    assert not known & {"--min-words", "--output", "--window", "--allow-feed-failures"}


# Options of the Java side of Beam's Flink runner, which the Python SDK does not declare.
_JAVA_FLINK = ["--checkpointing_interval=60000", "--savepoint_path", "gs://b/sp"]


@pytest.mark.parametrize(
    "runner", ["FlinkRunner", "SparkRunner", "PortableRunner", "DataflowRunner", "a.b.MyRunner"]
)
def test_a_runner_with_a_job_server_gets_the_options_beam_passes_on(runner):
    assert forwards_undeclared_options(runner)
    forwarded = check_beam_arguments("stream", _JAVA_FLINK, _OWN, runner)
    assert forwarded == ["--checkpointing_interval", "--savepoint_path"]


@pytest.mark.parametrize("runner", ["DirectRunner", "FnApiRunner", "dask", "DaskRunner"])
def test_runners_that_drop_undeclared_options_refuse_them(runner):
    assert not forwards_undeclared_options(runner)
    with pytest.raises(ValueError, match="unknown flags --checkpointing_interval"):
        check_beam_arguments("stream", _JAVA_FLINK, _OWN, runner)


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("--min-wrds", "did you mean --min-words?"),  # hyphenated: newsbeam's spelling
        ("--ouput", "did you mean --output?"),  # a near miss of newsbeam's own
        ("--min_wrds", "did you mean --min-words?"),
        ("--window", "a flag of `newsbeam stream`"),
    ],
)
def test_even_there_a_mistyped_newsbeam_flag_is_refused(flag, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_beam_arguments("run", [flag, "1"], _OWN, "FlinkRunner")
