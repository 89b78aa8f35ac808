"""The HTTP client against a real server on 127.0.0.1."""

from __future__ import annotations

import gzip
import socket
import time

import pytest

from newsbeam.transforms.sources.http import FetchError, HttpClient, HttpPolicy, is_public_address
from tests.support.connections import StubResolver, recording
from tests.support.local_server import Reply


def client(**overrides) -> HttpClient:
    policy = dict(
        allow_private_networks=True, min_host_interval=0.0, backoff_base=0.01, max_retries=3
    )
    policy.update(overrides)
    return HttpClient(HttpPolicy(**policy))


def test_plain_get_sends_a_clear_user_agent(server):
    seen = {}

    def route(request):
        seen.update(request.headers)
        return Reply(200, b"hello", {"Content-Type": "text/plain"})

    server.routes["/a"] = route
    response = client().get(server.url("/a"))
    assert (response.status, response.body, response.content_type) == (200, b"hello", "text/plain")
    assert seen["User-Agent"].startswith("newsbeam/")


def test_loopback_is_refused_unless_allowed(server):
    server.routes["/a"] = Reply(200, b"secret")
    with recording() as seen, pytest.raises(FetchError) as refused:
        client(allow_private_networks=False).get(server.url("/a"))
    assert refused.value.reason == "refused_address"
    assert seen.connects == []  # refused before connecting, let alone sending a request
    assert client().get(server.url("/a")).body == b"secret"


def test_redirect_to_a_private_address_is_refused(server):
    """An allowed first hop cannot bounce the client onto the local network: the address
    the redirect names is refused before any connection to it, even where nothing listens.
    (The first hop is this test's server on 127.0.0.1, allowed for it alone.)"""
    server.routes["/go"] = Reply(302, headers={"Location": "http://127.0.0.2:1/admin"})
    fetcher = client(allow_private_networks=False, allowed_networks=("127.0.0.1/32",))
    with recording() as seen, pytest.raises(FetchError) as refused:
        fetcher.get(server.url("/go"))
    assert refused.value.reason == "refused_address"
    assert server.hits["/go"] == 1
    assert ("127.0.0.2", 1) not in seen.connects


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("0.0.0.0", False),
        ("::", False),
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("ff0e::1", False),  # global-scope multicast
        ("255.255.255.255", False),
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("192.0.0.8", False),  # IETF protocol assignments
        ("198.18.0.1", False),  # benchmarking
        ("fd00::1", False),
        ("fd00:ec2::254", False),  # a cloud's IPv6 metadata service
        ("fec0::1", False),  # site-local, deprecated but routed by some networks
        ("fe80::1%eth0", False),
        ("::7f00:1", False),  # IPv4-compatible ::127.0.0.1
        ("::ffff:0:a00:5", False),  # IPv4-translated 10.0.0.5
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b:1::a00:5", False),  # local-use NAT64
        ("2002:a00:5::1", False),  # 6to4 of 10.0.0.5
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("3fff::1", False),  # documentation
        ("5f00::1", False),  # segment routing
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8: how IPv6-only hosts reach it
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
    ],
)
def test_public_addresses(address, public):
    assert is_public_address(address) is public


def test_server_errors_are_retried_then_succeed(server):
    server.routes["/flaky"] = lambda r: Reply(500) if r.count == 1 else Reply(200, b"ok")
    response = client().get(server.url("/flaky"))
    assert response.body == b"ok" and response.attempts == 2
    assert server.statuses[("/flaky", 500)] == 1 and server.statuses[("/flaky", 200)] == 1


def test_retry_after_is_honoured(server):
    sleeps = []
    server.routes["/busy"] = lambda r: (
        Reply(429, headers={"Retry-After": "7"}) if r.count == 1 else Reply(200, b"ok")
    )
    fetcher = HttpClient(
        HttpPolicy(allow_private_networks=True, min_host_interval=0.0), sleep=sleeps.append
    )
    assert fetcher.get(server.url("/busy")).body == b"ok"
    assert sleeps == [7.0]


def test_retries_give_up_with_the_last_reason(server):
    server.routes["/down"] = Reply(503)
    with pytest.raises(FetchError) as failed:
        client(max_retries=2).get(server.url("/down"))
    assert (failed.value.reason, failed.value.attempts, failed.value.transient) == (
        "http_503",
        3,
        True,
    )
    assert server.hits["/down"] == 3


def test_client_errors_are_not_retried(server):
    with pytest.raises(FetchError) as failed:
        client().get(server.url("/missing"))
    assert failed.value.reason == "http_404" and not failed.value.transient
    assert server.hits["/missing"] == 1


def test_redirects_are_followed_and_capped(server):
    server.routes["/old"] = Reply(301, headers={"Location": "/new"})
    server.routes["/new"] = Reply(200, b"moved")
    response = client().get(server.url("/old"))
    assert (response.url, response.body) == (server.url("/new"), b"moved")
    server.routes["/loop"] = Reply(302, headers={"Location": "/loop"})
    with pytest.raises(FetchError) as looped:
        client(max_redirects=3).get(server.url("/loop"))
    assert looped.value.reason == "too_many_redirects"
    assert server.hits["/loop"] == 4


def test_bodies_over_the_limit_are_refused_even_when_gzipped(server):
    server.routes["/big"] = Reply(200, b"x" * 5000)
    server.routes["/bomb"] = Reply(200, b"\0" * 2_000_000, gzip=True)
    assert len(gzip.compress(b"\0" * 2_000_000)) < 5000
    for path in ("/big", "/bomb"):
        with pytest.raises(FetchError) as refused:
            client(max_body_bytes=4000).get(server.url(path))
        assert refused.value.reason == "too_large"


def test_gzip_bodies_are_decoded(server):
    server.routes["/z"] = Reply(200, b"compressed text", gzip=True)
    assert client().get(server.url("/z")).body == b"compressed text"


def test_a_page_that_never_finishes_hits_the_deadline(server):
    server.routes["/slow"] = Reply(200, b"y" * 20_000, chunk_delay=0.2)
    with pytest.raises(FetchError) as slow:
        client(deadline=0.5, max_retries=0).get(server.url("/slow"))
    assert slow.value.reason == "timeout"


def test_the_deadline_bounds_a_request_with_all_its_retries(server):
    """A server that never finishes its body costs one deadline, not one per attempt: a
    window of a stream waits for its slowest request, so that wait must be bounded."""
    server.routes["/drip"] = Reply(200, b"y" * 20_000, chunk_delay=0.2)
    started = time.monotonic()
    with pytest.raises(FetchError) as slow:
        client(deadline=1.0, max_retries=3).get(server.url("/drip"))
    assert slow.value.reason == "timeout"
    assert time.monotonic() - started < 2.0
    assert server.hits["/drip"] == 1


def test_no_retry_is_started_that_the_deadline_would_cut(server):
    server.routes["/busy"] = Reply(503, headers={"Retry-After": "5"})
    started = time.monotonic()
    with pytest.raises(FetchError) as busy:
        client(deadline=2.0, max_retries=3).get(server.url("/busy"))
    assert (busy.value.reason, server.hits["/busy"]) == ("http_503", 1)
    assert time.monotonic() - started < 1.0


def test_conditional_get(server):
    def route(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(
            200, b"feed", {"ETag": '"v1"', "Last-Modified": "Mon, 03 Mar 2025 10:00:00 GMT"}
        )

    server.routes["/feed"] = route
    first = client().get(server.url("/feed"))
    assert (first.etag, first.last_modified) == ('"v1"', "Mon, 03 Mar 2025 10:00:00 GMT")
    second = client().get(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b""


def test_robots_txt_is_respected_and_fetched_once_per_host(server):
    server.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private/\n")
    server.routes["/private/page"] = Reply(200, b"no")
    server.routes["/public/page"] = Reply(200, b"yes")
    fetcher = client()
    with pytest.raises(FetchError) as disallowed:
        fetcher.get(server.url("/private/page"))
    assert disallowed.value.reason == "robots_disallowed"
    assert fetcher.get(server.url("/public/page")).body == b"yes"
    assert server.hits["/robots.txt"] == 1 and server.hits["/private/page"] == 0


def test_requests_to_one_host_are_spaced(server):
    sleeps = []
    server.routes["/a"] = Reply(200, b"a")
    fetcher = HttpClient(
        HttpPolicy(allow_private_networks=True, min_host_interval=5.0, respect_robots=False),
        sleep=sleeps.append,
    )
    fetcher.get(server.url("/a"))
    fetcher.get(server.url("/a"))
    assert len(sleeps) == 1 and 4.0 < sleeps[0] <= 5.0


def test_unresolvable_hosts_and_bad_urls(server):
    with pytest.raises(FetchError) as bad:
        client().get("ftp://example.com/x")
    assert bad.value.reason == "bad_url"
    with recording() as seen, pytest.raises(FetchError) as unresolved:
        client(resolver=StubResolver({})).get("http://newsbeam-test.invalid/x")
    assert unresolved.value.reason == "dns_failure"
    assert seen.connects == []


def test_a_host_whose_name_did_not_resolve_is_not_looked_up_or_waited_for_again():
    """A feed's pages on a dead host: the first fails its lookup, the others fail at once,
    neither looked up again nor spaced by the host interval (which made 55 failures take
    70 s), and nothing is ever connected to."""
    sleeps, resolver = [], StubResolver({})
    fetcher = HttpClient(
        HttpPolicy(
            allow_private_networks=True,
            min_host_interval=5.0,
            respect_robots=False,
            resolver=resolver,
        ),
        sleep=sleeps.append,
    )
    with recording() as seen:
        for page in range(3):
            with pytest.raises(FetchError) as unresolved:
                fetcher.get(f"http://gone.newsbeam-test.invalid/{page}")
            assert unresolved.value.reason == "dns_failure"
    assert resolver.calls == ["gone.newsbeam-test.invalid"]
    assert sleeps == [] and seen.connects == []


def test_a_host_that_hangs_is_not_asked_again_at_once(server):
    """A second page of a server that let the first run to its deadline fails at once: a
    window's batches of pages would otherwise wait one deadline each for that server."""
    server.routes["/drip"] = Reply(200, b"y" * 20_000, chunk_delay=0.2)
    server.routes["/other"] = Reply(200, b"fine")
    fetcher = client(deadline=1.0, max_retries=0)
    with pytest.raises(FetchError):
        fetcher.get(server.url("/drip"))
    started = time.monotonic()
    with pytest.raises(FetchError) as resting:
        fetcher.get(server.url("/other"))
    assert resting.value.reason == "timeout" and time.monotonic() - started < 0.5
    assert server.hits["/other"] == 0


def test_a_request_still_running_when_the_window_closes_is_cut_and_its_host_not_rested(server):
    """A stream window's page fetches end at its close (`stop_at`), whatever their own
    deadline; the server is not blamed for it: its next page is asked for as usual."""
    server.routes["/drip"] = Reply(200, b"y" * 20_000, chunk_delay=0.2)
    server.routes["/other"] = Reply(200, b"fine")
    started = time.monotonic()
    fetcher = client(deadline=30.0, max_retries=3, stop_at=time.time() + 1.0)
    with pytest.raises(FetchError) as cut:
        fetcher.get(server.url("/drip"))
    assert cut.value.reason == "timeout" and "window closed" in cut.value.detail
    assert time.monotonic() - started < 3.0
    assert server.hits["/drip"] == 1
    later = client(deadline=30.0, stop_at=time.time() + 5.0)
    later._host_hung = fetcher._host_hung  # the same client's memory of hung hosts
    assert later.get(server.url("/other")).body == b"fine"


def test_a_refused_connection_is_described_by_the_system_s_error():
    """A feed failure's detail is read by operators: "Connection refused", not the HTTP
    libraries' wrappers ("GuardedHTTPPool(host=...): ... NewConnectionError(...)")."""
    import socket

    with socket.socket() as holder:  # a port of 127.0.0.1 nobody listens on
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
    with pytest.raises(FetchError) as failed:
        client(max_retries=0).get(f"http://127.0.0.1:{port}/feed.xml")
    assert failed.value.reason == "connection_error"
    assert "Connection refused" in failed.value.detail
    assert "Pool" not in failed.value.detail and "NewConnectionError" not in failed.value.detail


class _SlowFailingResolver(StubResolver):
    """A lookup that takes `delay` seconds and finds no such name."""

    def __init__(self, delay: float) -> None:
        super().__init__({})
        self.delay = delay

    def __call__(self, host: str, port: int) -> list[str]:
        time.sleep(self.delay)
        return super().__call__(host, port)


def test_requests_queued_for_a_host_whose_name_failed_fail_without_looking_it_up_again():
    """Eight pages of one dead host fetched at once, as a batch is: the ones waiting their
    turn fail when it comes, without a lookup each (8 lookups took 7 s before)."""
    from concurrent.futures import ThreadPoolExecutor

    resolver = _SlowFailingResolver(0.3)
    fetcher = HttpClient(
        HttpPolicy(
            allow_private_networks=True,
            min_host_interval=1.0,
            respect_robots=False,
            resolver=resolver,
        )
    )

    def fetch(page: int) -> str:
        try:
            fetcher.get(f"http://gone.newsbeam-test.invalid/{page}")
        except FetchError as error:
            return error.reason
        return "fetched"

    started = time.monotonic()
    with recording() as seen, ThreadPoolExecutor(8) as pool:
        reasons = list(pool.map(fetch, range(8)))
    assert reasons == ["dns_failure"] * 8
    assert resolver.calls == ["gone.newsbeam-test.invalid"]
    assert time.monotonic() - started < 2.0 and seen.connects == []


class _FlakyResolver(StubResolver):
    """Fails its first lookup as a resolver out of reach does (EAI_AGAIN), then answers."""

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if len(self.calls) == 1:
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return list(self.table[host.lower()])


def test_a_name_that_failed_for_a_moment_is_looked_up_again_sooner(server, monkeypatch):
    """A resolver's hiccup (EAI_AGAIN) rests the host for a shorter while than a name that
    does not exist; after it, the page is fetched."""
    import newsbeam.transforms.sources.http as http

    monkeypatch.setattr(http, "UNRESOLVED_HOST_REST_TRANSIENT_S", 0.2)
    server.routes["/page"] = Reply(200, b"page")
    port = server.url("/").split(":")[2].split("/")[0]
    resolver = _FlakyResolver({"wire.newsbeam-test.invalid": ["127.0.0.1"]})
    fetcher = HttpClient(
        HttpPolicy(
            allow_private_networks=True,
            min_host_interval=0.0,
            respect_robots=False,
            resolver=resolver,
        )
    )
    url = f"http://wire.newsbeam-test.invalid:{port}/page"
    with pytest.raises(FetchError) as hiccup:
        fetcher.get(url)
    assert hiccup.value.reason == "dns_failure"
    with pytest.raises(FetchError):
        fetcher.get(url)  # within the rest: not asked again
    assert len(resolver.calls) == 1
    time.sleep(0.3)
    assert fetcher.get(url).body == b"page"
