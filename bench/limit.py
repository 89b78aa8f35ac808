"""The limit: bare `nlp.pipe` with exactly the spaCy pipeline the extraction stage builds.

`limit` is one process's rate. `limit_side_by_side` runs the same in several processes at
once, each on its share of the texts, timed from a common start after every model is
loaded: what this machine's cores give together, the ceiling of a run with that many
workers (two processes here do not run at twice one's rate).
"""

from __future__ import annotations

import multiprocessing
import queue
import time

__all__ = ["limit", "limit_side_by_side"]


def _load():
    from newsbeam.transforms.extract.entities import MODEL_NAME, build_nlp
    from newsbeam.transforms.extract.geo import Gazetteer

    return build_nlp(MODEL_NAME, Gazetteer())


def _pipe(nlp, texts: list[str]) -> None:
    from newsbeam.transforms.extract.article_extractor import NER_BATCH_SIZE

    for _doc in nlp.pipe(texts, batch_size=NER_BATCH_SIZE):
        pass


def limit(texts: list[str]) -> dict:
    """Bare `nlp.pipe` over the texts in this process, model already loaded."""
    nlp = _load()
    _pipe(nlp, texts[:8])  # first-call allocations out of the timing
    wall, cpu = time.perf_counter(), time.process_time()
    _pipe(nlp, texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    words = sum(len(text.split()) for text in texts)
    return {
        "limit_components": list(nlp.pipe_names),
        "limit_articles_per_s": round(len(texts) / wall, 3),
        "limit_words_per_s": round(words / wall),
        "limit_articles_per_cpu_s": round(len(texts) / cpu, 3),
    }


def _side_by_side_worker(texts: list[str], start, results) -> None:
    nlp = _load()
    _pipe(nlp, texts[:8])
    start.wait(timeout=600)  # a sibling that died never arrives: BrokenBarrierError
    wall = time.perf_counter()
    _pipe(nlp, texts)
    results.put(time.perf_counter() - wall)


def limit_side_by_side(texts: list[str], processes: int) -> float:
    """Articles per second of `processes` bare `nlp.pipe` processes running together."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=_side_by_side_worker, args=(texts[i::processes], start, results))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    elapsed: list[float] = []
    while len(elapsed) < processes:
        try:
            elapsed.append(results.get(timeout=5))
        except queue.Empty:
            if any(worker.exitcode not in (None, 0) for worker in workers):
                for worker in workers:
                    worker.terminate()
                codes = [worker.exitcode for worker in workers]
                message = f"a side-by-side nlp.pipe process failed: exit codes {codes}"
                raise RuntimeError(message) from None
    for worker in workers:
        worker.join()
    return round(len(texts) / max(elapsed), 3)
