"""A real HTTP server on 127.0.0.1 for tests: routes set per test, requests counted."""

from __future__ import annotations

import gzip
import socket
import ssl
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    gzip: bool = False
    chunk_delay: float = 0.0  # seconds between chunks: a page that never finishes
    chunk_size: int = 1024  # bytes per chunk when chunk_delay is set
    # A body made while it is sent (chunked, no Content-Length): sizes no test could hold.
    # A callable, so that one Reply can serve several requests.
    stream: Callable[[], Iterable[bytes]] | None = None
    # Reset the connection (TCP RST) after this many bytes of the body: a dropped server.
    reset_after: int | None = None
    # No Content-Length: the body ends when the server closes the connection (HTTP/1.0 style).
    content_length: bool = True
    # > 0: after the status line, a header sent a byte at a time, this many seconds apart,
    # that never ends: a server that never finishes its headers.
    header_drip: float = 0.0

    def encoded(self) -> bytes:
        return gzip.compress(self.body) if self.gzip else self.body


Route = Callable[["Request"], Reply]


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    count: int  # how many times this path has been requested, this one included


class LocalServer:
    """Serves `routes[path]`; unknown paths are 404. Thread-safe counters per path.

    With a `tls` context, it speaks HTTPS (the handshake made as each connection is
    accepted)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route | Reply] = {}
        self.hits: Counter[str] = Counter()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path
                with server._lock:
                    server.hits[path] += 1
                    count = server.hits[path]
                route = server.routes.get(path)
                if route is None:
                    reply = Reply(404, b"not found")
                elif isinstance(route, Reply):
                    reply = route
                else:
                    reply = route(Request(path, dict(self.headers), count))
                with server._lock:
                    server.statuses[(path, reply.status)] += 1
                if reply.header_drip:
                    self._drip_headers(reply)
                    return
                body = reply.encoded()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.gzip:
                    self.send_header("Content-Encoding", "gzip")
                if reply.stream is not None:
                    self.send_header("Transfer-Encoding", "chunked")
                elif reply.content_length:
                    self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                try:
                    if reply.stream is not None:
                        self._send_stream(reply)
                    elif reply.reset_after is not None:
                        self.wfile.write(body[: reply.reset_after])
                        self.wfile.flush()
                        self._reset()
                    elif reply.chunk_delay:
                        size = reply.chunk_size
                        for start in range(0, len(body), size):
                            self.wfile.write(body[start : start + size])
                            self.wfile.flush()
                            time.sleep(reply.chunk_delay)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def _send_stream(self, reply: Reply) -> None:
                for piece in reply.stream():
                    if piece:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            def _drip_headers(self, reply: Reply) -> None:
                self.close_connection = True
                try:
                    self.wfile.write(b"HTTP/1.1 %d OK\r\nX-Drip: " % reply.status)
                    while True:
                        self.wfile.write(b"a")
                        self.wfile.flush()
                        time.sleep(reply.header_drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _reset(self) -> None:
                """Closes with SO_LINGER 0, so the client gets a RST instead of a FIN."""
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True

            def log_message(self, *_args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # clients closing kept-alive connections is not a test failure

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()
