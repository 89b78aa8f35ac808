"""Near-dedupe throughput: documents per second per core on 800-word articles.

    python -m bench.neardup [--count 5000]

Measures (1) MinHash signatures alone (shingling + rensa) and (2) the `NearDedupe`
transform as a stage of a pipeline on the in-process runner: signatures, LSH buckets, pair
confirmation, components and the final decision. The stage's cost is the CPU time a run
with it takes beyond the same run without it (reading the corpus from a file, as the
pipeline does), taken at two corpus sizes so that the fixed cost of starting a pipeline
cancels: the figure is the marginal cost per article. Per core = per CPU second of this
process, whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, date, datetime

from bench.corpus import articles


def _signatures(texts: list[str]) -> dict:
    from newsbeam.transforms.dedupe.minhash import MinHashParams, signatures

    params = MinHashParams()
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), 256):
        signatures(texts[start : start + 256], params)
    return {
        "signatures_docs_per_cpu_s": len(texts) / (time.process_time() - cpu),
        "signatures_docs_per_s": len(texts) / (time.perf_counter() - wall),
    }


def _pipeline_cpu_seconds(path: str, with_dedupe: bool) -> float:
    """CPU seconds of one run reading the corpus file, with or without `NearDedupe`."""
    import apache_beam as beam
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.transforms.dedupe.near_dedupe import NearDedupe

    now = datetime(2025, 3, 10, tzinfo=UTC)

    def row(line: str) -> dict:
        item = json.loads(line)
        return {
            "id": item["id"],
            "input": item["id"],
            "url": None,
            "source": "bench",
            "text": item["text"],
            "published_at": None,
            "date": date(2025, 3, 1),
            "date_source": "header",
            "ingested_at": now,
        }

    cpu = time.process_time()
    pipeline = beam.Pipeline(options=PipelineOptions(["--runner", "FnApiRunner"]))
    rows = pipeline | beam.io.ReadFromText(path) | "Parse" >> beam.Map(row)
    if with_dedupe:
        rows = (
            {"articles": rows, "prior": pipeline | "NoPrior" >> beam.Create([])} | NearDedupe()
        )["articles"]
    _ = rows | beam.combiners.Count.Globally()
    pipeline.run().wait_until_finish()
    return time.process_time() - cpu


def _write_corpus(corpus, path: str) -> str:
    with open(path, "w", encoding="utf-8") as handle:
        for article in corpus:
            handle.write(json.dumps({"id": article.id, "text": article.text}) + "\n")
    return path


def _transform(corpus, workdir: str) -> dict:
    """The stage's marginal cost per article: (with - without) at two corpus sizes, so the
    fixed cost of building and starting a pipeline cancels out."""
    half = len(corpus) // 2
    small = _write_corpus(corpus[:half], os.path.join(workdir, "small.jsonl"))
    full = _write_corpus(corpus, os.path.join(workdir, "full.jsonl"))
    _pipeline_cpu_seconds(small, with_dedupe=True)  # warm-up: imports, first pipeline
    stage = {}
    for name, path in (("small", small), ("full", full)):
        stage[name] = _pipeline_cpu_seconds(path, True) - _pipeline_cpu_seconds(path, False)
    marginal = (stage["full"] - stage["small"]) / (len(corpus) - half)
    return {
        "neardedupe_docs_per_cpu_s": 1.0 / max(marginal, 1e-9),
        "neardedupe_stage_cpu_s": {name: round(value, 2) for name, value in stage.items()},
        "copies_in_corpus": sum(a.copy_of is not None for a in corpus),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="newsbeam-bench-")
    corpus = list(articles(args.count, words=(800, 800)))
    texts = [a.text for a in corpus]
    results = {
        "articles": len(corpus),
        "words_per_article": 800,
        **_signatures(texts),
        **_transform(corpus, workdir),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
