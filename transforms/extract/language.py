"""Language of an article (ISO 639-1), with py3langid's pre-trained model."""

from __future__ import annotations

__all__ = ["detect_language", "load_language_model"]

_SAMPLE_CHARS = 2_000
_identifier = None


def load_language_model():
    """The identifier, loaded once per process (it unpacks its model through a temporary
    file): called from `DoFn.setup()`, so the first article pays nothing."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    return _identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for text too short to tell."""
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    language, _probability = load_language_model().classify(sample)
    return language
