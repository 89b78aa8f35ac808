"""A local stream's memory over time: flat once its dedupe state has reached its expiry.

    python -m bench.stream_memory [--minutes 6] [--expiry 60] [--window 10]

Serves one RSS feed on 127.0.0.1 that publishes new articles (from `bench.corpus`, ~10%
of them syndicated copies) at every poll, runs `newsbeam stream` on it for `--minutes`
with `--state-expiry` seconds of dedupe state, samples the stream's RSS every second, and
reports the median RSS of each minute. Once the MinHash index and the feed's seen-entry
keys hold `--expiry` seconds of articles they stop growing; the RSS of the later minutes
should stay level. Prints the figures and writes them as JSON beside `python -m bench`'s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from bench import newsbeam_command, save_results, tree_rss
from bench.corpus import news_articles


class _GrowingFeed:
    """An RSS feed whose every request publishes `per_poll` more articles (last 50 shown)."""

    def __init__(self, per_poll: int, seed: int) -> None:
        self._articles = news_articles(1_000_000, seed=seed)
        self._per_poll = per_poll
        self._shown: list = []
        self._lock = threading.Lock()
        self.published = 0

    def render(self) -> bytes:
        with self._lock:
            for _ in range(self._per_poll):
                self._shown.append(next(self._articles))
                self.published += 1
            self._shown = self._shown[-50:]
            now = format_datetime(datetime.now(UTC), usegmt=True)
            items = "".join(
                f"<item><title>{escape(a.title)}</title><link>{escape(a.url)}</link>"
                f"<guid>{escape(a.url)}</guid><pubDate>{now}</pubDate>"
                f"<description>{escape(a.text)}</description></item>"
                for a in self._shown
            )
        return (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Bench Wire</title>{items}</channel></rss>"
        ).encode()


def _serve(feed: _GrowingFeed) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server interface
            body = feed.render()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    import psutil

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--expiry", type=int, default=60, help="--state-expiry, seconds")
    parser.add_argument("--window", type=int, default=10, help="--window, seconds")
    parser.add_argument("--per-poll", type=int, default=8, help="new articles at each poll")
    parser.add_argument("--results", default="bench/results")
    args = parser.parse_args(argv)

    feed = _GrowingFeed(args.per_poll, seed=23)
    server = _serve(feed)
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    output = tempfile.mkdtemp(prefix="newsbeam-stream-memory-")
    command = [
        *newsbeam_command(),
        "stream",
        "--feed",
        url,
        "--output",
        output,
        "--window",
        str(args.window),
        "--poll-interval",
        str(args.window / 2),
        "--state-expiry",
        str(args.expiry),
        "--duration",
        str(int(args.minutes * 60)),
        "--fetch-pages",
        "never",
        "--host-interval",
        "0",
        "--allow-private-networks",
    ]
    started = time.monotonic()
    stream = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[tuple[float, int]] = []
    root = psutil.Process(stream.pid)
    while stream.poll() is None:
        try:
            samples.append((time.monotonic() - started, tree_rss(root)))
        except psutil.Error:
            break
        time.sleep(1.0)
    server.shutdown()
    from newsbeam.query import connect

    with connect(output) as db:
        written = db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM duplicates), "
            "(SELECT count(*) FROM runs)"
        ).fetchone()
    per_minute = {}
    for seconds, rss in samples:
        per_minute.setdefault(int(seconds // 60), []).append(rss)
    medians = [round(statistics.median(v) / 2**20, 1) for _m, v in sorted(per_minute.items())]
    settled = [m for m in range(len(medians)) if m * 60 >= 2 * args.expiry]
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "minutes": args.minutes,
        "state_expiry_s": args.expiry,
        "window_s": args.window,
        "exit_code": stream.returncode,
        "articles_published": feed.published,
        "articles_written": written[0],
        "duplicates_written": written[1],
        "windows": written[2],
        "rss_mb_median_per_minute": medians,
        "rss_mb_peak": round(max(rss for _s, rss in samples) / 2**20, 1),
        "rss_mb_growth_after_expiry": (
            round(medians[settled[-1]] - medians[settled[0]], 1) if len(settled) > 1 else None
        ),
    }
    path = save_results(results, "stream-memory", args.results)
    print(json.dumps(results, indent=2))
    print(f"results: {path}")
    return 0 if stream.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
