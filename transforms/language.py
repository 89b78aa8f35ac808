"""Language of an article (ISO 639-1), with py3langid's pre-trained model."""

from __future__ import annotations

__all__ = ["detect_language"]

_SAMPLE_CHARS = 2_000
_identifier = None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None for text too short to tell."""
    global _identifier
    sample = text[:_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    language, _probability = _identifier.classify(sample)
    return language
