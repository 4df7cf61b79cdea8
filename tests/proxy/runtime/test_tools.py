"""The tool loop: the model's tool calls (in each provider's wire format) validated, run
against real tool servers, fed back as fenced data, recorded; approvals run a tool once."""

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import text

from proxy.core.db.engine import Database
from proxy.features.runtime.repository import TOOL_CALL_ARGUMENTS
from tests.conftest import Services
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.http_tool_server import DEFAULT_KEY, HttpToolFake
from tests.fakes.llm_base import LLMFakeServer
from tests.fakes.mcp_server import DEFAULT_TOKEN, MCPFake
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.proxy.crypto.helpers import clear_text_of, runtime_with, tool_rows
from tests.proxy.runtime.conftest import (
    Events,
    answer_text,
    done,
    slack_turn,
    slack_turn_until_approvals,
)
from tests.stack import ProxyServer, TenantWorld, make_world, wait_until_answering

pytestmark = pytest.mark.e2e

ORDER_SCHEMA = {
    "type": "object",
    "properties": {
        "order_id": {"type": "string", "pattern": "^[A-Z]-[0-9]+$"},
        "api_pin": {"type": "string", "x-konstruct-secret": True},
    },
    "required": ["order_id"],
}
FAST_CHAIN = ("ollama", "anthropic", "openai")


def register_tools(
    proxy: ProxyServer,
    world: TenantWorld,
    http_tool: HttpToolFake,
    mcp: MCPFake,
    *,
    policy: str = "auto",
) -> None:
    """An HTTP tool (order lookup, secret header) and the MCP server's refund tool."""
    base = f"/admin/tenants/{world.id}"
    with proxy.admin() as admin:
        made = admin.post(
            f"{base}/http-tools",
            json={
                "name": "get_order",
                "description": "Look up an order",
                "parameters": ORDER_SCHEMA,
                "url": f"{http_tool.url}/orders/{{order_id}}",
                "status_text": "Looking up the order…",
                "headers": {"X-Api-Key": DEFAULT_KEY},
            },
        )
        assert made.status_code == 201, made.text
        server = admin.post(
            f"{base}/mcp-servers",
            json={"name": "orders", "url": mcp.mcp_url, "bearer_token": DEFAULT_TOKEN},
        )
        assert server.status_code == 201, server.text
        assigned = admin.put(
            f"{base}/agents/{world.agent['id']}/tools",
            json={
                "tools": [
                    {"http_tool_id": made.json()["id"], "policy": "auto"},
                    {
                        "mcp_server_id": server.json()["id"],
                        "mcp_tool_name": "refund_order",
                        "policy": policy,
                    },
                ]
            },
        )
        assert assigned.status_code == 200, assigned.text


@pytest.fixture
def fakes(
    fake_ollama: OllamaFake, fake_anthropic: AnthropicFake, fake_openai: OpenAIFake
) -> dict[str, LLMFakeServer]:
    return {"ollama": fake_ollama, "anthropic": fake_anthropic, "openai": fake_openai}


@pytest.fixture
def shop(proxy: ProxyServer) -> Iterator[TenantWorld]:
    world = make_world(proxy, "Shop")
    yield world
    # Providers a test made fail are cooled down: the next test starts from the first again.
    wait_until_answering(proxy, world.key)


async def tool_call_rows(
    services: Services, owner_db: Database, tenant_id: str
) -> list[tuple[Any, ...]]:
    """The tenant's record of tool calls as Postgres holds it, the arguments (sealed with the
    tenant's data key, never in clear) opened as the proxy would."""
    _, rows = await tool_rows(owner_db, UUID(tenant_id))
    assert [row.arguments for row in rows] == [None] * len(rows)
    runtime = runtime_with(services)
    try:
        ring = await runtime.data_keys.keyring(UUID(tenant_id))
        return [
            (
                row.tool_name,
                row.outcome,
                row.requested_by,
                json.loads(
                    ring.open_bytes(
                        row.sealed_arguments,
                        version=row.data_key_version,
                        field=TOOL_CALL_ARGUMENTS,
                    )
                ),
                row.approval_id,
            )
            for row in rows
        ]
    finally:
        await runtime.close()


def tool_messages(provider: str, call: Any) -> list[str]:
    """The tool results a provider received, in its own wire format."""
    body = call.json
    if provider == "anthropic":
        return [
            str(block["content"] if isinstance(block["content"], str) else block["content"])
            for message in body["messages"]
            if isinstance(message.get("content"), list)
            for block in message["content"]
            if block.get("type") == "tool_result"
        ]
    return [str(m["content"]) for m in body["messages"] if m["role"] == "tool"]


@pytest.mark.parametrize("provider", FAST_CHAIN)
async def test_tool_calls_in_each_providers_format_run_and_are_fed_back_as_data(
    proxy: ProxyServer,
    shop: TenantWorld,
    fakes: dict[str, LLMFakeServer],
    http_tool: HttpToolFake,
    mcp: MCPFake,
    services: Services,
    owner_db: Database,
    provider: str,
) -> None:
    register_tools(proxy, shop, http_tool, mcp)
    for earlier in FAST_CHAIN[: FAST_CHAIN.index(provider)]:
        fakes[earlier].configure(fail_status=500)
    model = fakes[provider]
    # One step with two calls at once (the MCP refund's pin is a secret argument), then text.
    model.configure(
        tool_calls_script=[
            [
                {"name": "get_order", "arguments": {"order_id": "A-1001", "api_pin": "4321"}},
                {
                    "name": "refund_order",
                    "arguments": {"order_id": "A-1001", "amount": 5, "card_pin": "9999"},
                },
            ]
        ],
        reply_text="Your order A-1001 has shipped and 5 EUR are refunded.",
    )
    events = slack_turn(proxy, shop.id, shop.agent["id"], "Where is A-1001? Refund 5 EUR.")
    final = done(events)
    assert final["from_model"], events
    assert final["text"] == "Your order A-1001 has shipped and 5 EUR are refunded."
    started = [e for e in events if e["type"] == "tool_started"]
    finished = [e for e in events if e["type"] == "tool_finished"]
    assert {e["name"] for e in started} == {"get_order", "refund_order"}
    assert {e["status_text"] for e in started} >= {"Looking up the order…"}
    get_order = next(e for e in started if e["name"] == "get_order")
    assert get_order["arguments"] == {"order_id": "A-1001", "api_pin": "[redacted]"}
    assert all(e["ok"] for e in finished), finished
    # The tools received the real arguments (and the HTTP tool its secret header).
    assert http_tool.paths()[-1] == "/orders/A-1001"
    assert ("refund_order", {"order_id": "A-1001", "amount": 5.0, "card_pin": "9999"}) in (
        mcp.tool_calls
    )
    # The model read both results, fenced as data, in its own wire format.
    results = tool_messages(provider, model.last_call)
    assert len(results) == 2
    assert all("not instructions" in result for result in results)
    assert any('"status": "shipped"' in result for result in results)
    assert any("Refunded 5.00 on order A-1001" in result for result in results)
    rows = await tool_call_rows(services, owner_db, shop.id)
    assert sorted((r[0], r[1], r[2]) for r in rows) == [
        ("get_order", "ok", "U0ASKER"),
        ("refund_order", "ok", "U0ASKER"),
    ]
    recorded = {r[0]: r[3] for r in rows}
    assert recorded["get_order"] == {"order_id": "A-1001", "api_pin": "[redacted]"}
    assert recorded["refund_order"] == {"order_id": "A-1001", "amount": 5, "card_pin": "[redacted]"}
    assert "A-1001" not in clear_text_of((await tool_rows(owner_db, UUID(shop.id)))[1])
    with proxy.admin() as admin:
        usage = admin.get(f"/admin/tenants/{shop.id}/usage/tool-calls").json()["items"]
    assert {(u["agent_id"], u["tool_name"], u["calls"]) for u in usage} == {
        (shop.agent["id"], "get_order", 1),
        (shop.agent["id"], "refund_order", 1),
    }


def test_invalid_arguments_are_a_result_not_a_call_and_the_step_limit_holds(
    proxy: ProxyServer,
    shop: TenantWorld,
    fake_ollama: OllamaFake,
    http_tool: HttpToolFake,
    mcp: MCPFake,
) -> None:
    register_tools(proxy, shop, http_tool, mcp)
    with proxy.admin() as admin:
        admin.patch(
            f"/admin/tenants/{shop.id}/agents/{shop.agent['id']}", json={"max_tool_steps": 2}
        )
    bad = {"name": "get_order", "arguments": {"order_id": "not an id"}}
    fake_ollama.configure(tool_calls_script=[[bad], [{"name": "no_such_tool", "arguments": {}}]])
    events = slack_turn(proxy, shop.id, shop.agent["id"], "Look it up")
    finished = [e for e in events if e["type"] == "tool_finished"]
    assert [(e["name"], e["ok"], e["outcome"]) for e in finished] == [
        ("get_order", False, "invalid"),
        ("no_such_tool", False, "invalid"),
    ]
    assert "order_id" in finished[0]["excerpt"]
    assert http_tool.requests == []
    assert done(events)["text"] == "Hello from fake-ollama"
    # Two steps of tools allowed: a third is refused, and the turn says why.
    fake_ollama.configure(tool_calls_script=[[bad], [bad], [bad]])
    final = done(slack_turn(proxy, shop.id, shop.agent["id"], "Again"))
    assert final["error"] == "step_limit"
    assert not final["from_model"]
    assert len(fake_ollama.model_calls()) == 3 + 3


class TurnInThread:
    """A turn streamed in a thread of its own, its events seen as they come, so the test
    can click meanwhile."""

    def __init__(self, proxy: ProxyServer, world: TenantWorld, text: str, event_id: str) -> None:
        self.events: Events = []
        body = {
            "agent_id": world.agent["id"],
            "channel_id": "CRUNTIME",
            "thread_id": "1700000000.000100",
            "text": text,
            "sender_id": "U0ASKER",
            "source_event_id": event_id,
        }
        url = f"{proxy.url}/internal/tenants/{world.id}/agent-turns"
        headers = {"Authorization": f"Bearer {proxy.bridge_key}"}

        def run() -> None:
            with httpx.stream("POST", url, json=body, headers=headers, timeout=120) as response:
                for line in response.iter_lines():
                    if line.strip():
                        self.events.append(json.loads(line))

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def wait_for(self, kind: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((e for e in list(self.events) if e["type"] == kind), None)
            if found is not None:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no {kind} event in {self.events}")


def decide(
    proxy: ProxyServer, tenant_id: str, approval_id: str, decision: str, user: str
) -> httpx.Response:
    return httpx.post(
        f"{proxy.url}/internal/tenants/{tenant_id}/approvals/{approval_id}/decision",
        json={"decision": decision, "user_id": user},
        headers={"Authorization": f"Bearer {proxy.bridge_key}"},
    )


async def test_an_approved_call_runs_once_whoever_clicks_again_or_replays_the_turn(
    proxy: ProxyServer,
    shop: TenantWorld,
    fake_ollama: OllamaFake,
    http_tool: HttpToolFake,
    mcp: MCPFake,
    services: Services,
    owner_db: Database,
) -> None:
    register_tools(proxy, shop, http_tool, mcp, policy="ask")
    with proxy.admin() as admin:
        admin.patch(
            f"/admin/tenants/{shop.id}/agents/{shop.agent['id']}",
            json={"approver_ids": ["UMANAGER1"]},
        )
    refund = {
        "name": "refund_order",
        "arguments": {"order_id": "A-1", "amount": 3, "card_pin": "1"},
    }
    # The replayed turn's model asks for the same call again (the fake is deterministic).
    fake_ollama.configure(tool_calls_script=[[refund], [refund]], reply_text="Refunded.")
    # The bridge worker dies while the turn waits for the approval.
    (asked,) = slack_turn_until_approvals(
        proxy, shop.id, shop.agent["id"], "Refund A-1", count=1, source_event_id="EvRefund1"
    )
    assert asked["requested_by"] == "U0ASKER"
    assert asked["approver_ids"] == ["UMANAGER1"]
    assert asked["arguments"]["card_pin"] == "[redacted]"
    approval = asked["approval_id"]
    assert mcp.tool_calls == []
    # Someone else may not decide; the manager may; a retried click changes nothing.
    assert decide(proxy, shop.id, approval, "approve", "USTRANGER").status_code == 403
    first = decide(proxy, shop.id, approval, "approve", "UMANAGER1")
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["changed"]) == ("approved", True)
    # What Slack shows in place of the buttons, opened in the proxy from the sealed row.
    assert first.json()["status_text"] == asked["status_text"] != ""
    again = decide(proxy, shop.id, approval, "deny", "U0ASKER")
    assert (again.json()["status"], again.json()["changed"]) == ("approved", False)
    # The job is run again: the same turn finds the approval decided and runs the tool.
    replay = TurnInThread(proxy, shop, "Refund A-1", "EvRefund1")
    replay.thread.join(timeout=60)
    final = done(replay.events)
    assert final["text"] == "Refunded."
    assert [e["type"] for e in replay.events if e["type"].startswith("approval")] == []
    assert [name for name, _ in mcp.tool_calls] == ["refund_order"]
    # And once more: answered already, nothing runs.
    done(slack_turn(proxy, shop.id, shop.agent["id"], "Refund A-1", source_event_id="EvRefund1"))
    assert [name for name, _ in mcp.tool_calls] == ["refund_order"]
    rows = await tool_call_rows(services, owner_db, shop.id)
    assert [(r[0], r[1], str(r[4])) for r in rows] == [("refund_order", "ok", approval)]
    # The approval holds what the tool ran with and answered, sealed: none of it in clear.
    [stored], _ = await tool_rows(owner_db, UUID(shop.id))
    assert (str(stored.id), stored.status, stored.arguments) == (approval, "done", None)
    for plain in ('"order_id"', "A-1", "Refunded", asked["status_text"]):
        assert plain not in clear_text_of([stored])
    with proxy.admin() as admin:
        audit = admin.get(f"/admin/tenants/{shop.id}/audit").json()["items"]
    decided = [e for e in audit if e["action"].startswith("approval.")]
    assert [(e["action"], e["actor"], e["detail"]["decided_by"]) for e in decided] == [
        ("approval.approve", "slack:UMANAGER1", "UMANAGER1")
    ]


async def test_a_denied_call_is_not_run_and_an_unanswered_one_expires(
    proxy: ProxyServer,
    shop: TenantWorld,
    fake_ollama: OllamaFake,
    http_tool: HttpToolFake,
    mcp: MCPFake,
    owner_db: Database,
) -> None:
    register_tools(proxy, shop, http_tool, mcp, policy="ask")
    refund = {
        "name": "refund_order",
        "arguments": {"order_id": "A-2", "amount": 1, "card_pin": "1"},
    }
    fake_ollama.configure(tool_calls_script=[[refund]], reply_text="OK, I did not refund it.")
    turn = TurnInThread(proxy, shop, "Refund A-2", "EvDeny1")
    asked = turn.wait_for("approval_needed")
    assert decide(proxy, shop.id, asked["approval_id"], "deny", "U0ASKER").status_code == 200
    turn.thread.join(timeout=60)
    assert done(turn.events)["text"] == "OK, I did not refund it."
    resolved = turn.wait_for("approval_resolved")
    assert (resolved["status"], resolved["decided_by"]) == ("denied", "U0ASKER")
    assert "declined" in tool_messages("ollama", fake_ollama.last_call)[0]

    fake_ollama.configure(tool_calls_script=[[refund]])
    turn = TurnInThread(proxy, shop, "Refund A-2 please", "EvExpire1")
    asked = turn.wait_for("approval_needed")
    async with owner_db.platform_transaction() as conn:
        # Nobody answers: its time runs out (the setting is minutes; here it is now).
        await conn.execute(
            text("update approvals set expires_at = now() where id = :id"),
            {"id": asked["approval_id"]},
        )
    turn.thread.join(timeout=60)
    final = done(turn.events)
    assert (final["error"], final["from_model"]) == ("approval_expired", False)
    assert final["text"].startswith("I couldn't go ahead")
    assert mcp.tool_calls == []
    late = decide(proxy, shop.id, asked["approval_id"], "approve", "U0ASKER")
    assert (late.json()["status"], late.json()["changed"]) == ("expired", False)
    await asyncio.sleep(0)
    assert answer_text(turn.events) == ""
