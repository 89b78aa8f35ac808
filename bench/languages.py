"""What the gazetteer path costs beside the NER: CPU per article of each, on real articles.

    .venv/bin/python -m bench.languages

Reads the hand-labelled real articles of tests/data/extraction_gold (from the shared data
beside the repository) and times, per article, the English pipeline's `nlp.pipe` and the
multilingual gazetteer's matching on the same texts. Prints both and their ratio: the
gazetteer path is meant to cost well under a tenth of the NER's time.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "extraction_gold"


def _articles() -> list[dict]:
    spec = importlib.util.spec_from_file_location("gold_resolve", GOLD / "resolve.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return [gold.article for gold in module.load_gold()]


def main() -> None:
    from newsbeam.transforms.extract.article_extractor import ArticleExtractor, ner_input

    extractor = ArticleExtractor()
    extractor.setup()
    nlp = extractor._nlp[extractor.model_name]  # noqa: SLF001 - the bench times the parts
    places = extractor._places  # noqa: SLF001
    texts = [ner_input(article) for article in _articles()]
    places.extract(texts[0], "de")  # build the language's table outside the timing
    started = time.thread_time()
    list(nlp.pipe(texts, batch_size=64))
    ner = time.thread_time() - started
    started = time.thread_time()
    for text in texts:
        places.extract(text, "de")
    gazetteer = time.thread_time() - started
    n = len(texts)
    print(f"{n} real articles")
    print(f"NER (nlp.pipe)       {1000 * ner / n:7.2f} ms/article")
    print(f"gazetteer (matching) {1000 * gazetteer / n:7.2f} ms/article")
    print(f"gazetteer / NER      {gazetteer / ner:7.3f}")


if __name__ == "__main__":
    main()
