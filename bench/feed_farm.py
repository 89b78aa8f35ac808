"""A farm of feeds on 127.0.0.1 for load tests: normal, slow, failing and huge ones.

Feeds are spread over `servers` ports (each a host of its own to the client). Feed `n`
publishes one new item a minute and lists its last five; each item links to a page on the
same server. Kinds, by `n % 10`: 0-5 normal; 6 slow (the feed answers after 3 s); 7
failing (in turn a 500, a reset connection, garbage that is no feed); 8 huge (a 3 MB feed);
9 slow pages (each page after 2 s, one in five never finishes its body).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ("normal",) * 6 + ("slow", "failing", "huge", "slow_pages")
_PARAGRAPH = (
    "The council of the river town met on Tuesday to weigh the cost of the new bridge, "
    "which engineers say must be finished before the spring floods reach the old quay. "
)


def kind_of(feed: int) -> str:
    return KINDS[feed % len(KINDS)]


class FeedFarm:
    """`feeds` feeds on `servers` threaded HTTP servers; `urls` lists them; `close()` stops."""

    def __init__(self, feeds: int, servers: int = 25, hang: bool = True) -> None:
        self.requests = 0
        self.hang = hang  # False: no body that never finishes (each costs a 30 s deadline)
        self._lock = threading.Lock()
        self._servers = [self._serve() for _ in range(servers)]
        self.urls = [
            f"http://127.0.0.1:{self._servers[n % servers].server_address[1]}/feed/{n}.xml"
            for n in range(feeds)
        ]

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _serve(self) -> ThreadingHTTPServer:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server interface
                with farm._lock:
                    farm.requests += 1
                    count = farm.requests
                parts = self.path.strip("/").split("/")
                if self.path == "/robots.txt" or len(parts) < 2:
                    return self._send(404, b"", "text/plain")
                if parts[0] == "feed":
                    return self._feed(int(parts[1].split(".")[0]), count)
                return self._page(int(parts[1]), parts[2].split(".")[0])

            def _feed(self, n: int, count: int) -> None:
                kind = kind_of(n)
                if kind == "slow":
                    time.sleep(3.0)
                if kind == "failing":
                    turn = count % 3
                    if turn == 0:
                        return self._send(500, b"down", "text/plain")
                    if turn == 1:
                        self.connection.close()  # a reset: no answer at all
                        return None
                    return self._send(200, b"\x00\x01 not a feed", "application/rss+xml")
                minute = int(time.time() // 60)
                port = self.server.server_address[1]
                items = []
                for tick in range(minute - 4, minute + 1):
                    link = f"http://127.0.0.1:{port}/page/{n}/{tick}.html"
                    text = _PARAGRAPH * (400 if kind == "huge" else 2)
                    items.append(
                        f"<item><title>Feed {n} story {tick}</title><link>{link}</link>"
                        f"<guid>{n}-{tick}</guid><description>{text}</description></item>"
                    )
                body = (
                    "<?xml version='1.0'?><rss version='2.0'><channel>"
                    f"<title>Farm feed {n}</title>{''.join(items)}</channel></rss>"
                ).encode()
                return self._send(200, body, "application/rss+xml")

            def _page(self, n: int, tick: str) -> None:
                kind = kind_of(n)
                if kind == "slow_pages":
                    time.sleep(2.0)
                    if farm.hang and int(tick) % 5 == 0:  # a body that never finishes
                        self.send_response(200)
                        self.send_header("Content-Type", "text/html")
                        self.send_header("Content-Length", "100000")
                        self.end_headers()
                        try:
                            for _ in range(1000):
                                self.wfile.write(b" ")
                                self.wfile.flush()
                                time.sleep(0.5)
                        except OSError:
                            pass
                        return None
                words = _PARAGRAPH * 6
                body = (
                    f"<html><head><title>Story {tick}</title></head><body><article>"
                    f"<h1>Feed {n} story {tick}</h1><p>{words}</p><p>{words}</p>"
                    "</article></body></html>"
                ).encode()
                return self._send(200, body, "text/html")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *_args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
