"""The tool registry's admin API: MCP servers listed, HTTP tools validated, credentials sealed
and never shown, assignments chosen from the tenant's own registry, every change audited."""

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from proxy.core.db.engine import Database
from proxy.core.runtime import Runtime
from proxy.features.tools.agent_tools import tools_for_agent
from tests.conftest import Tenant
from tests.fakes.http_tool_server import DEFAULT_KEY, HttpToolFake
from tests.fakes.mcp_server import DEFAULT_TOKEN, MCPFake
from tests.proxy.tools.conftest import Agent

pytestmark = pytest.mark.integration

HEADER_SECRET = "hdr-secret-value-5f1c"


async def audit(owner_db: Database, tenant_id: uuid.UUID) -> list[tuple[str, dict[str, Any]]]:
    async with owner_db.platform_transaction() as conn:
        rows = await conn.execute(
            text("select action, detail from audit_log where tenant_id = :t order by id"),
            {"t": tenant_id},
        )
        return [(row.action, row.detail) for row in rows]


async def stored_rows_text(owner_db: Database, table: str, tenant_id: uuid.UUID) -> str:
    """Every stored column of a tenant's rows, as text (past RLS, as a backup would see it)."""
    async with owner_db.platform_transaction() as conn:
        rows = await conn.execute(
            text(f"select t::text from {table} t where tenant_id = :t"), {"t": tenant_id}
        )
        return "\n".join(rows.scalars())


async def add_mcp_server(
    admin: httpx.AsyncClient, tenant: Tenant, fake: MCPFake, **extra: Any
) -> dict[str, Any]:
    body = {"name": f"orders-{uuid.uuid4().hex[:6]}", "url": fake.mcp_url, **extra}
    body.setdefault("bearer_token", DEFAULT_TOKEN)
    made = await admin.post(f"/admin/tenants/{tenant.id}/mcp-servers", json=body)
    assert made.status_code == 201, made.text
    result: dict[str, Any] = made.json()
    return result


def lookup_tool(fake: HttpToolFake, **extra: Any) -> dict[str, Any]:
    return {
        "name": "get_order",
        "description": "Fetch an order from the shop's API.",
        "parameters": {
            "type": "object",
            "properties": {
                "order_id": {"type": "string"},
                "verbose": {"type": "boolean"},
                "customer_pin": {"type": "string", "x-konstruct-secret": True},
            },
            "required": ["order_id"],
        },
        "method": "GET",
        "url": f"{fake.url}/orders/{{order_id}}",
        "headers": {"X-Api-Key": DEFAULT_KEY},
        **extra,
    }


async def test_an_mcp_server_is_listed_and_its_credentials_are_sealed_and_never_shown(
    admin: httpx.AsyncClient, owner_db: Database, tenant_a: Tenant, mcp_fake: MCPFake
) -> None:
    mcp_fake.configure(required_headers={"X-Shop-Secret": HEADER_SECRET})
    server = await add_mcp_server(
        admin, tenant_a, mcp_fake, headers={"X-Shop-Secret": HEADER_SECRET}
    )

    assert {tool["name"] for tool in server["tools"]} == {
        "lookup_order",
        "refund_order",
        "fail_order",
    }
    assert server["has_bearer_token"] is True
    assert server["secret_headers"] == ["X-Shop-Secret"]
    assert server["last_error"] == ""
    assert server["tools_listed_at"] is not None
    # The server got the credentials on every request Konstruct made...
    assert mcp_fake.requests
    for rec in mcp_fake.requests:
        assert rec.bearer == DEFAULT_TOKEN
        assert rec.header("x-shop-secret") == HEADER_SECRET
    assert "tools/list" in mcp_fake.rpc_methods()
    # ...and nothing that Konstruct answers or stores shows them.
    listed = await admin.get(f"/admin/tenants/{tenant_a.id}/mcp-servers")
    one = await admin.get(f"/admin/tenants/{tenant_a.id}/mcp-servers/{server['id']}")
    stored = await stored_rows_text(owner_db, "mcp_servers", tenant_a.id)
    for shown in (str(server), listed.text, one.text, stored):
        assert DEFAULT_TOKEN not in shown
        assert HEADER_SECRET not in shown
    assert "v1:" in stored  # sealed by the secret box
    assert ("mcp_server.create", {}) in await audit(owner_db, tenant_a.id)


async def test_a_server_that_refuses_the_token_is_kept_with_the_reason_until_fixed(
    admin: httpx.AsyncClient, owner_db: Database, tenant_a: Tenant, mcp_fake: MCPFake
) -> None:
    server = await add_mcp_server(admin, tenant_a, mcp_fake, bearer_token="wrong-token-1234")
    assert server["tools"] == []
    assert "401" in server["last_error"]
    assert "wrong-token-1234" not in server["last_error"]

    fixed = await admin.patch(
        f"/admin/tenants/{tenant_a.id}/mcp-servers/{server['id']}",
        json={"bearer_token": DEFAULT_TOKEN},
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["last_error"] == ""
    assert len(fixed.json()["tools"]) == 3
    assert mcp_fake.requests[-1].bearer == DEFAULT_TOKEN

    removed = await admin.patch(
        f"/admin/tenants/{tenant_a.id}/mcp-servers/{server['id']}", json={"bearer_token": None}
    )
    assert removed.json()["has_bearer_token"] is False
    assert "401" in removed.json()["last_error"]
    assert len(removed.json()["tools"]) == 3, "a failed listing keeps the last good one"
    actions = [action for action, _ in await audit(owner_db, tenant_a.id)]
    assert actions.count("mcp_server.update") == 2


async def test_http_tools_are_validated_sealed_and_audited(
    admin: httpx.AsyncClient, owner_db: Database, tenant_a: Tenant, http_tool_fake: HttpToolFake
) -> None:
    base = f"/admin/tenants/{tenant_a.id}/http-tools"
    bad = [
        lookup_tool(http_tool_fake, url=f"{http_tool_fake.url}/orders/{{missing}}"),
        lookup_tool(http_tool_fake, url="http://{order_id}.example.com/x"),
        lookup_tool(http_tool_fake, headers={"Host": "evil.example"}),
        lookup_tool(http_tool_fake, headers={"X-Api-Key": "a\r\nX-Evil: 1"}),
        lookup_tool(http_tool_fake, parameters={"type": "array"}),
        lookup_tool(http_tool_fake, name="has space"),
        lookup_tool(http_tool_fake, url="ftp://example.com/x"),
    ]
    for body in bad:
        refused = await admin.post(base, json=body)
        assert refused.status_code == 422, (body, refused.text)
    assert http_tool_fake.requests == []

    made = await admin.post(base, json=lookup_tool(http_tool_fake))
    assert made.status_code == 201, made.text
    tool = made.json()
    assert tool["secret_headers"] == ["X-Api-Key"]
    assert DEFAULT_KEY not in made.text
    assert (await admin.post(base, json=lookup_tool(http_tool_fake))).status_code == 409

    changed = await admin.patch(f"{base}/{tool['id']}", json={"description": "Orders."})
    assert changed.json()["description"] == "Orders."
    assert changed.json()["secret_headers"] == ["X-Api-Key"], "absent headers are kept"
    broken = await admin.patch(f"{base}/{tool['id']}", json={"url": f"{http_tool_fake.url}/{{x}}"})
    assert broken.status_code == 422

    stored = await stored_rows_text(owner_db, "http_tools", tenant_a.id)
    assert DEFAULT_KEY not in stored
    listed = await admin.get(base)
    assert [t["name"] for t in listed.json()["items"]] == ["get_order"]
    assert DEFAULT_KEY not in listed.text

    assert (await admin.delete(f"{base}/{tool['id']}")).status_code == 204
    assert (await admin.get(f"{base}/{tool['id']}")).status_code == 404
    actions = [action for action, _ in await audit(owner_db, tenant_a.id)]
    assert actions == ["http_tool.create", "http_tool.update", "http_tool.delete"]


async def test_assignments_are_chosen_from_the_tenants_own_registry(
    admin: httpx.AsyncClient,
    runtime: Runtime,
    owner_db: Database,
    tenant_a: Tenant,
    tenant_b: Tenant,
    agent_a: Agent,
    mcp_fake: MCPFake,
    http_tool_fake: HttpToolFake,
) -> None:
    server = await add_mcp_server(admin, tenant_a, mcp_fake)
    made = await admin.post(
        f"/admin/tenants/{tenant_a.id}/http-tools",
        json=lookup_tool(http_tool_fake, status_text="Checking the shop…"),
    )
    a_tool = made.json()
    b_tool = (
        await admin.post(
            f"/admin/tenants/{tenant_b.id}/http-tools", json=lookup_tool(http_tool_fake)
        )
    ).json()
    url = f"/admin/tenants/{tenant_a.id}/agents/{agent_a.id}/tools"

    def mcp(tool: str, policy: str, **extra: Any) -> dict[str, Any]:
        return {"mcp_server_id": server["id"], "mcp_tool_name": tool, "policy": policy, **extra}

    refusals = [
        [{"http_tool_id": b_tool["id"], "policy": "auto"}],  # another tenant's tool
        [{"http_tool_id": str(uuid.uuid4()), "policy": "auto"}],
        [mcp("no_such_tool", "auto")],
        [{"mcp_server_id": str(uuid.uuid4()), "mcp_tool_name": "lookup_order"}],
        [mcp("lookup_order", "auto"), mcp("lookup_order", "ask", name="again")],
        [mcp("lookup_order", "auto", name="get_order"), {"http_tool_id": a_tool["id"]}],
        [{"http_tool_id": a_tool["id"], "mcp_server_id": server["id"]}],
        [mcp("lookup_order", "sometimes")],
    ]
    for tools in refusals:
        refused = await admin.put(url, json={"tools": tools})
        assert refused.status_code == 422, (tools, refused.text)
    assert (await admin.get(url)).json()["items"] == []

    chosen = [
        mcp("lookup_order", "auto"),
        mcp("refund_order", "ask"),
        mcp("fail_order", "off"),
        {"http_tool_id": a_tool["id"], "policy": "ask", "name": "shop_order"},
    ]
    saved = await admin.put(url, json={"tools": chosen})
    assert saved.status_code == 200, saved.text
    assert {(t["name"], t["kind"], t["policy"]) for t in saved.json()["items"]} == {
        ("lookup_order", "mcp", "auto"),
        ("refund_order", "mcp", "ask"),
        ("fail_order", "mcp", "off"),
        ("shop_order", "http", "ask"),
    }
    assert saved.json() == (await admin.get(url)).json()

    tools = {tool.name: tool for tool in await tools_for_agent(runtime, tenant_a.id, agent_a.id)}
    assert set(tools) == {"lookup_order", "refund_order", "shop_order"}, "off is never given"
    assert tools["refund_order"].secret_arguments == frozenset({"card_pin"})
    assert tools["shop_order"].secret_arguments == frozenset({"customer_pin"})
    assert "x-konstruct-secret" not in str(tools["shop_order"].parameters)
    assert tools["shop_order"].parameters["required"] == ["order_id"]
    assert tools["shop_order"].status_text == "Checking the shop…"
    assert tools["lookup_order"].status_text == "Looking up order…"
    assert tools["lookup_order"].policy == "auto"
    assert DEFAULT_KEY not in str(tools)
    assert DEFAULT_TOKEN not in str(tools)

    # Another tenant sees none of it, whatever ids it is given.
    assert await tools_for_agent(runtime, tenant_b.id, agent_a.id) == []
    other = f"/admin/tenants/{tenant_b.id}"
    assert (await admin.get(f"{other}/mcp-servers/{server['id']}")).status_code == 404
    assert (await admin.get(f"{other}/agents/{agent_a.id}/tools")).status_code == 404
    assert [t["name"] for t in (await admin.get(f"{other}/tools")).json()["items"]] == ["get_order"]
    catalogue = (await admin.get(f"/admin/tenants/{tenant_a.id}/tools")).json()["items"]
    assert {(t["kind"], t["name"]) for t in catalogue} == {
        ("http", "get_order"),
        ("mcp", "lookup_order"),
        ("mcp", "refund_order"),
        ("mcp", "fail_order"),
    }

    changes = [d for a, d in await audit(owner_db, tenant_a.id) if a == "agent.tools.update"]
    assert changes == [
        {
            "added": ["fail_order", "lookup_order", "refund_order", "shop_order"],
            "removed": [],
            "policy_changed": [],
        }
    ]
    again = await admin.put(url, json={"tools": [mcp("lookup_order", "ask")]})
    assert again.status_code == 200
    changes = [d for a, d in await audit(owner_db, tenant_a.id) if a == "agent.tools.update"]
    assert changes[-1] == {
        "added": [],
        "removed": ["fail_order", "refund_order", "shop_order"],
        "policy_changed": ["lookup_order"],
    }

    # Removing a tool from the registry removes it from every agent.
    await admin.put(url, json={"tools": chosen})
    assert (
        await admin.delete(f"/admin/tenants/{tenant_a.id}/http-tools/{a_tool['id']}")
    ).status_code == 204
    names = {t["name"] for t in (await admin.get(url)).json()["items"]}
    assert names == {"lookup_order", "refund_order", "fail_order"}


async def test_an_mcp_tool_the_server_stops_listing_is_no_longer_given(
    admin: httpx.AsyncClient,
    runtime: Runtime,
    db: Database,
    tenant_a: Tenant,
    agent_a: Agent,
    mcp_fake: MCPFake,
) -> None:
    server = await add_mcp_server(admin, tenant_a, mcp_fake)
    url = f"/admin/tenants/{tenant_a.id}/agents/{agent_a.id}/tools"
    tools = [{"mcp_server_id": server["id"], "mcp_tool_name": "lookup_order", "policy": "auto"}]
    assert (await admin.put(url, json={"tools": tools})).status_code == 200
    async with db.tenant_transaction(tenant_a.id) as conn:
        await conn.execute(
            text("update mcp_servers set tools = '[]'::jsonb where id = :id"), {"id": server["id"]}
        )
    assert await tools_for_agent(runtime, tenant_a.id, agent_a.id) == []
    listed = (await admin.get(url)).json()["items"]
    assert [(t["name"], t["available"]) for t in listed] == [("lookup_order", False)]
    refreshed = await admin.post(f"/admin/tenants/{tenant_a.id}/mcp-servers/{server['id']}/refresh")
    assert len(refreshed.json()["tools"]) == 3
    assert [t.name for t in await tools_for_agent(runtime, tenant_a.id, agent_a.id)] == [
        "lookup_order"
    ]


async def test_the_portal_can_try_a_server_and_a_tool(
    admin: httpx.AsyncClient,
    owner_db: Database,
    tenant_a: Tenant,
    mcp_fake: MCPFake,
    http_tool_fake: HttpToolFake,
) -> None:
    server = await add_mcp_server(admin, tenant_a, mcp_fake)
    base = f"/admin/tenants/{tenant_a.id}/mcp-servers/{server['id']}/test"
    listed = (await admin.post(base, json={})).json()
    assert listed["ok"] is True
    assert listed["text"].startswith("3 tool(s):")
    called = (
        await admin.post(base, json={"tool": "lookup_order", "arguments": {"order_id": "Z-9"}})
    ).json()
    assert called["ok"] is True
    assert "Order Z-9: shipped" in called["text"]
    assert called["duration_ms"] > 0
    assert ("lookup_order", {"order_id": "Z-9"}) in mcp_fake.tool_calls
    failed = await admin.post(base, json={"tool": "fail_order", "arguments": {"order_id": "1"}})
    assert failed.json()["ok"] is False

    tool = (
        await admin.post(
            f"/admin/tenants/{tenant_a.id}/http-tools", json=lookup_tool(http_tool_fake)
        )
    ).json()
    tried = await admin.post(
        f"/admin/tenants/{tenant_a.id}/http-tools/{tool['id']}/test",
        json={"arguments": {"order_id": "B-2"}},
    )
    assert tried.json()["ok"] is True
    assert '"status": "shipped"' in tried.json()["text"]
    assert http_tool_fake.requests[-1].header("x-api-key") == DEFAULT_KEY
    actions = [action for action, _ in await audit(owner_db, tenant_a.id)]
    assert actions.count("mcp_server.test") == 3
    assert "http_tool.test" in actions
