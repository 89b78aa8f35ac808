"""Launcher: runs `newsbeam stream` or `newsbeam run` from template-style parameters.

Used as the Dataflow flex template's FLEX_TEMPLATE_PYTHON_PY_FILE, and as the `py_file`
of the scheduled batch run (deploy/schedules/airflow_dag.py). Both callers pass options
as `--name=value`:

- newsbeam's flags under their option names with underscores (`--poll_interval=120`,
  hyphens work too), plus `--command` (`stream`, the default, or `run`). `--feed` and
  `--input` take comma-separated lists. A `--feeds` file on gs:// (or any Beam file
  system) is copied to a local file first, because newsbeam reads it before the job starts.
- everything else (`--project`, `--temp_location`, `--job_name`, ...) goes to Beam
  unchanged. `--runner` defaults to DataflowRunner, whose workers run the newsbeam image:
  `--sdk_container_image`, else $NEWSBEAM_SDK_CONTAINER_IMAGE (set in the launcher image).

An empty value means "not set", so optional template parameters can be left blank.

`--region` is handed to Beam through $CLOUDSDK_COMPUTE_REGION, which the DataflowRunner
reads when `--region` is absent. (Written when newsbeam's parser took `--region` for an
abbreviation of `--region-level`; it no longer abbreviates, and either way works.)

newsbeam logs Beam at WARNING; the launcher keeps Beam's "Created job with id: [...]" line
(INFO), which is how Airflow's Beam operator finds the Dataflow job it started.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

COMMANDS = ("stream", "run")
DEFAULT_RUNNER = "DataflowRunner"
SDK_IMAGE_ENV = "NEWSBEAM_SDK_CONTAINER_IMAGE"
REGION_ENV = "CLOUDSDK_COMPUTE_REGION"
JOB_ID_LOGGER = "apache_beam.runners.dataflow.internal.apiclient"

LIST_PARAMETERS = ("feed", "input")
"""Parameters holding comma-separated lists (a template parameter is a single string);
they may also be repeated."""

REFUSED_PARAMETERS = ("allow_private_networks",)
"""newsbeam flags the launcher does not offer: on a cloud worker, private addresses include
the metadata server, so the default refusal must stay."""


@dataclass(frozen=True)
class Launch:
    """What to run: the argv for `newsbeam.cli.main` and the environment to set first."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


def newsbeam_flags() -> dict[str, str]:
    """Every newsbeam flag by destination: {"poll_interval": "--poll-interval", ...}."""
    from newsbeam.options import NewsbeamOptions

    parser = argparse.ArgumentParser(add_help=False)
    NewsbeamOptions._add_argparse_args(parser)
    return {action.dest: action.option_strings[0] for action in parser._actions}


def build_launch(
    args: Sequence[str],
    environ: Mapping[str, str] | None = None,
    localise: Callable[[str], str] = lambda path: path,
) -> Launch:
    """Maps template parameters and Beam options to newsbeam's command line.

    `localise` turns a `--feeds` path into a local one (the identity by default); raises
    ValueError for a parameter that cannot be honoured.
    """
    environ = os.environ if environ is None else environ
    flags = newsbeam_flags()
    parser = argparse.ArgumentParser(prog="newsbeam-launcher", add_help=False, allow_abbrev=False)
    parser.add_argument("--command", default="stream")
    parser.add_argument("--runner", default=None)
    parser.add_argument("--region", default=None)
    parser.add_argument("--sdk_container_image", default=None)
    for dest, option in flags.items():
        spellings = dict.fromkeys([f"--{dest}", option, f"--{dest.replace('_', '-')}"])
        if dest in REFUSED_PARAMETERS:  # a switch: `--x` or `--x=true`
            parser.add_argument(*spellings, dest=dest, nargs="?", const="true", default=None)
        else:
            action = "append" if dest in LIST_PARAMETERS else "store"
            parser.add_argument(*spellings, dest=dest, action=action, default=None)
    known, rest = parser.parse_known_args(list(args))

    command = known.command or "stream"
    if command not in COMMANDS:
        raise ValueError(f"--command must be one of {', '.join(COMMANDS)}, not {command!r}")
    for dest in REFUSED_PARAMETERS:
        if getattr(known, dest):
            raise ValueError(f"--{dest} is not available through the launcher")

    argv = [command]
    for dest, option in flags.items():
        value = getattr(known, dest)
        if dest in REFUSED_PARAMETERS or value is None or value == "":
            continue
        if dest in LIST_PARAMETERS:
            items = [item for chunk in value for item in _split(chunk)]
            if not items:
                continue
            if dest == "input":  # one flag, several values (nargs="+")
                argv += [option, *items]
            else:  # a repeatable flag
                for item in items:
                    argv += [option, item]
        elif dest == "feeds":
            argv += [option, localise(value)]
        else:
            argv += [option, value]

    runner = known.runner or DEFAULT_RUNNER
    argv += ["--runner", runner]
    image = known.sdk_container_image or environ.get(SDK_IMAGE_ENV, "")
    if image:
        argv += ["--sdk_container_image", image]
    elif runner == DEFAULT_RUNNER:
        raise ValueError(
            f"DataflowRunner needs the newsbeam worker image: pass --sdk_container_image "
            f"or set ${SDK_IMAGE_ENV}"
        )
    argv += _without_empty(rest)
    env = {REGION_ENV: known.region} if known.region else {}
    return Launch(argv=argv, env=env)


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _without_empty(args: list[str]) -> list[str]:
    """Drops `--name=` (an optional parameter left blank); keeps everything else."""
    return [arg for arg in args if not (arg.startswith("--") and arg.endswith("="))]


def copy_to_local(path: str) -> str:
    """A local copy of a feeds file on any Beam file system (gs://, s3://); local paths as is."""
    if "://" not in path:
        return path
    from apache_beam.io.filesystems import FileSystems

    folder = tempfile.mkdtemp(prefix="newsbeam-feeds-")
    local = os.path.join(folder, "feeds.yaml")
    with FileSystems.open(path) as source, open(local, "wb") as target:
        target.write(source.read())
    return local


def main(args: Sequence[str] | None = None) -> int:
    """Runs newsbeam as the parameters say; returns its exit code (2 for bad parameters)."""
    try:
        launch = build_launch(sys.argv[1:] if args is None else args, localise=copy_to_local)
    except ValueError as error:
        print(f"newsbeam-launcher: error: {error}", file=sys.stderr)
        return 2
    os.environ.update(launch.env)
    logging.getLogger(JOB_ID_LOGGER).setLevel(logging.INFO)
    from newsbeam.cli import main as newsbeam_main

    return newsbeam_main(launch.argv)


if __name__ == "__main__":
    sys.exit(main())
