"""The Airflow DAG (deploy/schedules/airflow_dag.py): importable anywhere, calling the Beam
operator as documented, and its options make a `newsbeam run` newsbeam accepts."""

from __future__ import annotations

import ast
import importlib.util
import re

from tests.deploy.command_line import accepted
from tests.deploy.manifests import DEPLOY, load_module

DAG_FILE = DEPLOY / "schedules" / "airflow_dag.py"

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
"""BeamRunPythonPipelineOperator's documented arguments (apache-airflow-providers-apache-beam):
an unknown one fails the DAG's import in the scheduler."""


def test_dag_file_imports_without_airflow():
    module = load_module(DAG_FILE, "newsbeam_airflow_dag")
    if importlib.util.find_spec("airflow") is None:
        assert module.dag is None


def test_dag_calls_the_operator_with_documented_arguments_only():
    tree = ast.parse(DAG_FILE.read_text())
    calls = {
        node.func.id: {keyword.arg for keyword in node.keywords}
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert calls["BeamRunPythonPipelineOperator"] <= OPERATOR_ARGUMENTS
    assert {"catchup", "schedule", "start_date", "max_active_runs"} <= calls["DAG"]
    module_level = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    assert not any("airflow" in ast.unparse(node) for node in module_level)


def test_dag_options_make_a_newsbeam_run_newsbeam_accepts(launcher):
    dag = load_module(DAG_FILE, "newsbeam_airflow_dag")
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
    args = [f"--runner={dag.PARAMS['runner']}"] + [f"--{k}={v}" for k, v in options.items()]
    launch = launcher.build_launch(args, environ={})
    run = accepted(launch.argv)
    assert run.command == "run"
    assert run.news.feeds == dag.PARAMS["feeds"] and run.news.output == dag.PARAMS["output"]
    assert launch.env == {launcher.REGION_ENV: dag.PARAMS["region"]}
