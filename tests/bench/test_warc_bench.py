"""The WARC benchmark (`bench.warc`) reads its crawl with both readers, the same records
each, and runs it end to end."""

from bench.warc import load_pages, measure


def test_the_warc_bench_reads_every_record_with_both_readers_and_runs_end_to_end(tmp_path):
    pages = load_pages(tmp_path / "no-pages-here")[:12]  # the bench corpus, as HTML
    figures = measure(tmp_path, pages, copies=2)
    assert figures["records"] == 3 * 12 * 2
    for reader in ("warcio", "fastwarc"):
        assert figures["reading"][reader]["records"] == 72
        assert figures["reading"][reader]["pages"] == 24
        assert figures["reading"][reader]["records_per_cpu_s"] > 0
    assert figures["end_to_end"]["records"] == 36 and figures["end_to_end"]["cpu_s"] > 0
