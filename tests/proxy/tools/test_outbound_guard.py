"""Tools cannot reach inside the platform: an internal URL is refused at registration, again at
call time, and on the connection itself, whatever spelling or name points inside. Each test
asserts the fake tool server received nothing."""

import socket
from urllib.parse import urlsplit

import httpx
import pytest

from proxy.core.runtime import Runtime
from proxy.features.tools.agent_tools import call_tool
from proxy.features.tools.network import OutboundRefused, guarded_client
from tests.conftest import Tenant
from tests.fakes.http_tool_server import DEFAULT_KEY, HttpToolFake
from tests.fakes.mcp_server import DEFAULT_TOKEN, MCPFake
from tests.proxy.tools.conftest import Agent
from tests.proxy.tools.helpers import register_http, register_mcp

pytestmark = pytest.mark.integration

LIMITS = {"timeout_seconds": 5.0, "max_result_chars": 2000}


def loopback_name() -> str:
    """A host name that resolves to loopback without saying so (this machine's own name)."""
    name = socket.gethostname()
    addresses = {info[4][0] for info in socket.getaddrinfo(name, None)}
    assert addresses, "this machine's name must resolve"
    assert all(a.startswith("127.") or a == "::1" for a in addresses), addresses
    return name


def spellings(url: str) -> list[str]:
    """The same loopback server, written so that only a resolving check can tell."""
    port = urlsplit(url).port
    path = urlsplit(url).path or "/"
    return [
        url,
        f"http://{loopback_name()}:{port}{path}",
        f"http://2130706433:{port}{path}",  # 127.0.0.1 as one decimal number
        f"http://0x7f.1:{port}{path}",
        f"http://[::ffff:127.0.0.1]:{port}{path}",
        f"http://localhost:{port}{path}",
    ]


async def test_registration_refuses_internal_mcp_urls(
    strict_admin: httpx.AsyncClient, tenant_a: Tenant, mcp_fake: MCPFake
) -> None:
    for url in spellings(mcp_fake.mcp_url):
        refused = await strict_admin.post(
            f"/admin/tenants/{tenant_a.id}/mcp-servers",
            json={"name": "inside", "url": url, "bearer_token": DEFAULT_TOKEN},
        )
        assert refused.status_code == 422, (url, refused.text)
        assert "url:" in refused.json()["error"]["message"]
    assert mcp_fake.requests == []


async def test_registration_refuses_internal_http_tool_urls(
    strict_admin: httpx.AsyncClient, tenant_a: Tenant, http_tool_fake: HttpToolFake
) -> None:
    for url in spellings(f"{http_tool_fake.url}/orders/{{order_id}}"):
        refused = await strict_admin.post(
            f"/admin/tenants/{tenant_a.id}/http-tools",
            json={
                "name": "inside",
                "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}},
                "url": url,
                "headers": {"X-Api-Key": DEFAULT_KEY},
            },
        )
        assert refused.status_code == 422, (url, refused.text)
    assert http_tool_fake.requests == []


async def test_metadata_is_refused_even_where_private_targets_are_allowed(
    admin: httpx.AsyncClient, tenant_a: Tenant
) -> None:
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
    ):
        refused = await admin.post(
            f"/admin/tenants/{tenant_a.id}/http-tools", json={"name": "meta", "url": url}
        )
        assert refused.status_code == 422, (url, refused.text)
        assert "metadata" in refused.json()["error"]["message"]


async def test_a_tool_registered_earlier_is_refused_at_call_time(
    runtime: Runtime,
    strict_runtime: Runtime,
    agent_a: Agent,
    mcp_fake: MCPFake,
    http_tool_fake: HttpToolFake,
) -> None:
    """Registered while the platform allowed private targets; the setting is now off (or the
    name now resolves inside): the call is refused before any byte is sent."""
    mcp_tools = await register_mcp(runtime, agent_a, mcp_fake)
    http_tool = await register_http(runtime, agent_a, http_tool_fake)
    mcp_fake.clear()

    by_mcp = await call_tool(
        strict_runtime, agent_a.tenant_id, mcp_tools["lookup_order"], {"order_id": "1"}, **LIMITS
    )
    by_http = await call_tool(
        strict_runtime, agent_a.tenant_id, http_tool, {"order_id": "1"}, **LIMITS
    )

    for result in (by_mcp, by_http):
        assert not result.ok
        assert "loopback" in result.text
    assert mcp_fake.requests == []
    assert http_tool_fake.requests == []


@pytest.mark.parametrize("which", range(6))
async def test_every_connection_is_checked_not_only_the_url(
    http_tool_fake: HttpToolFake, which: int
) -> None:
    """The client resolves each connection's host itself: a URL that no text check caught
    (or a redirect, or a changed DNS answer) still cannot connect inside."""
    url = spellings(f"{http_tool_fake.url}/public")[which]
    client, backend = guarded_client(allow_private=False, timeout_seconds=5)
    async with client:
        with pytest.raises(OutboundRefused, match="loopback"):
            await client.get(url)
    assert backend.refusals
    assert http_tool_fake.requests == []

    allowed, _ = guarded_client(allow_private=True, timeout_seconds=5)
    async with allowed:
        assert (await allowed.get(url)).text == "ok", "the same URL works where it is allowed"
    assert len(http_tool_fake.requests) == 1
