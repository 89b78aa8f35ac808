"""Preloaded into each worker of the cluster `--dask-workers N` starts (`dask_cluster`):
the worker logs as the command line does, without the warning Beam logs on import for an
extra newsbeam never uses (`beam_warnings`). Imports nothing heavy: it runs before Beam
is imported there."""

from __future__ import annotations

from newsbeam.beam_warnings import silence_optional_extras

silence_optional_extras()  # on import: dask's preload needs no `dask_setup` hook
