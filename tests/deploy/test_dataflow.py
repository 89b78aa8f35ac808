"""The Dataflow flex template: its parameters are newsbeam's flags, and its launcher
(deploy/dataflow/main.py) turns them into a command line newsbeam accepts."""

from __future__ import annotations

import argparse
import functools
import json
import re

import pytest

from tests.deploy.command_line import Accepted, accepted
from tests.deploy.manifests import DEPLOY, REPO

# Fields of the flex template metadata (TemplateMetadata and ParameterMetadata of the
# Dataflow v1b3 API, as gcloud reads them): gcloud refuses a file with any other.
METADATA_KEYS = frozenset(
    {
        "name",
        "description",
        "parameters",
        "streaming",
        "supportsAtLeastOnce",
        "supportsExactlyOnce",
        "defaultStreamingMode",
        "yamlDefinition",
    }
)
PARAMETER_KEYS = frozenset(
    {
        "name",
        "label",
        "helpText",
        "isOptional",
        "regexes",
        "paramType",
        "enumOptions",
        "defaultValue",
        "groupName",
        "parentName",
        "parentTriggerValues",
        "hiddenUi",
        "customMetadata",
    }
)
PARAM_TYPES = frozenset(
    {"TEXT", "GCS_READ_FILE", "GCS_WRITE_FOLDER", "GCS_READ_FOLDER", "ENUM", "NUMBER", "BOOLEAN"}
)

IMAGE = "registry.example/newsbeam:1"
SAMPLES = {
    "feeds": "gs://bucket/newsbeam/feeds.yaml",
    "output": "gs://bucket/newsbeam/output",
    "feed": "https://a.example/rss.xml",
    "duration": "600",
    "sdk_container_image": IMAGE,
}
"""A value for each parameter newsbeam has no default for."""


def _parameters() -> list[dict]:
    return json.loads((DEPLOY / "dataflow" / "metadata.json").read_text())["parameters"]


@functools.cache
def _actions() -> dict[str, argparse.Action]:
    """newsbeam's flags by destination, as `NewsbeamOptions` declares them."""
    from newsbeam.options import NewsbeamOptions

    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    NewsbeamOptions._add_argparse_args(parser)
    return {action.dest: action for action in parser._actions}


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _values(parameter: dict) -> list[str]:
    """Values to launch the parameter with: each choice, else newsbeam's default or a sample."""
    if parameter.get("paramType") == "ENUM":
        return [option["value"] for option in parameter["enumOptions"]]
    action = _actions().get(parameter["name"])
    if action is not None and action.default is not None:
        return [_shown(action.default)]
    return [SAMPLES[parameter["name"]]]


def _required() -> dict[str, str]:
    return {p["name"]: SAMPLES[p["name"]] for p in _parameters() if not p.get("isOptional")}


def _launch(launcher, parameters: dict[str, str], **kwargs) -> Accepted:
    args = [f"--{name}={value}" for name, value in parameters.items()]
    launch = launcher.build_launch(args, environ={launcher.SDK_IMAGE_ENV: IMAGE}, **kwargs)
    return accepted(launch.argv)


def _newsbeam_values(run: Accepted) -> dict:
    return {dest: getattr(run.news, dest) for dest in _actions()}


# ----------------------------------------------------------------------------------------
# The template's metadata
# ----------------------------------------------------------------------------------------


def test_flex_template_metadata_holds_only_fields_gcloud_reads():
    metadata = json.loads((DEPLOY / "dataflow" / "metadata.json").read_text())
    assert set(metadata) <= METADATA_KEYS and metadata["name"] and metadata["description"]
    names = [parameter["name"] for parameter in metadata["parameters"]]
    assert len(names) == len(set(names))
    for parameter in metadata["parameters"]:
        assert set(parameter) <= PARAMETER_KEYS, parameter["name"]
        assert parameter["label"] and parameter["helpText"]
        assert parameter.get("paramType", "TEXT") in PARAM_TYPES
        for regex in parameter.get("regexes", []):
            re.compile(regex)


def test_the_required_parameters_alone_launch_a_stream_and_blanks_change_nothing(launcher):
    run = _launch(launcher, _required())
    assert run.command == "stream"
    blanks = {p["name"]: "" for p in _parameters() if p.get("isOptional")}
    assert _newsbeam_values(_launch(launcher, {**_required(), **blanks})) == _newsbeam_values(run)


def test_every_parameter_reaches_newsbeam_with_the_value_given(launcher):
    for parameter in _parameters():
        name = parameter["name"]
        for value in _values(parameter):
            assert all(re.fullmatch(regex, value) for regex in parameter.get("regexes", [])), (
                f"the template refuses {name}={value}"
            )
            run = _launch(launcher, {**_required(), name: value}, localise=lambda path: path)
            if name == "sdk_container_image":  # Beam's, for the workers
                assert run.options.get_all_options()[name] == value
                continue
            action = _actions()[name]
            expected = action.type(value) if action.type else value
            if action.nargs == "+" or isinstance(action, argparse._AppendAction):
                expected = [expected]
            assert getattr(run.news, name) == expected, name


def test_the_defaults_the_template_states_are_newsbeams():
    for parameter in _parameters():
        stated = re.search(r"Default: (\S+)\.$", parameter["helpText"])
        action = _actions().get(parameter["name"])
        if action is not None and action.default is not None:
            assert stated, f"{parameter['name']}: no default stated"
            assert stated.group(1) == _shown(action.default), parameter["name"]


def test_enum_parameters_offer_newsbeams_choices():
    for parameter in _parameters():
        if parameter.get("paramType") == "ENUM":
            choices = list(_actions()[parameter["name"]].choices)
            assert [option["value"] for option in parameter["enumOptions"]] == choices


def test_the_template_refuses_values_newsbeam_cannot_use():
    regexes = {p["name"]: p.get("regexes", []) for p in _parameters()}

    def ok(name: str, value: str) -> bool:
        return all(re.fullmatch(regex, value) for regex in regexes[name])

    # The job's workers cannot read the launcher's local files, nor write to them.
    assert not ok("feeds", "/local/feeds.yaml") and not ok("output", "out")
    assert not ok("window", "-1")
    assert ok("near_threshold", "0.85") and ok("near_threshold", "1")
    assert not ok("near_threshold", "1.5") and not ok("near_threshold", "0")
    assert ok("feed", "https://a.example/rss.xml,https://b.example/atom")
    assert not ok("feed", "ftp://x")


# ----------------------------------------------------------------------------------------
# The launcher
# ----------------------------------------------------------------------------------------


def test_launcher_maps_template_parameters_and_beam_options(launcher):
    from apache_beam.options.pipeline_options import GoogleCloudOptions, StandardOptions

    seen = []
    launch = launcher.build_launch(
        [
            "--feeds=gs://bucket/feeds.yaml",
            "--output=gs://bucket/out",
            "--poll_interval=120",
            "--window=30",
            "--region-level=country",
            "--feed=https://a.example/rss.xml, https://b.example/atom",
            "--duration=",
            "--region=europe-west1",
            "--project=my-project",
            "--temp_location=gs://bucket/tmp",
            "--service_account_email=",
        ],
        environ={launcher.SDK_IMAGE_ENV: IMAGE},
        localise=lambda path: seen.append(path) or "/local/feeds.yaml",
    )
    assert seen == ["gs://bucket/feeds.yaml"], "the feeds file is read before the job starts"
    run = accepted(launch.argv)
    news, cloud = run.news, run.options.view_as(GoogleCloudOptions)
    assert run.command == "stream" and news.feeds == "/local/feeds.yaml"
    assert news.feed == ["https://a.example/rss.xml", "https://b.example/atom"]
    assert (news.poll_interval, news.window, news.region_level) == (120, 30, "country")
    assert news.duration is None and cloud.service_account_email is None
    assert run.options.view_as(StandardOptions).runner == "DataflowRunner"
    assert run.options.get_all_options()["sdk_container_image"] == IMAGE
    assert (cloud.project, cloud.temp_location) == ("my-project", "gs://bucket/tmp")
    # DataflowRunner reads the region from there when --region is absent.
    assert launch.env == {"CLOUDSDK_COMPUTE_REGION": "europe-west1"}


def test_beams_region_is_not_taken_for_newsbeams_region_level():
    """Dataflow's `--region` is a prefix of `--region-level`: newsbeam must not abbreviate."""
    from apache_beam.options.pipeline_options import GoogleCloudOptions

    for region in (["--region=europe-west1"], ["--region", "europe-west1"]):
        run = accepted(["stream", "--feeds=f.yaml", "--output=gs://b/o", *region])
        assert run.options.view_as(GoogleCloudOptions).region == "europe-west1"
        assert run.news.region_level == _actions()["region_level"].default


def test_launcher_runs_batch_on_other_runners_without_an_image(launcher):
    launch = launcher.build_launch(
        [
            "--command=run",
            "--input=gs://b/a/*.txt,gs://b/c",
            "--output=gs://b/o",
            "--runner=DirectRunner",
        ],
        environ={},
    )
    run = accepted(launch.argv)
    assert run.command == "run" and run.news.input == ["gs://b/a/*.txt", "gs://b/c"]
    assert "--sdk_container_image" not in launch.argv


def test_launcher_refuses_what_it_cannot_honour(launcher, capsys):
    with pytest.raises(ValueError, match="sdk_container_image"):
        launcher.build_launch(["--feeds=f", "--output=o"], environ={})
    with pytest.raises(ValueError, match="--command"):
        launcher.build_launch(["--command=query", "--runner=DirectRunner"], environ={})
    # On a cloud worker, private addresses include the metadata server.
    for switch in ("--allow_private_networks", "--allow_private_networks=true"):
        with pytest.raises(ValueError, match="allow_private_networks"):
            launcher.build_launch([switch, "--runner=DirectRunner"], environ={})
    assert launcher.main(["--command=query", "--runner=DirectRunner"]) == 2
    assert "newsbeam-launcher: error: --command" in capsys.readouterr().err


def test_launcher_reads_a_local_feeds_file_as_it_is(launcher, tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - url: https://www.example.com/rss.xml\n")
    assert launcher.copy_to_local(str(feeds)) == str(feeds)


@pytest.mark.e2e
def test_launcher_runs_newsbeam(launcher, tmp_path):
    """The launcher's main, as Airflow runs it with `--command=run`: a real run, locally."""
    from newsbeam.query import connect

    output = tmp_path / "out"
    code = launcher.main(
        [
            "--command=run",
            f"--input={REPO / 'samples' / 'txt'}",
            f"--output={output}",
            "--runner=DirectRunner",
            "--duration=",
        ]
    )
    assert code == 0
    (articles,) = connect(str(output)).execute("SELECT count(*) FROM articles").fetchone()
    assert articles > 0
