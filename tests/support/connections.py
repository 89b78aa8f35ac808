"""Every socket connect and name lookup the test process makes, seen by an audit hook; and
stub resolvers that map names to addresses without asking any DNS server.

An audit hook sees what the interpreter really does (nothing stands in for the socket), and
cannot be removed, so one hook is installed for the session and reports to whichever
recorder is open. An open recorder also stops, before it happens, any connect to an address
other than loopback and any lookup of a name by the system: a test of the address guard can
never reach past this machine, even against a guard that is broken.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_INET = (socket.AF_INET, socket.AF_INET6)


class Blocked(PermissionError):
    """Raised by the hook, in place of a connect or a lookup no test may make."""


@dataclass
class Recorder:
    """What the process did while the recorder was open."""

    connects: list[tuple[str, int]] = field(default_factory=list)  # (address, port), inet only
    lookups: list[str] = field(default_factory=list)  # hosts given to socket.getaddrinfo
    blocked: list[str] = field(default_factory=list)  # what the hook stopped

    def beyond_loopback(self) -> list[tuple[str, int]]:
        return [(host, port) for host, port in self.connects if not _is_loopback(host)]


_lock = threading.Lock()
_open: list[Recorder] = []
_installed = False


def _literal(host: object) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return None
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _is_loopback(host: str) -> bool:
    ip = _literal(host)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip is not None and ip.is_loopback


def _hook(event: str, args: tuple) -> None:
    if event not in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
        return
    with _lock:
        recorders = list(_open)
    if not recorders:
        return
    if event == "socket.connect":
        sock, address = args
        if getattr(sock, "family", None) not in _INET:
            return
        host, port = address[0], address[1]
        for recorder in recorders:
            recorder.connects.append((host, port))
        if not _is_loopback(host):
            for recorder in recorders:
                recorder.blocked.append(f"connect {host}:{port}")
            raise Blocked(f"a test may connect to loopback only, not {host}:{port}")
    else:
        host = args[0]
        if event == "socket.getaddrinfo":
            for recorder in recorders:
                recorder.lookups.append(str(host))
        if host is not None and _literal(host) is None:
            for recorder in recorders:
                recorder.blocked.append(f"lookup {host}")
            raise Blocked(f"a test may not ask the system to resolve {host!r}")


def _install() -> None:
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


@contextmanager
def recording() -> Iterator[Recorder]:
    """Records the connects and lookups made while open, and blocks any that would leave
    this machine or ask a DNS server."""
    _install()
    recorder = Recorder()
    with _lock:
        _open.append(recorder)
    try:
        yield recorder
    finally:
        with _lock:
            _open.remove(recorder)


class StubResolver:
    """Names -> addresses, from a table: what a hostile DNS server would answer.

    Picklable (a plain class at module level), so an `HttpPolicy` holding one can be carried
    to Beam workers. A name not in the table does not resolve.
    """

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = {name.lower(): list(addresses) for name, addresses in table.items()}
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        try:
            return list(self.table[host.lower()])
        except KeyError:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the stub's table") from None


class RebindingResolver(StubResolver):
    """Answers `first` the first time a name is asked, and `then` every time after: DNS
    rebinding, where a check and a connect that each resolve see different addresses."""

    def __init__(self, first: dict[str, list[str]], then: dict[str, list[str]]) -> None:
        super().__init__(first)
        self.then = {name.lower(): list(addresses) for name, addresses in then.items()}

    def __call__(self, host: str, port: int) -> list[str]:
        answer = super().__call__(host, port)
        if self.calls.count(host) == 1:
            return answer
        return list(self.then[host.lower()])
