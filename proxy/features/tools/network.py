"""The only way a tenant's tools reach the network: every connection goes to a checked address.

The rule (policies/outbound.py) is applied three times: to the URL when it is registered, to
the URL again before each call, and to the address of every TCP connection the HTTP client
opens. The last is what makes it hold: the client's own name resolution is replaced by ours,
so the address checked is the address connected to (a DNS answer that changes between the
check and the connection cannot send a request inside), and a redirect, being a new
connection, is checked too. Neither the MCP SDK's client nor ours follows a redirect to
another origin, so a tool's credentials never go anywhere but its own host.

Environment proxies are ignored (trust_env off): a proxy's address would be checked instead
of the tool's, and the platform's proxy settings are not the tenant's to use.
"""

import asyncio
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

import httpcore2
import httpx2

from policies.outbound import address_problem, split_url, url_problem

# httpx2 logs every request's full URL at INFO; a tool's URL carries the model's arguments.
logging.getLogger("httpx2").setLevel(logging.WARNING)
logging.getLogger("httpcore2").setLevel(logging.WARNING)


class ToolFailure(Exception):
    """A tool call that did not succeed; the message is short plain text the model may read."""


class OutboundRefused(ToolFailure):
    """A tool's URL or an address it resolved to is not one Konstruct calls."""


REDACTED = "[redacted]"


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with every credential value in it replaced (a server may echo one back)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def clip(text: str, max_chars: int) -> str:
    """At most `max_chars` characters, saying so when some were cut."""
    if len(text) <= max_chars:
        return text
    marker = f"\n[result cut at {max_chars} characters]"
    if max_chars <= len(marker):
        return text[:max_chars]
    return text[: max_chars - len(marker)] + marker


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal address: itself)."""
    try:
        return [str(ip_address(host.strip("[]")))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused(f"the host {host} does not resolve") from exc
    addresses: list[str] = []
    for family, *_, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            text = str(sockaddr[0]).split("%", 1)[0]  # an IPv6 zone is not part of the address
            if text not in addresses:
                addresses.append(text)
    if not addresses:
        raise OutboundRefused(f"the host {host} does not resolve")
    return addresses


async def checked_addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses of `host`, all allowed; refused when any of them is not (a name that
    answers both a public and an internal address is refused, whichever would be used)."""
    addresses = await resolve(host, port)
    for address in addresses:
        problem = address_problem(address, allow_private=allow_private)
        if problem is not None:
            raise OutboundRefused(f"the host {host} resolves to {problem}")
    return addresses


async def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose shape, host name or any resolved address is not allowed."""
    problem = url_problem(url, allow_private=allow_private)
    if problem is not None:
        raise OutboundRefused(problem)
    parts = split_url(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    await checked_addresses(parts.hostname or "", port, allow_private=allow_private)


@dataclass
class GuardedBackend(httpcore2.AsyncNetworkBackend):
    """Resolves and checks each connection's host itself, then connects to a checked address."""

    allow_private: bool
    refusals: list[str] = field(default_factory=list)
    inner: httpcore2.AsyncNetworkBackend = field(default_factory=httpcore2.AnyIOBackend)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        try:
            addresses = await checked_addresses(host, port, allow_private=self.allow_private)
        except OutboundRefused as exc:
            self.refusals.append(str(exc))
            raise
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,  # noqa: ARG002 (httpcore2's signature)
        timeout: float | None = None,  # noqa: ARG002
        socket_options: Iterable[Any] | None = None,  # noqa: ARG002
    ) -> httpcore2.AsyncNetworkStream:
        raise OutboundRefused("tools do not connect to local sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx2.AsyncHTTPTransport):
    """httpx2's transport with its connection pool on a GuardedBackend."""

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(trust_env=False, retries=0)
        # httpx2 takes no network backend of its own: the pool it built is replaced by one that
        # has ours, with httpx2's default TLS (system trust store, verified host names).
        self._pool = httpcore2.AsyncConnectionPool(
            ssl_context=httpx2.create_ssl_context(trust_env=False),
            network_backend=backend,
            retries=0,
        )


def guarded_client(
    *,
    allow_private: bool,
    timeout_seconds: float,
    headers: dict[str, str] | None = None,
) -> tuple[httpx2.AsyncClient, GuardedBackend]:
    """An HTTP client for one tool call (redirects not followed), and its backend's refusals."""
    backend = GuardedBackend(allow_private=allow_private)
    client = httpx2.AsyncClient(
        transport=GuardedTransport(backend),
        headers=headers,
        timeout=httpx2.Timeout(timeout_seconds),
        follow_redirects=False,
        trust_env=False,
    )
    return client, backend
