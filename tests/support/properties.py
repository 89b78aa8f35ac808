"""How hard the property tests search: hypothesis prints any falsifying example and how to
reproduce it. FAST for cheap properties over plain text, THOROUGH for the rules every
record passes through (cleaning, headers, dates, URLs, slugs)."""

from hypothesis import settings

FAST = settings(max_examples=150, deadline=None)
THOROUGH = settings(max_examples=300, deadline=None)
