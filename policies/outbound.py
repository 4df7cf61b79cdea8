"""Where a tenant's tools may send requests: public addresses only, over HTTP(S).

A tool URL is the operator's text, and the proxy calls it from inside the platform's network,
so a URL naming (or resolving to) the proxy itself, the database, another internal service or
the cloud's metadata endpoint would turn a tool into a way in. These rules classify a URL and
each address its host resolves to; the proxy applies them at registration, before each call and
on every connection it opens (redirects included, since each one is a new connection).

`allow_private` (a platform setting, for local development and tests) admits loopback and
private networks; cloud metadata addresses are refused even then, since no tool lives there.
"""

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import SplitResult, urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2000

# Instance metadata services: AWS, GCP, Azure, OpenStack, DigitalOcean (169.254.169.254), AWS
# over IPv6 (fd00:ec2::254), Alibaba (100.100.100.200), Oracle (192.0.0.192).
METADATA_ADDRESSES = frozenset(
    {
        ip_address("169.254.169.254"),
        ip_address("169.254.170.2"),  # AWS ECS task metadata
        ip_address("fd00:ec2::254"),
        ip_address("100.100.100.200"),
        ip_address("192.0.0.192"),
    }
)
METADATA_HOST_NAMES = frozenset(
    {"metadata", "metadata.google.internal", "metadata.goog", "instance-data"}
)

# IPv6 forms that carry an IPv4 address a packet may end up at (classified as that address).
_NAT64 = IPv6Network("64:ff9b::/96")
# Shared address space (carrier-grade NAT): not global, though Python does not call it private.
_SHARED = IPv4Network("100.64.0.0/10")

IPAddress = IPv4Address | IPv6Address


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = int(address)
    if address in _NAT64:
        return IPv4Address(packed & 0xFFFFFFFF)
    # ::a.b.c.d (deprecated IPv4-compatible); :: and ::1 are themselves, not IPv4.
    if packed >> 32 == 0 and packed > 1:
        return IPv4Address(packed)
    return None


def address_problem(address: IPAddress | str, *, allow_private: bool = False) -> str | None:
    """Why a request must not go to this address, or None when it may."""
    ip = ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            return address_problem(inner, allow_private=allow_private)
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if allow_private:
        return None
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if isinstance(ip, IPv4Address) and ip in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global or ip.is_reserved:
        return "a reserved address"
    return None


def _host_name_problem(host: str, *, allow_private: bool) -> str | None:
    name = host.rstrip(".").lower()
    if name in METADATA_HOST_NAMES:
        return "a cloud metadata host"
    if allow_private:
        return None
    if name == "localhost" or name.endswith((".localhost", ".internal", ".local")):
        return "an internal host name"
    return None


def split_url(url: str) -> SplitResult:
    """The parts of a tool URL; ValueError (with a reason to show) when it is not one."""
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        raise ValueError("the URL contains whitespace or control characters")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise ValueError("the URL must start with http:// or https://")
    if parts.username is not None or parts.password is not None:
        # The URL is stored and shown in clear: credentials belong in a secret header.
        raise ValueError("the URL must not contain credentials; use a secret header")
    if not parts.hostname:
        raise ValueError("the URL names no host")
    try:
        _ = parts.port
    except ValueError as exc:
        raise ValueError("the URL's port is not a number between 0 and 65535") from exc
    return parts


def url_problem(url: str, *, allow_private: bool = False) -> str | None:
    """What is wrong with a URL before any name is resolved (shape, literal address, host name)."""
    try:
        parts = split_url(url)
    except ValueError as exc:
        return str(exc)
    host = parts.hostname or ""
    try:
        literal = ip_address(host)
    except ValueError:
        problem = _host_name_problem(host, allow_private=allow_private)
    else:
        problem = address_problem(literal, allow_private=allow_private)
    return f"the URL's host is {problem}" if problem else None
