"""newsbeam: news articles from feeds and files to Parquet partitioned by date and region,
on Apache Beam.

The public face, for building newsbeam into a pipeline of your own::

    import apache_beam as beam
    import newsbeam

    options = newsbeam.NewsbeamOptions(["--input", "samples", "--output", "out"])
    with beam.Pipeline(runner="FnApiRunner") as pipeline:
        outputs = newsbeam.build(pipeline, options)   # articles, duplicates, rejects, ...
        newsbeam.write(outputs, options.output)

`build` reads files and feeds once; `process` takes raw article records from any source
of yours; `newsbeam.schemas` holds every table's pyarrow schema. The stages themselves are
under `newsbeam.transforms` (sources, clean, dedupe, extract, write). Names are imported
on first use, so `import newsbeam` is cheap.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from newsbeam.transforms.lazy_exports import lazy_exports

try:
    __version__ = version("newsbeam")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "build": ".compose",
    "build_stream": ".compose",
    "process": ".compose",
    "write": ".compose",
    "Outputs": ".compose",
    "NewsbeamOptions": ".options",
    "schemas": ".schemas",
    "TABLES": ".schemas",
    "ARTICLES": ".schemas",
    "DUPLICATES": ".schemas",
    "REJECTS": ".schemas",
    "ENTITY_VARIANTS": ".schemas",
    "RUNS": ".schemas",
    "SCHEMA_VERSION": ".schemas",
}
__all__ = ["__version__", *_EXPORTS]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
