"""The models are loaded once per process, not once per window of a local stream.

A local stream runs each window as a new bounded pipeline on new worker threads; the
extractor of a later window must find the models the ended threads loaded.
"""

import threading

from newsbeam.transforms.extract.article_extractor import ArticleExtractor


def _setup_in_a_thread() -> ArticleExtractor:
    extractor = ArticleExtractor()
    worker = threading.Thread(target=extractor.setup)
    worker.start()
    worker.join()
    return extractor


def test_a_later_thread_reuses_the_models_an_ended_thread_loaded():
    first = _setup_in_a_thread()
    second = _setup_in_a_thread()

    assert second._nlp is first._nlp
    assert second._gazetteer is first._gazetteer


def test_a_thread_still_running_does_not_share_its_models():
    loaded = _setup_in_a_thread()
    release = threading.Event()
    holder = ArticleExtractor()

    def hold() -> None:
        holder.setup()
        release.wait(60)

    running = threading.Thread(target=hold)
    running.start()
    try:
        while holder._nlp is None and running.is_alive():
            running.join(0.05)
        other = _setup_in_a_thread()
        assert holder._nlp is loaded._nlp  # it took the set of the ended thread
        assert other._nlp is not holder._nlp  # a second thread at once loads its own
    finally:
        release.set()
        running.join()
