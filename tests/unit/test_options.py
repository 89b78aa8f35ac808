"""Options: validated before a graph is built, and the local runner never means Prism."""

import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from newsbeam.options import LOCAL_RUNNER, resolve_runner, validate


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--output", "o"], "--input, --feed or --feeds is required"),
        (["--input", "x"], "--output is required"),
        (["--input", "x", "--output", "o", "--min-words", "0"], "--min-words must be a positive"),
    ],
)
def test_options_are_validated_before_the_graph_is_built(argv, message):
    with pytest.raises(ValueError, match=message):
        validate(PipelineOptions(argv))


@pytest.mark.parametrize("runner", [None, "DirectRunner", "SwitchingDirectRunner"])
def test_direct_runner_never_means_prism(runner):
    options = PipelineOptions([] if runner is None else ["--runner", runner])
    assert resolve_runner(options) == LOCAL_RUNNER
    assert options.view_as(StandardOptions).runner == LOCAL_RUNNER


def test_other_runners_are_left_alone():
    options = PipelineOptions(["--runner", "FlinkRunner"])
    assert resolve_runner(options) == "FlinkRunner"
