"""An S3-compatible server on 127.0.0.1 for the object-store tests: moto's standalone
server (`moto_server`, a dev dependency), started in its own process and stopped after.
Beam's S3 file system talks to it over HTTP as it would to any S3 endpoint."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CREDENTIALS", "beam_s3_flags", "client", "s3_server"]

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
_REGION = "us-east-1"


def beam_s3_flags(endpoint: str) -> list[str]:
    """Beam's pipeline options that point its S3 file system at `endpoint`."""
    return [
        f"--s3_endpoint_url={endpoint}",
        f"--s3_access_key_id={CREDENTIALS['aws_access_key_id']}",
        f"--s3_secret_access_key={CREDENTIALS['aws_secret_access_key']}",
        f"--s3_region_name={_REGION}",
    ]


@contextlib.contextmanager
def s3_server(log_dir: Path) -> Iterator[str]:
    """Runs the server on a free port of 127.0.0.1; yields its endpoint URL."""
    command = shutil.which("moto_server", path=os.path.dirname(sys.executable))
    assert command, "moto_server is not installed: `make test` installs the dev extras"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    log = (log_dir / "moto_server.log").open("w")
    process = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "moto_server exited at start"
                assert time.monotonic() < deadline, "moto_server did not answer in 30 s"
                time.sleep(0.2)
        yield endpoint
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def client(endpoint: str):
    """A boto3 S3 client of the server, for putting the test's objects there."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name=_REGION, **CREDENTIALS)
