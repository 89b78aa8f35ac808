"""Where the tests find the repository's files, and the real data kept beside it.

The shared data is never copied into the repository: a test that needs it skips, naming
the missing path, where it is absent.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
TEST_DATA = REPO / "tests" / "data"
DEPLOY = REPO / "deploy"
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"
SEEDS = SHARED / "seeds"
SEED_WITH_DATE = SEEDS / "000_b9602190ba00a2ba.txt"
SEED_WITHOUT_HEADER = SEEDS / "003_ef4239176ea9162e.txt"
