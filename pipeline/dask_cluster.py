"""`--runner dask`: the dask.distributed cluster a batch run runs on, for as long as it runs."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from newsbeam.options import is_dask_runner

if TYPE_CHECKING:
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import NewsbeamOptions

__all__ = ["WORKER_ENVIRONMENT", "WORKER_PRELOAD", "dask_cluster"]

# dask's nanny sets MALLOC_TRIM_THRESHOLD_ in each worker, which also turns off glibc's
# dynamic mmap threshold: every array spaCy allocates above 128 KiB is then mapped and
# unmapped again, and a worker spends twice the system time of a DirectRunner process
# (10 s against 4 s per 1,000 bench articles, 5-8% of the run). Unset here; the
# single-thread BLAS settings stay. `deploy/dask/distributed.yaml` does the same for a
# cluster started with `dask worker`.
WORKER_ENVIRONMENT = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
WORKER_PRELOAD = "newsbeam.dask_worker_setup"
"""Run in each worker before Beam is imported there: Beam's warning about its BigQuery
extra is dropped, as the command line drops it."""


@contextlib.contextmanager
def dask_cluster(options: PipelineOptions, news: NewsbeamOptions) -> Iterator[None]:
    """For `--runner dask`: the cluster to run on, started here with `--dask-workers N` and
    stopped on leaving, or the one at `--dask-address`. Does nothing for other runners.

    Beam's DaskRunner reads the scheduler's address from its own `--dask_client_address`,
    which this sets; raises ValueError when there is no cluster to run on.
    """
    if not is_dask_runner(options):
        yield
        return
    try:
        import distributed
        from apache_beam.runners.dask.dask_runner import DaskOptions
        from dask import config as dask_config
    except ImportError:
        raise ValueError(
            "--runner dask needs dask.distributed: pip install 'newsbeam[dask]'"
        ) from None
    dask_options = options.view_as(DaskOptions)
    if news.dask_workers:
        if news.dask_address:
            raise ValueError("give --dask-address or --dask-workers, not both")
        # The scheduler runs in this process: its comings and goings are not the run's.
        distributed_logs = logging.getLogger("distributed")
        level = distributed_logs.level
        distributed_logs.setLevel(logging.WARNING)
        try:
            with (
                dask_config.set(WORKER_ENVIRONMENT),
                distributed.LocalCluster(
                    n_workers=news.dask_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                    preload=[WORKER_PRELOAD],
                ) as cluster,
            ):
                dask_options.address = cluster.scheduler_address
                yield
        finally:  # the cluster closed, quietly too: the process's logging as it was
            distributed_logs.setLevel(level)
        return
    dask_options.address = news.dask_address or dask_options.address
    if not dask_options.address:
        raise ValueError("--runner dask needs --dask-address tcp://HOST:PORT or --dask-workers N")
    yield
