"""The stages of the pipeline, one folder each, in the order data flows through them:

    sources/  files, feeds (polled once or on a timer), article pages over HTTP -> RawArticle
    clean/    normalised text, boilerplate and credit lines removed, stable ids -> CleanArticle
    dedupe/   exact copies, then near copies (MinHash, LSH, connected components), against
              the input, earlier runs (the index) and, streaming, earlier windows
    extract/  entities, places to countries and UN regions, language, quotes; names merged
    write/    rows validated against the schemas, Parquet written atomically, every input
              accounted for in the `runs` row

The convention in every folder: a module named after the composite it holds
(`clean_articles.py` holds `CleanArticles`) is the Beam glue, and the only kind of module
that defines a `PTransform`, `DoFn` or `CombineFn`; every other module is plain functions
and classes on plain values, testable without a pipeline. `records.py` names the records
that flow between the stages; `tests/unit/test_layout.py` holds the tree to the convention.
"""
