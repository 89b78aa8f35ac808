"""Faults: a real server on 127.0.0.1 misbehaving the way real feeds and pages do, and the
real `newsbeam run` against it. Each run must end (no hang; exit 0, or 1 where a feed
failed entirely), account for every input in `runs`, and turn each fault into the reject or
the outcome the README promises.
"""
