"""WARC input: records per CPU second, reading alone (warcio against fastwarc) and end to end.

    .venv/bin/python -m bench.warc [--copies 20] [--pages ../shared/data/articles_scrapinghub_aeb]

Builds a WARC as a news crawl writes it (per page a `request`, a `response` and a
`metadata` record; CC-NEWS has the same three) from real article pages (the 181 gzipped
pages of the scrapinghub set, when present beside the repository; else the bench corpus as
simple HTML), gzipped one member per record. Then:

- **reading alone**: every record iterated, each response's headers and page read, with
  warcio (what newsbeam uses) and with fastwarc, `--copies` copies of the pages, CPU time of
  this process;
- **end to end**: `newsbeam run --input crawl.warc.gz` over one copy (reading, extraction,
  dedupe, NER, writing), CPU time of the command and its children.

Results go to `bench/results/*-warc.json`.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from bench import RESULTS, newsbeam_command, save_results
from bench.corpus import news_articles

_DEFAULT_PAGES = Path(__file__).resolve().parents[1].parent / "shared/data/articles_scrapinghub_aeb"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--pages", default=str(_DEFAULT_PAGES))
    parser.add_argument("--results", default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsbeam-warc-") as workdir:
        results = measure(Path(workdir), load_pages(Path(args.pages)), args.copies)
    print(json.dumps(results, indent=2))
    path = save_results(results, "warc", args.results)
    print(f"results: {path}")
    return 0


def load_pages(folder: Path) -> list[tuple[str, bytes]]:
    """(url, html) of the real pages in `folder`, or of the bench corpus without them."""
    truth = folder / "ground-truth.json"
    if truth.is_file():
        urls = json.loads(truth.read_text(encoding="utf-8"))
        return [
            (urls[name]["url"], gzip.decompress((folder / "html" / f"{name}.html.gz").read_bytes()))
            for name in sorted(urls)
        ]
    pages = []
    for article in news_articles(200):
        paragraphs = "".join(f"<p>{p}</p>" for p in article.text.split("\n\n"))
        html = f"<html><head><title>{article.title}</title></head><body><article>{paragraphs}"
        pages.append((article.url, f"{html}</article></body></html>".encode()))
    return pages


def measure(workdir: Path, pages: list[tuple[str, bytes]], copies: int) -> dict:
    crawl = write_crawl(workdir / "crawl.warc.gz", pages, copies)
    once = write_crawl(workdir / "once.warc.gz", pages, 1)
    reading = {name: _read_alone(reader, crawl) for name, reader in _READERS.items()}
    return {
        "pages": len(pages),
        "copies": copies,
        "records": reading["warcio"]["records"],
        "file_mb": round(crawl.stat().st_size / 2**20, 1),
        "reading": reading,
        "fastwarc_vs_warcio": round(
            reading["fastwarc"]["records_per_cpu_s"] / reading["warcio"]["records_per_cpu_s"], 2
        ),
        "end_to_end": _end_to_end(once, workdir / "out", 3 * len(pages)),
        "cpu_count": os.cpu_count(),
    }


def write_crawl(path: Path, pages: list[tuple[str, bytes]], copies: int) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for copy in range(copies):
            for url, html in pages:
                target = url if copy == 0 else f"{url}?copy={copy}"
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                for kind, payload, headers in (
                    ("request", b"GET / HTTP/1.1\r\n\r\n", None),
                    ("response", html, http),
                    ("metadata", b"fetchTimeMs: 120\r\n", None),
                ):
                    record = writer.create_warc_record(
                        target, kind, payload=io.BytesIO(payload), http_headers=headers
                    )
                    writer.write_record(record)
    return path


def _warcio(path: Path) -> tuple[int, int]:
    from warcio.archiveiterator import ArchiveIterator

    records = pages = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            records += 1
            if record.rec_type == "response":
                record.rec_headers.get_header("WARC-Target-URI")
                record.http_headers.get_header("Content-Type")
                pages += len(record.content_stream().read()) > 0
    return records, pages


def _fastwarc(path: Path) -> tuple[int, int]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records = pages = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(
            handle, parse_http=True, record_types=WarcRecordType.any_type
        ):
            records += 1
            if record.record_type == WarcRecordType.response:
                record.headers.get("WARC-Target-URI")
                record.http_content_type  # noqa: B018 - read as a reader would
                pages += len(record.reader.read()) > 0
    return records, pages


_READERS = {"warcio": _warcio, "fastwarc": _fastwarc}


def _read_alone(reader, path: Path) -> dict:
    started = time.process_time()
    records, pages = reader(path)
    seconds = time.process_time() - started
    return {
        "records": records,
        "pages": pages,
        "cpu_s": round(seconds, 2),
        "records_per_cpu_s": round(records / seconds),
        "mb_per_cpu_s": round(path.stat().st_size / 2**20 / seconds, 1),
    }


def _end_to_end(path: Path, output: Path, records: int) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [*newsbeam_command(), "run", "--input", str(path), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "records": records,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "records_per_cpu_s": round(records / cpu, 1),
        "pages_per_cpu_s": round(records / 3 / cpu, 1),
    }


if __name__ == "__main__":
    raise SystemExit(main())
