"""The address guard: every address a host stands for is checked before any connection is
attempted, and the connection goes to an address that was checked, on every hop.

Names resolve through a stub resolver, as a hostile DNS server would answer them: no DNS
server is ever asked. An audit hook records every socket connect the process makes (the
real calls, nothing stands in for them) and stops any to an address beyond loopback, so
these tests cannot reach past this machine even against a broken guard.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from newsbeam.transforms.sources.address_guard import literal_address
from newsbeam.transforms.sources.http import FetchError, HttpClient, HttpPolicy
from tests.support.connections import RebindingResolver, StubResolver, recording
from tests.support.local_server import LocalServer, Reply
from tests.support.tls import make_certificates

LOOPBACK_ONLY = ("127.0.0.1/32",)  # lets a test's first hop reach its server, and no more

# What a hostile DNS server answers for names a feed or a redirect may give.
HOSTILE_DNS = {
    "metadata.example": ["169.254.169.254"],  # the cloud metadata service
    "intranet.example": ["10.0.0.5"],
    "mixed.example": ["93.184.215.14", "10.0.0.5"],  # a public address first, then not
    "mixed6.example": ["2606:4700::1111", "fd00::5"],
    "mapped.example": ["::ffff:169.254.169.254"],  # IPv4-mapped IPv6
    "compat.example": ["::7f00:1"],  # IPv4-compatible ::127.0.0.1
    "nat64.example": ["64:ff9b::a9fe:a9fe"],  # 169.254.169.254 through NAT64
    "sixtofour.example": ["2002:a00:5::1"],  # 10.0.0.5 through 6to4
    "carrier.example": ["100.64.0.1"],  # shared address space (carrier-grade NAT)
    "unique-local.example": ["fd12:3456::1"],
    "site-local.example": ["fec0::1"],
    "link-local6.example": ["fe80::1"],
    "anywhere.example": ["0.0.0.0"],  # connects to this machine on Linux
    "anywhere6.example": ["::"],
    "multicast.example": ["224.0.0.1"],
    "multicast6.example": ["ff02::1"],
    "broadcast.example": ["255.255.255.255"],
    "loopback.example": ["127.0.0.1"],
    "loopback6.example": ["::1"],
}


def client(resolver: StubResolver | None = None, **overrides) -> HttpClient:
    policy = dict(
        min_host_interval=0.0,
        backoff_base=0.01,
        max_retries=1,
        resolver=resolver if resolver is not None else StubResolver(HOSTILE_DNS),
    )
    policy.update(overrides)
    return HttpClient(HttpPolicy(**policy))


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("name", sorted(HOSTILE_DNS))
def test_a_name_on_a_refused_address_is_refused_before_any_connection(scheme, name):
    resolver = StubResolver(HOSTILE_DNS)
    with recording() as seen, pytest.raises(FetchError) as refused:
        client(resolver).get(f"{scheme}://{name}/feed.xml")
    assert refused.value.reason == "refused_address"
    assert str(ipaddress.ip_address(HOSTILE_DNS[name][-1])) in refused.value.detail
    assert seen.connects == []  # not even one handshake
    assert seen.lookups == []  # the system resolver was never asked
    assert resolver.calls == [name]  # resolved once, every answer checked


def test_every_address_of_a_name_is_checked_not_only_the_first():
    """`mixed.example` answers a public address first: a guard that checks the address it
    happens to connect to would connect there; this one refuses the name outright."""
    resolver = StubResolver(HOSTILE_DNS)
    with recording() as seen, pytest.raises(FetchError) as refused:
        client(resolver).get("https://mixed.example/feed.xml")
    assert refused.value.reason == "refused_address"
    assert "10.0.0.5" in refused.value.detail
    assert seen.connects == [] and seen.blocked == []


# Spellings of refused addresses a probe tries; {port} is a live server's, so an open port.
SPELLINGS = [
    "http://127.0.0.1:{port}/a",
    "http://2130706433:{port}/a",  # decimal
    "http://0x7f000001:{port}/a",  # hexadecimal
    "http://0x7f.0.0.1:{port}/a",
    "http://0177.0.0.1:{port}/a",  # octal
    "http://0177.1:{port}/a",
    "http://127.1:{port}/a",  # short form
    "http://0.0.0.0:{port}/a",
    "http://0:{port}/a",
    "http://[::]:{port}/a",
    "http://[::1]:{port}/a",
    "http://[::ffff:127.0.0.1]:{port}/a",
    "http://[::ffff:7f00:1]:{port}/a",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/a",
    "http://127.0.0.1.:{port}/a",  # a trailing dot
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://2852039166/latest/meta-data/",  # 169.254.169.254, decimal
    "http://10.0.0.5/a",
    "http://012.0.0.5/a",  # 10.0.0.5, octal
    "http://172.16.0.1/a",
    "http://192.168.1.1/a",
    "http://100.64.0.1/a",
    "http://224.0.0.1/a",
    "http://[ff02::1]/a",
    "http://[fe80::1]/a",
    "http://[fd00::1]/a",
    "http://[64:ff9b::a9fe:a9fe]/a",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_address_spellings_are_refused_before_any_connection(server: LocalServer, spelling):
    """Each is read as the system would read it, without asking a resolver, and refused
    before a connection, whether or not something listens there."""
    server.routes["/a"] = Reply(200, b"secret")
    resolver = StubResolver({})
    with recording() as seen, pytest.raises(FetchError) as refused:
        client(resolver).get(spelling.format(port=server.port))
    assert refused.value.reason == "refused_address"
    assert seen.connects == [] and seen.lookups == []
    assert resolver.calls == []
    assert sum(server.hits.values()) == 0


def test_a_spelling_reaches_the_address_it_spells_when_allowed(server: LocalServer):
    """The guard reads 2130706433 as 127.0.0.1, as the system would, and connects there."""
    server.routes["/a"] = Reply(200, b"hello")
    resolver = StubResolver({})
    with recording() as seen:
        response = client(resolver, allowed_networks=LOOPBACK_ONLY).get(
            f"http://2130706433:{server.port}/a"
        )
    assert response.body == b"hello"
    assert set(seen.connects) == {("127.0.0.1", server.port)}
    assert seen.lookups == [] and resolver.calls == []


def test_an_open_port_and_a_closed_one_give_the_one_reason(server: LocalServer):
    """A probe must not learn which ports are open on a refused address: both are refused
    the same way, and neither is connected to."""
    server.routes["/feed.xml"] = Reply(200, b"<rss/>")
    reasons = {}
    with recording() as seen:
        for state, port in (("open", server.port), ("closed", closed_port())):
            with pytest.raises(FetchError) as refused:
                client().get(f"http://127.0.0.1:{port}/feed.xml")
            reasons[state] = (refused.value.reason, refused.value.transient)
    assert reasons == {
        "open": ("refused_address", False),
        "closed": ("refused_address", False),
    }
    assert seen.connects == []


@pytest.mark.parametrize(
    "location",
    [
        "http://metadata.example/latest/meta-data/",
        "http://intranet.example:8080/admin",
        "https://mixed.example/",
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
        "http://0x0a000005/admin",
        "/../../",  # a relative one stays on the allowed server: followed
    ],
)
def test_a_redirect_to_a_refused_address_is_refused_before_connecting(
    server: LocalServer, location
):
    """The first hop is a real server on 127.0.0.1 (allowed for this test alone); where it
    redirects to is checked like a first hop, and never connected to."""
    server.routes["/go"] = Reply(302, headers={"Location": location})
    server.routes["/"] = Reply(200, b"home")
    resolver = StubResolver(HOSTILE_DNS)
    fetcher = client(resolver, allowed_networks=LOOPBACK_ONLY, respect_robots=False)
    with recording() as seen:
        if location.startswith("/"):
            assert fetcher.get(server.url("/go")).body == b"home"
        else:
            with pytest.raises(FetchError) as refused:
                fetcher.get(server.url("/go"))
            assert refused.value.reason == "refused_address"
    assert set(seen.connects) == {("127.0.0.1", server.port)}
    assert seen.lookups == [] and seen.blocked == []
    assert server.hits["/go"] == 1
    name = location.split("/")[2].split(":")[0]
    assert resolver.calls == ([name] if name in HOSTILE_DNS else [])


def test_the_address_connected_to_is_the_one_checked(server: LocalServer):
    """DNS rebinding: a name answers 127.0.0.1 (allowed here) when first asked and 10.0.0.5
    after. The guard asks once per connection and connects to what that answer gave, so the
    second answer is only ever checked, and refused, never connected to."""
    server.routes["/a"] = Reply(200, b"hello")
    resolver = RebindingResolver(
        {"rebind.example": ["127.0.0.1"]}, {"rebind.example": ["10.0.0.5"]}
    )
    url = f"http://rebind.example:{server.port}/a"
    with recording() as seen:
        first = client(resolver, allowed_networks=LOOPBACK_ONLY, respect_robots=False)
        assert first.get(url).body == b"hello"
        assert resolver.calls == ["rebind.example"]  # checked and connected on one answer
        assert seen.connects == [("127.0.0.1", server.port)]
        again = client(resolver, allowed_networks=LOOPBACK_ONLY, respect_robots=False)
        with pytest.raises(FetchError) as refused:
            again.get(url)  # a new connection: a new answer, checked before use
    assert refused.value.reason == "refused_address"
    assert resolver.calls == ["rebind.example", "rebind.example"]
    assert seen.connects == [("127.0.0.1", server.port)] and seen.blocked == []
    assert server.hits["/a"] == 1


def test_https_to_a_checked_address_verifies_the_certificate_for_the_name(tmp_path):
    """Connected to the checked address, the client still sends the name in SNI and Host
    and verifies the certificate against the name, not the address."""
    certificates = make_certificates(tmp_path, ["news.example"])
    sni: list[str | None] = []
    certificates.server.sni_callback = lambda _sock, name, _context: sni.append(name)
    resolver = StubResolver({"news.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    hosts: list[str] = []

    def route(request):
        hosts.append(request.headers["Host"])
        return Reply(200, b"over tls")

    with LocalServer(tls=certificates.server) as tls_server:
        tls_server.routes["/a"] = route
        fetcher = client(resolver, allowed_networks=LOOPBACK_ONLY, respect_robots=False)
        fetcher._session.verify = str(certificates.ca_file)  # trust the test's own authority
        with recording() as seen:
            response = fetcher.get(f"https://news.example:{tls_server.port}/a")
            with pytest.raises(FetchError) as mismatch:
                fetcher.get(f"https://other.example:{tls_server.port}/a")
    assert response.body == b"over tls"
    assert sni == ["news.example", "other.example"]
    assert hosts == [f"news.example:{tls_server.port}"]
    assert mismatch.value.reason == "connection_error" and not mismatch.value.transient
    assert "other.example" in mismatch.value.detail
    assert set(seen.connects) == {("127.0.0.1", tls_server.port)} and seen.lookups == []


def test_a_name_that_does_not_resolve_is_a_dns_failure():
    with recording() as seen, pytest.raises(FetchError) as unresolved:
        client(StubResolver({})).get("http://nowhere.example/feed.xml")
    assert unresolved.value.reason == "dns_failure" and not unresolved.value.transient
    assert seen.connects == []


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
        ("[::1]", "::1"),
        ("news.example", None),
        ("1.example", None),
        ("0x7g", None),
    ],
)
def test_literal_addresses_are_read_as_the_system_reads_them(host, address):
    parsed = literal_address(host)
    assert (str(parsed) if parsed is not None else None) == address
