"""Language of an article (ISO 639-1), with py3langid's pre-trained model and a prior.

The identifier weighs every one of its languages alike before reading a text, so a short
English headline can come out Nigerian Pidgin or Bikol by a hair. Bayes' rule wants the
prior: how much text is written in each language (`data/language_priors.tsv`). It decides
only where the letters leave the answer in doubt; a few sentences outweigh it.
"""

from __future__ import annotations

import math

from newsbeam.transforms.extract.word_lists import name_table

__all__ = ["UNLISTED_SHARE", "detect_language", "language_priors", "load_language_model"]

_SAMPLE_CHARS = 2_000
UNLISTED_SHARE = 0.01
"""The prior share (per cent) of a language the priors table does not list."""
_identifier = None


def language_priors() -> dict[str, float]:
    """Language -> prior share in per cent, from `data/language_priors.tsv` (each above 0:
    its logarithm is taken)."""
    priors = {language: float(share) for language, share in name_table("language_priors").items()}
    if not all(share > 0 for share in priors.values()):
        raise ValueError("data/language_priors.tsv: every share must be above 0")
    return priors


def load_language_model():
    """The identifier with the priors, loaded once per process (it unpacks its model
    through a temporary file): called from `DoFn.setup()`, so the first article pays
    nothing."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        priors = language_priors()
        # nb_pc is the model's log prior per class: the shares' logs are added to it
        # (`set_languages` would restore the model's own: it is never called).
        identifier.nb_pc = identifier.nb_pc + [
            math.log(priors.get(label, UNLISTED_SHARE)) for label in identifier.nb_classes
        ]
        _identifier = identifier
    return _identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for text too short to tell."""
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    language, _probability = load_language_model().classify(sample)
    return language
