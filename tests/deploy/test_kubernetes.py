"""The Kubernetes manifests: each kustomization renders, its parameters reach the fields they
are meant for, and every container that runs newsbeam runs a command newsbeam accepts.

Nothing here needs a cluster. `kubectl kustomize` runs where kubectl is installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.deploy.command_line import accepted
from tests.deploy.manifests import (
    DEPLOY,
    KUSTOMIZATIONS,
    container_argv,
    containers,
    documents,
    field,
    flag,
    kustomization,
    literals,
    load_module,
    mount_of,
    object_of,
    objects,
    pins,
    pyproject,
)

FLINK = DEPLOY / "flink"
SCHEDULES = DEPLOY / "schedules"


def _pod(obj: dict) -> dict:
    template = obj["spec"].get("jobTemplate", obj)["spec"]["template"]
    return template["spec"]


def _container(pod: dict, name: str) -> dict:
    return next(c for c in pod["containers"] + pod.get("initContainers", []) if c["name"] == name)


# ----------------------------------------------------------------------------------------
# Every kustomization
# ----------------------------------------------------------------------------------------


def test_every_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert files
    for path in files:
        assert documents(path), f"{path} is empty"


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_kustomization_lists_files_that_exist_and_leaves_no_manifest_out(folder):
    listed = set(kustomization(folder)["resources"])
    listed |= set(kustomization(folder).get("configurations", []))
    for generator in kustomization(folder).get("configMapGenerator", []):
        listed |= set(generator.get("files", []))
    for name in listed:
        assert (folder / name).is_file(), f"{folder.name}/kustomization.yaml lists missing {name}"
    manifests = {
        path.name
        for path in folder.glob("*.yaml")
        if path.name != "kustomization.yaml" and any("apiVersion" in doc for doc in documents(path))
    }
    assert manifests <= set(kustomization(folder)["resources"]), "manifests not in resources"
    for obj in objects(folder):
        assert obj.get("apiVersion") and obj.get("kind") and obj["metadata"].get("name"), obj


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_every_image_gets_a_tag_from_the_kustomization(folder):
    tagged = {image["name"]: image for image in kustomization(folder)["images"]}
    assert all(image.get("newTag") for image in tagged.values())
    used = {c["image"] for obj in objects(folder) for c in containers(obj) if "image" in c}
    used |= {obj["spec"]["image"] for obj in objects(folder) if obj["kind"] == "FlinkDeployment"}
    assert used and used <= set(tagged), f"images without a tag: {used - set(tagged)}"


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_replacements_carry_parameters_to_fields_holding_their_placeholder(folder):
    generated = literals(folder)
    for replacement in kustomization(folder).get("replacements", []):
        source = replacement["source"]
        key = source["fieldPath"].removeprefix("data.")
        assert generated[source["name"]][key]
        for target in replacement["targets"]:
            obj = object_of(folder, target["select"]["kind"], target["select"]["name"])
            for field_path in target["fieldPaths"]:
                assert field(obj, field_path) == key, f"{field_path} should hold {key}"


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_containers_run_commands_the_image_has(folder):
    """`newsbeam` is the package's console script; a script run by python is mounted."""
    scripts = set(pyproject()["project"]["scripts"])
    for obj in objects(folder):
        for container in containers(obj):
            command = container.get("command", [])
            if command[:1] == ["python"]:
                pod = _pod(obj)
                volume = mount_of(pod, container, command[1])
                (data,) = [
                    d for n, d in literals(folder).items() if n == volume["configMap"]["name"]
                ]
                assert Path(command[1]).name in data, f"{command[1]} is not in its ConfigMap"
            elif container.get("image") == "newsbeam" and command:
                assert command[0] in scripts, command


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_example_feeds_files_load(folder):
    from newsbeam.transforms.sources.feed_config import load_feeds_file

    assert load_feeds_file(str(folder / "feeds.yaml"))


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_kubectl_kustomize_renders_every_parameter(folder):
    result = subprocess.run(
        ["kubectl", "kustomize", str(folder)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    placeholders = {
        replacement["source"]["fieldPath"].removeprefix("data.")
        for replacement in kustomization(folder).get("replacements", [])
    }
    for obj in yaml.safe_load_all(result.stdout):
        if obj["kind"] != "ConfigMap":
            left = placeholders & set(_strings(obj))
            assert not left, f"{obj['metadata']['name']} still holds {left}"
        for container in containers(obj):
            assert ":" in container.get("image", ":"), f"untagged image {container['image']}"


def _strings(node) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


# ----------------------------------------------------------------------------------------
# Flink
# ----------------------------------------------------------------------------------------


def _submit() -> tuple[dict, dict]:
    pod = _pod(object_of(FLINK, "Job", "newsbeam-submit"))
    return pod, _container(pod, "submit")


def test_flink_versions_agree_everywhere():
    from apache_beam.options.pipeline_options import FlinkRunnerOptions

    flink = object_of(FLINK, "FlinkDeployment")
    pod, submit = _submit()
    version = flag(submit["args"], "--flink_version")
    assert version in FlinkRunnerOptions.PUBLISHED_FLINK_VERSIONS
    assert flink["spec"]["flinkVersion"] == "v" + version.replace(".", "_")
    tags = {image["name"]: image["newTag"] for image in kustomization(FLINK)["images"]}
    flink_tag = tags[flink["spec"]["image"]]
    assert flink_tag.startswith(version + ".")
    job_server = f"apache/beam_flink{version}_job_server"
    assert tags[job_server] == pins()["apache-beam"], "the job server must be the pinned Beam"
    assert _container(pod, "beam-job-server-jar")["image"] == job_server
    patch = flink_tag.split("-")[0]
    for key in ("master", "taskmanager"):
        plugin = flink["spec"]["flinkConfiguration"][
            f"containerized.{key}.env.ENABLE_BUILT_IN_PLUGINS"
        ]
        assert plugin == f"flink-gs-fs-hadoop-{patch}.jar"


def test_flink_configuration_values_are_strings():
    """The operator's flinkConfiguration is a map of strings: a YAML number is refused."""
    configuration = object_of(FLINK, "FlinkDeployment")["spec"]["flinkConfiguration"]
    assert all(isinstance(value, str) for value in configuration.values())


def test_flink_submission_is_a_newsbeam_stream_newsbeam_accepts():
    from apache_beam.options.pipeline_options import PortableOptions, StandardOptions

    _, submit = _submit()
    argv = container_argv(FLINK, submit)
    assert argv[0] == "newsbeam"
    run = accepted(argv[1:])
    assert run.command == "stream"
    assert run.options.view_as(StandardOptions).runner == "FlinkRunner"
    assert run.options.view_as(PortableOptions).environment_type == "EXTERNAL"
    assert run.news.feeds and run.news.output.startswith("gs://")


def test_flink_submission_reaches_the_cluster_the_sidecars_and_its_files():
    flink = object_of(FLINK, "FlinkDeployment")
    pod, submit = _submit()
    argv = submit["args"]
    assert flag(argv, "--flink_master") == f"http://{flink['metadata']['name']}-rest:8081"
    sidecars = [
        c for c in containers(flink["spec"]["taskManager"]) if c["name"] != "flink-main-container"
    ]
    assert len(sidecars) == 1 and sidecars[0]["args"] == ["--worker_pool"]
    assert sidecars[0]["image"] == "newsbeam" == submit["image"]
    assert (
        flag(argv, "--environment_config")
        == f"localhost:{sidecars[0]['ports'][0]['containerPort']}"
    )
    slots = int(flink["spec"]["flinkConfiguration"]["taskmanager.numberOfTaskSlots"])
    assert int(flag(argv, "--sdk_worker_parallelism")) == slots

    feeds = flag(argv, "--feeds")
    assert mount_of(pod, submit, feeds)["configMap"]["name"] == "newsbeam-feeds"
    assert Path(feeds).name in literals(FLINK)["newsbeam-feeds"]
    jar = flag(argv, "--flink_job_server_jar")
    copier = _container(pod, "beam-job-server-jar")
    assert copier["command"][0] == "cp" and Path(copier["command"][1]).name == Path(jar).name
    assert mount_of(pod, copier, jar) == mount_of(pod, submit, jar)
    # A lost pod must not submit a second job.
    assert object_of(FLINK, "Job", "newsbeam-submit")["spec"]["backoffLimit"] == 0


@pytest.fixture
def preflight():
    return load_module(FLINK / "preflight.py", "newsbeam_preflight")


@pytest.fixture
def flink_rest() -> Iterator[dict]:
    """A stand-in for Flink's REST API on 127.0.0.1: set `overview` to what it answers."""
    state = {"overview": {"jobs": []}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            body = json.dumps(state["overview"]).encode()
            self.send_response(200 if self.path == "/v1/jobs/overview" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_preflight_submits_to_an_idle_cluster_only(preflight, flink_rest, monkeypatch, capsys):
    monkeypatch.setenv("FLINK_REST_URL", flink_rest["url"])
    monkeypatch.setenv("PREFLIGHT_TIMEOUT_S", "5")
    flink_rest["overview"] = {
        "jobs": [
            {"jid": "b", "name": "old", "state": "CANCELED"},
            {"jid": "c", "name": "older", "state": "FINISHED"},
        ]
    }
    assert preflight.main() == 0
    flink_rest["overview"]["jobs"].append(
        {"jid": "a", "name": "newsbeam-stream", "state": "RUNNING"}
    )
    assert preflight.main() == 1
    assert "newsbeam-stream (a, RUNNING)" in capsys.readouterr().out


def test_preflight_stops_when_the_cluster_never_answers(preflight, monkeypatch, capsys):
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_port  # nothing listens there once closed
    monkeypatch.setenv("FLINK_REST_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("PREFLIGHT_TIMEOUT_S", "0")
    assert preflight.main() == 1
    assert "did not answer" in capsys.readouterr().out


# ----------------------------------------------------------------------------------------
# The daily batch run
# ----------------------------------------------------------------------------------------


def test_cronjob_is_a_bounded_non_overlapping_newsbeam_run_newsbeam_accepts():
    cronjob = object_of(SCHEDULES, "CronJob")
    spec, job = cronjob["spec"], cronjob["spec"]["jobTemplate"]["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert len(spec["schedule"].split()) == 5
    assert 0 < job["backoffLimit"] <= 5 and job["activeDeadlineSeconds"] > 0
    pod = _pod(cronjob)
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    argv = container_argv(SCHEDULES, container)
    assert argv[0] == "newsbeam"
    run = accepted(argv[1:])
    assert run.command == "run" and run.news.output.startswith("gs://")
    volume = mount_of(pod, container, run.news.feeds)
    assert volume["configMap"]["name"] == "newsbeam-backfill-feeds"


def test_cronjob_gives_up_on_exactly_the_exit_status_of_a_refused_command(tmp_path):
    """A retry cannot mend bad flags (newsbeam exits 2), and must follow a failed run (1)."""
    from newsbeam.cli import main

    rules = object_of(SCHEDULES, "CronJob")["spec"]["jobTemplate"]["spec"]["podFailurePolicy"]
    (fail_job,) = [rule for rule in rules["rules"] if rule["action"] == "FailJob"]
    refused = main(["run", "--input", str(tmp_path), "--output", str(tmp_path), "--window", "0"])
    assert fail_job["onExitCodes"]["operator"] == "In"
    assert fail_job["onExitCodes"]["values"] == [refused]
    assert 1 not in fail_job["onExitCodes"]["values"]
