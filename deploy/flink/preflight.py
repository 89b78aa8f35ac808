"""Preflight of the newsbeam-submit Job: waits for the Flink REST API to answer, then
refuses to submit while any job is active on the session cluster, so that re-applying the
manifests cannot start a second streaming job writing into the same output.

Environment: FLINK_REST_URL (http://host:port), PREFLIGHT_TIMEOUT_S (default 600).
Exit status: 0 to go ahead, 1 to stop (cluster unreachable, or a job already active).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request

ACTIVE_STATES = frozenset(
    {
        "INITIALIZING",
        "CREATED",
        "RUNNING",
        "FAILING",
        "CANCELLING",
        "RESTARTING",
        "SUSPENDED",
        "RECONCILING",
    }
)


def active_jobs(overview: dict) -> list[str]:
    """`name (id, state)` of every job of a /v1/jobs/overview answer that is not finished."""
    return [
        f"{job.get('name', '?')} ({job.get('jid', '?')}, {job.get('state')})"
        for job in overview.get("jobs", [])
        if job.get("state") in ACTIVE_STATES
    ]


def main() -> int:
    """Waits for the cluster, then decides; prints one line saying why."""
    url = os.environ["FLINK_REST_URL"].rstrip("/") + "/v1/jobs/overview"
    deadline = time.monotonic() + float(os.environ.get("PREFLIGHT_TIMEOUT_S", "600"))
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                overview = json.load(response)
            break
        except OSError as error:
            if time.monotonic() > deadline:
                print(f"preflight: Flink REST API at {url} did not answer: {error}")
                return 1
            time.sleep(5)
    active = active_jobs(overview)
    if active:
        print(
            "preflight: not submitting, a job is already active on the cluster: "
            + "; ".join(active)
            + ". Stop it first (deploy/README.md, 'Stopping and upgrading')."
        )
        return 1
    print("preflight: the Flink cluster is up and idle, submitting")
    return 0


if __name__ == "__main__":
    sys.exit(main())
