"""A short stream under load (`bench.stream_load`): its windows keep their deadline.

40 feeds of the farm on 127.0.0.1 (normal, slow, failing, huge, slow pages), polled every
60 s in 30 s windows: each window polls its share of them concurrently and must be written
within 30 s of its start (the first, which also loads the models, within 45 s), every feed
due polled, every run balanced, memory bounded. No
page hangs here: one that did would cost a 30 s deadline, as long as these windows (the
fault tests and the HTTP tests hold the deadline).
"""

from __future__ import annotations

from bench.stream_load import run


def test_a_loaded_stream_writes_each_window_by_its_deadline(tmp_path):
    figures = run(40, 1.0, 30.0, 2.0, 60.0, hang=False, workdir=str(tmp_path))
    windows = figures["windows"]
    assert figures["exit_code"] == 0
    assert len(windows) >= 2, figures
    # The first window also loads the models (the stream warns of it); with the suite's
    # other worker busy beside it, that can take it past its 30 s. Every later window
    # must be on time.
    first, *later = windows
    assert first["written_after_s"] <= 45, windows
    assert later and all(w["on_time"] for w in later), windows
    assert all(w["feeds_due"] == 20 for w in windows), windows  # a fair share, not all 40
    done, due = figures["polls_done_vs_due"]
    assert done == due
    balanced, runs = figures["runs_balanced"].split("/")
    assert balanced == runs
    assert figures["rss_mb_peak"] < 1500
