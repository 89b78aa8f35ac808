"""Which addresses a fetch may connect to, found by one lookup and checked before any use.

A host is resolved once per connection: an address literal is read here, as the system
would read it (`2130706433`, `0x7f.1` and `0177.0.0.1` are all 127.0.0.1), and a name goes
to the resolver. Every address of the answer is checked, and one refused address refuses
the host, before anything is connected to: a port's being open or closed cannot show
through, and the connection can only go to an address that was checked, so a DNS server
that answers differently the next time (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from urllib3.util.connection import allowed_gai_family

__all__ = [
    "AddressGuard",
    "IPAddress",
    "RefusedAddress",
    "Resolver",
    "is_public_address",
    "literal_address",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Iterable[str]]
"""(host name, port) -> the addresses it stands for; raises `socket.gaierror` when none."""

# Not public, though Python's `is_global` (3.11) says they are. Multicast, reserved and
# site-local addresses are refused by their own properties.
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "192.0.0.0/24",  # IETF protocol assignments
        "3fff::/20",  # documentation (RFC 9637)
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # the IPv4 address is the last 32 bits


class RefusedAddress(OSError):
    """A host that stands for an address the policy refuses."""


def system_resolver(host: str, port: int) -> list[str]:
    """The system's answer for `host`: every address, in the order it gives them."""
    answers = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    return list(dict.fromkeys(sockaddr[0] for *_rest, sockaddr in answers))


def literal_address(host: str) -> IPAddress | None:
    """The address `host` spells, or None for a name.

    Besides the standard forms this reads the ones `inet_aton` reads, which the system's
    resolver accepts too: decimal (2130706433), octal (0177.0.0.1), hexadecimal
    (0x7f000001) and short (127.1) IPv4 addresses.
    """
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host.isascii() or not all(part.isalnum() for part in host.split(".")):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def is_public_address(address: str | IPAddress) -> bool:
    """False for loopback, private, link-local, shared, multicast, reserved and
    unspecified addresses, and for IPv6 addresses that carry such an IPv4 address (mapped,
    NAT64, 6to4)."""
    ip = _embedded_ipv4(_parse(address))
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    return (
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not any(ip in network for network in _NOT_PUBLIC)
    )


def _parse(address: str | IPAddress) -> IPAddress:
    if isinstance(address, str):
        return ipaddress.ip_address(address.strip("[]"))
    return address


def _embedded_ipv4(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address leads to, where it leads to one; else `ip`."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    return ip


@dataclass(frozen=True)
class AddressGuard:
    """The addresses a connection to a host may use: resolved once, all of them checked."""

    allow_private: bool = False
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    resolver: Resolver = system_resolver

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Every address `host` stands for, in the resolver's order, once all are allowed.

        Raises `RefusedAddress` when any one is refused and `socket.gaierror` when there is
        none. The caller connects to these and to nothing else.
        """
        literal = literal_address(host)
        if literal is not None:
            found = [literal]
        else:
            try:
                found = [_parse(str(answer)) for answer in self.resolver(host, port)]
            except ValueError as error:
                raise socket.gaierror(socket.EAI_FAIL, f"{host}: {error}") from None
            if not found:
                raise socket.gaierror(socket.EAI_NONAME, f"{host} has no address")
        for ip in found:
            if not self.allows(ip):
                leads_to = _embedded_ipv4(ip)
                shown = f"{ip} ({leads_to})" if leads_to != ip else str(ip)
                raise RefusedAddress(f"{host} stands for {shown}, not a public address")
        return found

    def allows(self, address: str | IPAddress) -> bool:
        if self.allow_private:
            return True
        ip = _parse(address)
        if is_public_address(ip):
            return True
        ip = _embedded_ipv4(ip)
        plain = ip.__class__(int(ip))  # no scope: a network holds the address, not the link
        return any(plain in network for network in self.allowed_networks)
