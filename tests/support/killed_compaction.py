"""A compaction that dies unannounced (SIGKILL) after a chosen step, run in a child
process by the compaction tests. Kept apart from the tests so that the child imports
only `newsbeam.compaction`, not Beam."""

from __future__ import annotations

import os
import signal

from newsbeam.compaction import compact_output


def compact_until_step(output: str, kill_at: int) -> None:
    """Compacts `output` and sends itself SIGKILL once `kill_at` steps are done."""
    done = []

    def die(*_step: str) -> None:
        done.append(1)
        if len(done) > kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    compact_output(output, on_step=die)
