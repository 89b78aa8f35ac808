"""The compaction benchmark (`bench.compaction`) builds a stream's files, compacts them and
reports query times before and after, with the same answers."""

from bench.compaction import QUERIES, measure


def test_the_compaction_bench_reports_fewer_files_and_every_query_before_and_after(tmp_path):
    figures = measure(str(tmp_path), days=1, window_minutes=120, per_window=4, base_articles=30)
    assert figures["windows"] == 12 and figures["articles"] == 48
    assert figures["files_before"]["runs"] == 12 and figures["files_after"]["runs"] == 1
    assert sum(figures["files_after"].values()) < sum(figures["files_before"].values())
    for timings in (figures["before_ms"], figures["after_ms"]):
        assert set(timings) == {"open_output", *QUERIES} and all(ms > 0 for ms in timings.values())
    assert figures["source_health_first_s"] > 0 and figures["source_health_window_s"] > 0
