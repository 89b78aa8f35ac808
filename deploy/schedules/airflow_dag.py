"""Airflow DAG `newsbeam_backfill`: a daily `newsbeam run` over the configured feeds.

The task is the Apache Beam provider's BeamRunPythonPipelineOperator running the newsbeam
launcher (deploy/dataflow/main.py, uploaded to GCS: NEWSBEAM_LAUNCHER) with `--command=run`.
The launcher is needed because the operator builds `python LAUNCHER --runner=... --opt=...`:
there is no place for newsbeam's `run` subcommand in that command line, so
`py_options=["-m"]` with `newsbeam` (`python -m newsbeam`) cannot work.

The pipeline is built on the Airflow worker, so the interpreter that runs it
(NEWSBEAM_PYTHON) must have newsbeam and `apache-beam[gcp]` installed, at the versions of
the worker image. With the default runner, DataflowRunner, the work runs on Dataflow
workers using the newsbeam image. Each parameter can be changed for one run in the
"Trigger DAG w/ config" form.

Importing this file needs no Airflow (tests, linters): `dag` is then None.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Any

DAG_ID = "newsbeam_backfill"
SCHEDULE = "0 3 * * *"  # daily, 03:00 UTC
LAUNCHER = os.environ.get("NEWSBEAM_LAUNCHER", "gs://YOUR_BUCKET/newsbeam/launcher.py")
PYTHON = os.environ.get("NEWSBEAM_PYTHON", "python3")

PARAMS: dict[str, Any] = {
    "feeds": "gs://YOUR_BUCKET/newsbeam/feeds.yaml",
    "output": "gs://YOUR_BUCKET/newsbeam/output",
    "runner": "DataflowRunner",
    "project": "YOUR_PROJECT",
    "region": "europe-west1",
    "temp_location": "gs://YOUR_BUCKET/newsbeam/tmp",
    "sdk_container_image": "europe-west1-docker.pkg.dev/YOUR_PROJECT/newsbeam/newsbeam:0.1.0",
    "service_account_email": "newsbeam-dataflow@YOUR_PROJECT.iam.gserviceaccount.com",
}
"""Default values of the run's parameters."""

PIPELINE_OPTIONS: dict[str, str] = {
    "command": "run",
    "feeds": "{{ params.feeds }}",
    "output": "{{ params.output }}",
    "temp_location": "{{ params.temp_location }}",
    "sdk_container_image": "{{ params.sdk_container_image }}",
    # Set here, not through dataflow_config's service_account: the operator would pass
    # that one as --service_account, which is not a Beam option.
    "service_account_email": "{{ params.service_account_email }}",
    "max_num_workers": "4",
}
"""What the operator passes to the launcher, as `--key=value` (templated)."""

DEFAULT_ARGS: dict[str, Any] = {
    "owner": "newsbeam",
    # A failed run is re-run as it is: a re-run adds no rows (README, "Guarantees").
    "retries": 2,
    "retry_delay": timedelta(minutes=15),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
    "execution_timeout": timedelta(hours=4),
}


def build_dag():
    """The DAG object (imports Airflow)."""
    from airflow.providers.apache.beam.operators.beam import BeamRunPythonPipelineOperator

    try:  # Airflow 3
        from airflow.sdk import DAG, Param
    except ImportError:  # Airflow 2
        from airflow import DAG
        from airflow.models.param import Param

    params = {
        "feeds": Param(PARAMS["feeds"], type="string", description="Feeds YAML file"),
        "output": Param(PARAMS["output"], type="string", description="Output folder"),
        "runner": Param(
            PARAMS["runner"],
            type="string",
            enum=["DataflowRunner", "DirectRunner"],
            description="Beam runner",
        ),
        "project": Param(PARAMS["project"], type="string", description="Google Cloud project"),
        "region": Param(PARAMS["region"], type="string", description="Dataflow region"),
        "temp_location": Param(PARAMS["temp_location"], type="string", description="gs:// temp"),
        "sdk_container_image": Param(
            PARAMS["sdk_container_image"], type="string", description="newsbeam worker image"
        ),
        "service_account_email": Param(
            PARAMS["service_account_email"], type="string", description="Dataflow worker account"
        ),
    }
    with DAG(
        dag_id=DAG_ID,
        description="Daily newsbeam batch run over the configured feeds",
        schedule=SCHEDULE,
        # timezone.utc, not datetime.UTC: the Airflow scheduler may run Python < 3.11.
        start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),  # noqa: UP017
        # A feed only shows its current entries: a missed day cannot be caught up by running
        # it later, so there is nothing to backfill run by run.
        catchup=False,
        max_active_runs=1,
        default_args=DEFAULT_ARGS,
        params=params,
        tags=["newsbeam"],
    ) as dag:
        BeamRunPythonPipelineOperator(
            task_id="newsbeam_run",
            py_file=LAUNCHER,
            py_interpreter=PYTHON,
            runner="{{ params.runner }}",
            pipeline_options=PIPELINE_OPTIONS,
            dataflow_config={
                "job_name": "newsbeam-backfill",
                "project_id": "{{ params.project }}",
                "location": "{{ params.region }}",
                "wait_until_finished": True,
            },
        )
    return dag


try:
    import airflow  # noqa: F401
except ImportError:  # not in Airflow: nothing to schedule
    dag = None
else:
    dag = build_dag()
