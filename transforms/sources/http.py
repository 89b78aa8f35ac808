"""HTTP for feeds and article pages, done the way a polite, defensive crawler does it.

One `HttpClient` per worker (built in `DoFn.setup()`): a pooled `requests` session with
connect and read timeouts and a deadline for the whole body, retries with exponential
backoff on timeouts, resets, 429 and 5xx (honouring `Retry-After`), redirects followed by
hand and capped, a body size limit that also holds for gzip, conditional GET, robots.txt
(cached per host), a minimum interval between requests to one host, and a guard that refuses
private, loopback and link-local addresses before connecting: each connection, on every
redirect hop, resolves its host once, has every address checked (`address_guard`), and
connects to a checked address only, so DNS rebinding cannot slip past it and an open port
cannot be told from a closed one.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from newsbeam.transforms.sources.address_guard import (
    AddressGuard,
    IPAddress,
    RefusedAddress,
    Resolver,
    is_public_address,
    system_resolver,
)

__all__ = [
    "FETCH_PAGES",
    "FetchError",
    "HttpClient",
    "HttpPolicy",
    "HttpResponse",
    "is_public_address",
]

_LOG = logging.getLogger(__name__)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
# Deadlines a host rests for after one of its requests ran to the deadline.
HUNG_HOST_REST = 5
UNRESOLVED_HOST_REST_S = 300.0
"""Seconds a host whose name does not exist (the resolver said so) is not looked up again:
its other pages fail at once instead of each waiting its turn at `min_host_interval` (a
feed of 55 entries on a dead host took 70 s at the default interval, for rows it gives in
14)."""
UNRESOLVED_HOST_REST_TRANSIENT_S = 30.0
"""The same for a lookup that failed otherwise (no answer in time, a resolver out of
reach): shorter, since a resolver's hiccup would fail every host it touched."""
_NO_SUCH_NAME = frozenset(
    code for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if code is not None
)


FETCH_PAGES = ("auto", "always", "never")
"""When a feed entry's article page is fetched: auto = for feeds read over HTTP only."""


@dataclass(frozen=True)
class HttpPolicy:
    """Everything that bounds what one request may cost; picklable, so DoFns carry it."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_redirects: int = 5
    max_body_bytes: int = 5_000_000
    user_agent: str = "newsbeam/0.1 (news ingestion; +https://github.com/newsbeam/newsbeam)"
    respect_robots: bool = True
    min_host_interval: float = 1.0
    allow_private_networks: bool = False
    # Networks allowed though not public (e.g. "10.1.2.0/24": one intranet feed server),
    # when private networks are not allowed as a whole.
    allowed_networks: tuple[str, ...] = ()
    # (host, port) -> addresses; None is the system's resolver. A plain function or an
    # object of a module-level class, so that the policy still pickles.
    resolver: Resolver | None = field(default=None, compare=False, repr=False)
    # Wall-clock time (epoch seconds) by which every request must end, whatever its own
    # deadline: a stream window's close. A request cut by it does not count against its host.
    stop_at: float | None = None

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "deadline", "max_body_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"HttpPolicy.{name} must be positive")
        for network in self.allowed_networks:
            try:
                ipaddress.ip_network(network)
            except ValueError as error:
                raise ValueError(f"HttpPolicy.allowed_networks: {error}") from None

    def address_guard(self) -> AddressGuard:
        """The guard every connection made under this policy goes through."""
        return AddressGuard(
            allow_private=self.allow_private_networks,
            allowed_networks=tuple(ipaddress.ip_network(n) for n in self.allowed_networks),
            resolver=self.resolver or system_resolver,
        )


@dataclass(frozen=True)
class HttpResponse:
    url: str
    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class FetchError(Exception):
    """A request that did not give a usable body. `reason` is a short code for rejects."""

    reason: str
    detail: str
    transient: bool = False
    attempts: int = 1
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


class _Watch:
    """The connection one request went out on, so that its watchdog, in another thread, can
    end it at the deadline."""

    def __init__(self) -> None:
        self.connection = None  # a pooled connection, when the request reuses one
        self.sock: socket.socket | None = None  # a new one's socket, from before its TLS
        self.ended = False

    def end(self) -> None:
        """Shuts the socket down: the read under way returns, and the request fails."""
        self.ended = True
        for sock in (getattr(self.connection, "sock", None), self.sock):
            if sock is None:
                continue
            try:
                # socket.socket's own shutdown: SSLSocket.shutdown would drop its TLS state
                # under the reader's feet; this way the reader just sees the connection end.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: the request is over anyway


_WATCHED = threading.local()  # .watch: the _Watch of the request this thread is making


def _connect(
    addresses: list[IPAddress], port: int, timeout, source_address, socket_options
) -> socket.socket:
    """A socket connected to the first of `addresses` that answers: urllib3's
    `create_connection`, less its name lookup, so only the addresses given are tried."""
    error: OSError | None = None
    for address in addresses:
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = None
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
            for option in socket_options or ():
                sock.setsockopt(*option)
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect((str(address), port))
            return sock
        except OSError as failed:
            error = failed
            if sock is not None:
                sock.close()
    raise error if error is not None else OSError("no address to connect to")


def _guarded(connection_class, guard: AddressGuard):
    """A connection class that connects only to addresses the guard checked, from one
    lookup of its host, and that tells the watch of the current request which connection
    it is on."""

    class Guarded(connection_class):
        def _new_conn(self):
            # urllib3's own, but for where the addresses come from. Its errors are kept,
            # for requests to tell a timeout or a lookup failure from a refused connection.
            try:
                addresses = guard.addresses(self._dns_host, self.port)  # may be refused
            except socket.gaierror as error:
                raise NameResolutionError(self.host, self, error) from error
            try:
                sock = _connect(
                    addresses, self.port, self.timeout, self.source_address, self.socket_options
                )
            except TimeoutError as error:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                ) from error
            except OSError as error:
                raise NewConnectionError(
                    self, f"Failed to establish a new connection: {error}"
                ) from error
            sys.audit("http.client.connect", self, self.host, self.port)
            watch = getattr(_WATCHED, "watch", None)
            if watch is not None:
                watch.sock = sock
            return sock

        def request(self, *args, **kwargs):
            watch = getattr(_WATCHED, "watch", None)
            if watch is not None:
                watch.connection = self
            return super().request(*args, **kwargs)

    return Guarded


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: AddressGuard, **kwargs) -> None:
        self._guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        http_pool = type(
            "GuardedHTTPPool",
            (HTTPConnectionPool,),
            {"ConnectionCls": _guarded(HTTPConnection, self._guard)},
        )
        https_pool = type(
            "GuardedHTTPSPool",
            (HTTPSConnectionPool,),
            {"ConnectionCls": _guarded(HTTPSConnection, self._guard)},
        )
        self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}


class HttpClient:
    """Thread-safe GETs under an `HttpPolicy`. Raises `FetchError`, never a library error."""

    def __init__(self, policy: HttpPolicy | None = None, sleep=time.sleep) -> None:
        self.policy = policy or HttpPolicy()
        self._sleep = sleep
        self._session = requests.Session()
        self._session.trust_env = False  # an environment proxy would hide the real peer
        self._session.headers.update(
            {
                "User-Agent": self.policy.user_agent,
                "Accept-Encoding": "gzip, deflate",
            }
        )
        adapter = _GuardedAdapter(self.policy.address_guard(), pool_maxsize=32, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._robots: dict[str, tuple[float, robotparser.RobotFileParser | None]] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._host_next: dict[str, float] = {}
        # host -> until when it is not asked again: it let a request run to its deadline.
        self._host_hung: dict[str, float] = {}
        # host -> until when its name is taken not to resolve.
        self._host_unresolved: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._session.close()

    def get(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> HttpResponse:
        """GET with redirects, retries and every limit of the policy applied."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        current = url
        # One deadline for the whole request, its retries and redirects included: a server
        # that fails slowly again and again costs one deadline, not one per attempt.
        until = own = time.monotonic() + self.policy.deadline
        if self.policy.stop_at is not None:
            until = min(until, time.monotonic() + self.policy.stop_at - time.time())
        for _hop in range(self.policy.max_redirects + 1):
            _check_url(current)
            if self.policy.respect_robots and not self._robots_allow(current):
                raise FetchError("robots_disallowed", f"robots.txt disallows {current}")
            response = self._get_with_retries(current, headers, until, own)
            if response.status in _REDIRECT_STATUSES:
                location = response.extra_location
                if not location:
                    raise FetchError("bad_redirect", f"{response.status} without Location")
                current = urljoin(current, location)
                continue
            return response.response
        raise FetchError("too_many_redirects", f"more than {self.policy.max_redirects} from {url}")

    # -- one hop, retried -------------------------------------------------------------------

    def _get_with_retries(self, url: str, headers: dict, until: float, own: float) -> _Hop:
        attempt = 0
        while True:
            attempt += 1
            try:
                hop = self._get_once(url, headers, attempt, until, own)
            except FetchError as error:
                error.attempts = attempt
                if not error.transient or attempt > self.policy.max_retries:
                    raise
                pause = self._backoff(attempt, error.extra.get("retry_after"))
                if time.monotonic() + pause >= until:
                    raise  # no time left for another attempt within the request's deadline
                self._sleep(pause)
                continue
            return hop

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.policy.backoff_max)
        exponential = self.policy.backoff_base * (2 ** (attempt - 1))
        return min(exponential * (0.5 + random.random() / 2), self.policy.backoff_max)

    def _get_once(self, url: str, headers: dict, attempt: int, until: float, own: float) -> _Hop:
        """One attempt, ended at `until`; a host whose request ran to its `own` deadline
        (not merely to the window's close) rests."""
        host = urlsplit(url).netloc.lower()
        if self._host_hung.get(host, 0.0) > time.monotonic():
            # Each request to a server that hangs would cost a whole deadline, one after
            # another as work is batched: it is given a rest instead.
            raise FetchError("timeout", f"{host} let a request run to its deadline just now")
        self._refuse_unresolved(host, url)
        try:
            return self._get_once_watched(url, headers, attempt, until)
        except FetchError as error:
            if error.reason == "dns_failure":
                rest = (
                    UNRESOLVED_HOST_REST_S
                    if error.extra.get("no_such_name")
                    else UNRESOLVED_HOST_REST_TRANSIENT_S
                )
                self._host_unresolved[host] = time.monotonic() + rest
            elif error.reason == "timeout" and time.monotonic() >= own:
                self._host_hung[host] = time.monotonic() + HUNG_HOST_REST * self.policy.deadline
            elif error.reason == "timeout" and time.monotonic() >= until:
                raise FetchError("timeout", "cut when the stream window closed") from None
            raise

    def _get_once_watched(self, url: str, headers: dict, attempt: int, until: float) -> _Hop:
        self._wait_for_host(url)
        budget = until - time.monotonic()
        if budget <= 0:
            raise FetchError("timeout", f"no complete answer after {self.policy.deadline}s")
        # Timeouts bound each wait for data, not their sum: a server that sends a byte of its
        # headers or of its body now and then would hold the request for days, and a read
        # that waits for a whole chunk would not even return to look at the clock. So a
        # watchdog ends the request at the deadline, whatever it is waiting for.
        watch = _Watch()
        watchdog = threading.Timer(budget, watch.end)
        watchdog.daemon = True
        _WATCHED.watch = watch
        watchdog.start()
        late = FetchError(
            "timeout", f"no complete answer after {self.policy.deadline}s", transient=True
        )
        try:
            hop = self._request(url, headers, attempt, until)
        except FetchError as error:
            if watch.ended and error.reason != "timeout":
                raise late from None
            raise
        finally:
            watchdog.cancel()
            _WATCHED.watch = None
        if watch.ended:  # cut at the deadline: headers or a body without a length may look whole
            raise late
        return hop

    def _request(self, url: str, headers: dict, attempt: int, until: float) -> _Hop:
        try:
            response = self._session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(self.policy.connect_timeout, self.policy.read_timeout),
            )
        except requests.exceptions.ConnectionError as error:
            if _caused_by(error, RefusedAddress):
                raise FetchError(
                    "refused_address", str(_caused_by(error, RefusedAddress))
                ) from None
            if (lookup := _caused_by(error, socket.gaierror)) is not None:
                raise FetchError(
                    "dns_failure",
                    f"cannot resolve {urlsplit(url).hostname}",
                    extra={"no_such_name": lookup.errno in _NO_SUCH_NAME},
                ) from None
            transient = not isinstance(error, requests.exceptions.SSLError)
            raise FetchError("connection_error", _system(error), transient=transient) from None
        except requests.exceptions.Timeout as error:
            raise FetchError("timeout", _short(error), transient=True) from None
        except requests.exceptions.RequestException as error:
            raise FetchError("request_error", _short(error)) from None
        with response:
            status = response.status_code
            if status in _REDIRECT_STATUSES:
                return _Hop(None, response.headers.get("Location"), status)
            if status in _RETRY_STATUSES:
                retry_after = _retry_after(response.headers.get("Retry-After"))
                raise FetchError(
                    f"http_{status}",
                    f"{status} from {url}",
                    transient=True,
                    extra={"retry_after": retry_after},
                )
            if status == 304:
                body = b""
            elif status >= 400:
                raise FetchError(f"http_{status}", f"{status} from {url}")
            else:
                body = self._read_body(response, url, until)
            return _Hop(
                HttpResponse(
                    url=url,
                    status=status,
                    body=body,
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    content_type=response.headers.get("Content-Type"),
                    attempts=attempt,
                ),
                None,
                status,
            )

    def _read_body(self, response: requests.Response, url: str, until: float) -> bytes:
        limit = self.policy.max_body_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError("too_large", f"Content-Length {declared} over {limit} bytes")
        late = FetchError(
            "timeout", f"body not complete after {self.policy.deadline}s", transient=True
        )
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):  # decompressed: gzip bombs count in full
                size += len(chunk)
                if size > limit:
                    raise FetchError("too_large", f"body over {limit} bytes from {url}")
                if time.monotonic() > until:
                    raise late
                chunks.append(chunk)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as error:
            if time.monotonic() > until:
                raise late from None  # the watchdog ended it
            raise FetchError("connection_error", _short(error), transient=True) from None
        return b"".join(chunks)

    # -- politeness --------------------------------------------------------------------------

    def _refuse_unresolved(self, host: str, url: str) -> None:
        """A host whose name failed to resolve a moment ago fails at once."""
        if self._host_unresolved.get(host, 0.0) > time.monotonic():
            raise FetchError("dns_failure", f"cannot resolve {urlsplit(url).hostname} (just now)")

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:
            # Asked again once its turn comes: requests queued behind a lookup that failed
            # fail then, without sleeping or looking the name up again.
            self._refuse_unresolved(host, url)
            now = time.monotonic()
            wait = self._host_next.get(host, 0.0) - now
            if wait > 0:
                self._sleep(wait)
                self._refuse_unresolved(host, url)
            self._host_next[host] = (
                max(now, self._host_next.get(host, 0.0)) + self.policy.min_host_interval
            )

    def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        cached = self._robots.get(origin)
        if cached is None or time.monotonic() - cached[0] > 86_400:
            cached = (time.monotonic(), self._load_robots(origin))
            self._robots[origin] = cached
        parser = cached[1]
        return parser is None or parser.can_fetch(self.policy.user_agent, url)

    def _load_robots(self, origin: str) -> robotparser.RobotFileParser | None:
        """None (allow all) when there is no robots.txt or it cannot be read."""
        try:
            until = time.monotonic() + self.policy.deadline
            hop = self._get_once(f"{origin}/robots.txt", {}, 1, until, until)
        except FetchError as error:
            if error.reason == "refused_address":
                raise
            return None
        if hop.response is None or hop.response.status != 200:
            return None
        parser = robotparser.RobotFileParser()
        parser.parse(hop.response.body.decode("utf-8", errors="replace").splitlines())
        return parser


@dataclass(frozen=True)
class _Hop:
    response: HttpResponse | None
    extra_location: str | None
    status: int


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("bad_url", f"not an http(s) URL: {url[:200]}")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return (when - datetime.now(UTC)).total_seconds() if when.tzinfo else None


def _caused_by(error: BaseException, kind: type) -> BaseException | None:
    """The first exception of `kind` in the chain of causes, reasons and arguments."""
    return _first_in_chain(error, lambda current: isinstance(current, kind))


def _first_in_chain(
    error: BaseException, wanted: Callable[[BaseException], bool]
) -> BaseException | None:
    seen: set[int] = set()
    stack: list[object] = [error]
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if wanted(current):
            return current
        stack += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        stack += list(current.args)
    return None


def _short(error: BaseException) -> str:
    return str(error)[:300]


def _system(error: BaseException) -> str:
    """A connection that failed, for people: the system's own error ("[Errno 111]
    Connection refused"), not the HTTP libraries' wrappers of it, which name their
    connection pools. (A timeout keeps the library's words: which one, and its limit.)"""
    root = _system_error(error)
    return _short(root if root is not None else error)


def _system_error(error: BaseException) -> BaseException | None:
    """The first OSError of the chain raised by the system (socket, ssl), not a library."""
    return _first_in_chain(
        error,
        lambda current: (
            isinstance(current, OSError) and type(current).__module__ in _SYSTEM_MODULES
        ),
    )


_SYSTEM_MODULES = frozenset({"builtins", "socket", "ssl"})
