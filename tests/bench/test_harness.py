"""The benchmark harness: its corpus is what it claims, and `python -m bench` runs.

The harness's figures are timings and are not asserted here (they belong to the machine,
see bench/); what is asserted is what the figures rest on: the corpus, the accounting of
the runs they time, and the keys users and the README read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.corpus import news_articles, write_jsonl
from newsbeam.transforms.dedupe.minhash import MinHashParams, estimated_jaccard, signatures
from tests.support.paths import REPO


def test_corpus_is_reproducible_from_its_seed():
    first = [a.record() for a in news_articles(60, seed=5)]
    again = [a.record() for a in news_articles(60, seed=5)]
    other = [a.record() for a in news_articles(60, seed=6)]
    assert first == again
    assert first != other


def test_corpus_has_realistic_lengths_copies_regions_and_dates():
    corpus = list(news_articles(2000))
    originals = [a for a in corpus if a.copy_of is None]
    words = [len(a.text.split()) for a in originals]
    assert 300 <= min(words) and max(words) <= 1560  # a sentence may run past the target
    assert 800 <= sum(words) / len(words) <= 1000
    copies = len(corpus) - len(originals)
    assert 0.07 * len(corpus) <= copies <= 0.13 * len(corpus)
    assert len({a.country for a in originals}) >= 60
    assert len({a.published[:10] for a in corpus}) == 7
    assert len({a.url for a in corpus}) == len(corpus)


def test_syndicated_copies_are_near_duplicates_and_originals_are_not():
    corpus = list(news_articles(400))
    by_id = {a.id: a for a in corpus}
    params = MinHashParams()
    copies = [a for a in corpus if a.copy_of]
    pairs = [(by_id[a.copy_of].text, a.text) for a in copies]
    signed = signatures([text for pair in pairs for text in pair], params)
    similarity = [estimated_jaccard(signed[i], signed[i + 1]) for i in range(0, len(signed), 2)]
    assert min(similarity) >= params.threshold
    originals = [a.text for a in corpus if a.copy_of is None][:50]
    signed = signatures(originals, params)
    closest = max(
        estimated_jaccard(signed[i], signed[j])
        for i in range(len(originals))
        for j in range(i + 1, len(originals))
    )
    assert closest < 0.5


def test_corpus_files_are_records_newsbeam_reads(tmp_path):
    from datetime import UTC, datetime

    from newsbeam.transforms.sources.article_files import ARTICLE, parse_article_file

    paths = write_jsonl(news_articles(260), str(tmp_path), per_file=100)
    assert [os.path.basename(p) for p in paths] == [
        "part-00000.jsonl",
        "part-00001.jsonl",
        "part-00002.jsonl",
    ]
    kinds: Counter = Counter()
    for path in paths:
        for kind, record in parse_article_file(path, Path(path).read_bytes(), datetime.now(UTC)):
            kinds[kind] += 1
            if kind == ARTICLE:
                assert record["date_source"] == "record" and record["url"].startswith("https://")
    assert kinds == {ARTICLE: 260}


def test_runs_alternate_their_order_from_round_to_round():
    from bench.__main__ import run_order

    assert run_order([1, 2], 1) == [(0, 1), (0, 2)]
    assert run_order([1, 2], 3) == [(0, 1), (0, 2), (1, 2), (1, 1), (2, 1), (2, 2)]


def test_scaling_over_rounds_cancels_a_steady_drift():
    from bench.__main__ import scaling

    # The machine slows by 10% a run; the pipeline truly scales 1.8 times. Runs: 1, 2, 2, 1.
    speed = [1.0, 0.9, 0.8, 0.7]
    one = [10 * speed[0], 10 * speed[3]]
    two = [18 * speed[1], 18 * speed[2]]
    # Against each run's limit passes, a ratio of the means too (1.75 / 0.95).
    figures = scaling(one, two, [1.0, 0.9], [1.7, 1.8])
    assert figures["workers_2_vs_1_raw"] == 1.8
    assert figures["workers_2_vs_1"] == 1.842
    # Each round alone is off by the drift, one way and then the other.
    assert figures["workers_2_vs_1_rounds"] == [1.62, 2.057]
    with pytest.raises(ValueError):
        scaling([10.0], [18.0, 17.0], [1.0], [1.8])


_REQUIRED_KEYS = (
    "limit_articles_per_s",
    "end_to_end_articles_per_s",
    "end_to_end_vs_limit",
    "end_to_end_vs_limit_cpu",
    "end_to_end_vs_limit_in_run",
    "workers_2_vs_1",
    "workers_2_vs_1_raw",
    "limit_2_processes_articles_per_s",
    "limit_2_processes_vs_1",
    "workers_2_vs_1_of_ceiling",
    "neardup_whole_stage_articles_per_cpu_s",
    "peak_rss_mb",
    "extraction_articles_per_cpu_s",
    "write_articles_per_cpu_s",
    "duckdb_pruned_count_ms",
    "duckdb_full_aggregation_ms",
)
# Marginal rates (the cost between a half and the full input): at the smoke size a stage's
# cost may not show above the noise in any round, and the harness then says None rather
# than print a made-up rate. Each is reported, positive where measured.
_MARGINAL_KEYS = ("neardup_articles_per_s_per_core", "read_clean_articles_per_cpu_s")


# What the smoke run costs is its two end-to-end runs (NER-bound), about 40 short stage
# pipelines, and the limit: four passes and one of two processes side by side, each loading
# the model and running it over this many texts. At 500 articles and 50 texts the run took
# 180 s on two cores, the longest test of the suite; at 200 and 30 it takes 85 s, and the
# corpus still has its syndicated copies (20) for both runs to find.
# Every figure is still measured; only the rates are noisier, and none is asserted.
_SMOKE_SIZE = 200
_SMOKE_LIMIT_SAMPLE = 30


@pytest.mark.e2e
def test_harness_runs_at_the_smallest_size(tmp_path):
    """`python -m bench` as `make bench` runs it, at a smaller size: a smoke test, no
    timing."""
    results = tmp_path / "results"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--size",
            str(_SMOKE_SIZE),
            "--limit-sample",
            str(_SMOKE_LIMIT_SAMPLE),
            "--results",
            str(results),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "end to end / limit" in completed.stdout
    [path] = list(results.glob(f"*-{_SMOKE_SIZE}.json"))
    figures = json.loads(path.read_text())
    for key in _REQUIRED_KEYS:
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
    for key in _MARGINAL_KEYS:
        assert figures[key] is None or figures[key] > 0, key
        assert len(figures[f"{key}_rounds"]) == 3, key
        assert (figures[key] is None) == all(r is None for r in figures[f"{key}_rounds"]), key
    assert figures["cores"] == os.cpu_count()
    assert figures["versions"]["apache-beam"] and figures["versions"]["spacy"]
    # The limit is measured with the components extraction runs, and nothing else.
    assert figures["limit_components"] == ["entity_ruler", "ner"]
    # Both runs account for every input, and every syndicated copy is found.
    for run in ("end_to_end", "workers_2"):
        assert figures[f"{run}_inputs"] == _SMOKE_SIZE
        assert (
            figures[f"{run}_articles"] + figures[f"{run}_duplicates"] + figures[f"{run}_rejects"]
            == _SMOKE_SIZE
        )
        assert figures[f"{run}_duplicates"] == figures["syndicated_copies"]
    # The limit ran on texts extraction saw, a pass before and after each run.
    assert figures["limit_texts_all_written"] is True
    assert figures["limit_sample"] == _SMOKE_LIMIT_SAMPLE
    assert len(figures["limit_passes_articles_per_s"]) == 3
    assert figures["rounds"] == 1
    assert figures["workers_2_vs_1_rounds"] == [figures["workers_2_vs_1_raw"]]


def test_cpu_timeline_accounts_for_a_command_and_its_children():
    """`python -m bench.cpu_timeline -- CMD`: each interval's busy processes, and a summary
    whose CPU includes a child process's."""
    burn = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}])"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.cpu_timeline", "--interval", "0.2", "--"]
        + [sys.executable, "-c", parent],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    *intervals, summary = completed.stdout.splitlines()
    per_process: Counter = Counter()
    for line in intervals:
        for busy in line.split()[1:]:
            label, cpu = busy.split(":")
            per_process[label] += float(cpu)
    # The burning child is seen on its own (the parent only starts it and waits).
    assert max(per_process.values()) >= 0.3, intervals
    wall, cpu = (float(part.split()[1]) for part in summary.split(", ")[:2])
    assert cpu >= 0.6 and wall >= 0.6
    assert summary.split(", ")[2].startswith("idle ")
