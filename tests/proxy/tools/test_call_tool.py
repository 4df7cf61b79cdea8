"""Running a tool for the agent runtime: the real call reaches the tool with its credentials,
the result comes back capped, and every failure is a short ok=False text without secrets."""

import logging
import time

import pytest

from proxy.core.db.engine import Database
from proxy.core.runtime import Runtime
from proxy.features.tools.agent_tools import REDACTED, call_tool, redact_arguments
from tests.fakes.http_tool_server import DEFAULT_KEY, HttpToolFake
from tests.fakes.mcp_server import DEFAULT_TOKEN, MCPFake
from tests.proxy.tools.conftest import Agent
from tests.proxy.tools.helpers import register_http, register_mcp

pytestmark = pytest.mark.integration

LIMITS = {"timeout_seconds": 10.0, "max_result_chars": 2000}


async def test_an_mcp_tool_runs_on_the_server_with_its_token(
    runtime: Runtime, agent_a: Agent, mcp_fake: MCPFake, caplog: pytest.LogCaptureFixture
) -> None:
    tools = await register_mcp(runtime, agent_a, mcp_fake)
    mcp_fake.clear()
    caplog.set_level(logging.DEBUG)

    result = await call_tool(
        runtime, agent_a.tenant_id, tools["lookup_order"], {"order_id": "A-7"}, **LIMITS
    )

    assert result.ok, result.text
    assert result.text == "Order A-7: shipped, 2 items, total 42.50 EUR"
    assert result.duration_ms > 0
    assert mcp_fake.tool_calls == [("lookup_order", {"order_id": "A-7"})]
    assert "tools/call" in mcp_fake.rpc_methods()
    assert all(rec.bearer == DEFAULT_TOKEN for rec in mcp_fake.requests)
    assert DEFAULT_TOKEN not in caplog.text


async def test_secret_arguments_are_identified_and_redacted(
    runtime: Runtime, agent_a: Agent, mcp_fake: MCPFake
) -> None:
    tools = await register_mcp(runtime, agent_a, mcp_fake)
    refund = tools["refund_order"]
    arguments = {"order_id": "A-7", "amount": 5.0, "card_pin": "4242"}

    result = await call_tool(runtime, agent_a.tenant_id, refund, arguments, **LIMITS)

    assert result.ok, result.text
    assert refund.secret_arguments == frozenset({"card_pin"})
    assert mcp_fake.tool_calls[-1] == ("refund_order", arguments), "the tool gets the real value"
    assert redact_arguments(refund, arguments) == {**arguments, "card_pin": REDACTED}


async def test_mcp_failures_are_results_not_exceptions(
    runtime: Runtime, agent_a: Agent, mcp_fake: MCPFake
) -> None:
    tools = await register_mcp(runtime, agent_a, mcp_fake)

    failed = await call_tool(
        runtime, agent_a.tenant_id, tools["fail_order"], {"order_id": "1"}, **LIMITS
    )
    assert not failed.ok
    assert "order system is down" in failed.text

    mcp_fake.configure(required_token="rotated-by-the-business")
    refused = await call_tool(
        runtime, agent_a.tenant_id, tools["lookup_order"], {"order_id": "1"}, **LIMITS
    )
    assert not refused.ok
    assert "401" in refused.text
    assert DEFAULT_TOKEN not in refused.text

    mcp_fake.configure(required_token=DEFAULT_TOKEN, fail_status=503)
    down = await call_tool(
        runtime, agent_a.tenant_id, tools["lookup_order"], {"order_id": "1"}, **LIMITS
    )
    assert not down.ok
    assert "503" in down.text


async def test_a_slow_mcp_tool_times_out_on_time(
    runtime: Runtime, agent_a: Agent, mcp_fake: MCPFake
) -> None:
    tools = await register_mcp(runtime, agent_a, mcp_fake)
    mcp_fake.configure(tool_delay_seconds=5)
    started = time.monotonic()

    result = await call_tool(
        runtime,
        agent_a.tenant_id,
        tools["lookup_order"],
        {"order_id": "1"},
        timeout_seconds=0.5,
        max_result_chars=2000,
    )

    assert not result.ok
    assert "did not answer within 0.5 s" in result.text
    assert time.monotonic() - started < 3
    assert result.duration_ms < 3000


async def test_a_big_result_is_cut_at_the_cap(
    runtime: Runtime, agent_a: Agent, mcp_fake: MCPFake, http_tool_fake: HttpToolFake
) -> None:
    tools = await register_mcp(runtime, agent_a, mcp_fake)
    mcp_fake.configure(result_repeat=500)
    result = await call_tool(
        runtime,
        agent_a.tenant_id,
        tools["lookup_order"],
        {"order_id": "1"},
        timeout_seconds=10,
        max_result_chars=300,
    )
    assert result.ok
    assert len(result.text) <= 300
    assert result.text.endswith("[result cut at 300 characters]")

    big = await register_http(runtime, agent_a, http_tool_fake, url=f"{http_tool_fake.url}/big")
    http_result = await call_tool(
        runtime, agent_a.tenant_id, big, {}, timeout_seconds=10, max_result_chars=500
    )
    assert http_result.ok
    assert len(http_result.text) <= 500


async def test_an_http_tool_fills_its_url_and_sends_its_secret_header(
    runtime: Runtime, agent_a: Agent, http_tool_fake: HttpToolFake, caplog: pytest.LogCaptureFixture
) -> None:
    tool = await register_http(runtime, agent_a, http_tool_fake)
    caplog.set_level(logging.DEBUG)

    result = await call_tool(
        runtime, agent_a.tenant_id, tool, {"order_id": "A 1/2", "verbose": True}, **LIMITS
    )

    assert result.ok, result.text
    (rec,) = http_tool_fake.requests
    assert rec.method == "GET"
    assert rec.path == "/orders/A%201%2F2", "an argument cannot add path segments"
    assert rec.query == {"verbose": "true"}
    assert rec.header("x-api-key") == DEFAULT_KEY
    assert '"status": "shipped"' in result.text
    assert DEFAULT_KEY not in caplog.text


async def test_an_http_tool_posts_the_other_arguments_as_json(
    runtime: Runtime, agent_a: Agent, http_tool_fake: HttpToolFake
) -> None:
    tool = await register_http(
        runtime,
        agent_a,
        http_tool_fake,
        name="refund",
        method="POST",
        url=f"{http_tool_fake.url}/refunds",
        parameters={
            "type": "object",
            "properties": {"order_id": {"type": "string"}, "amount": {"type": "number"}},
        },
    )
    result = await call_tool(
        runtime, agent_a.tenant_id, tool, {"order_id": "A-1", "amount": 12.5}, **LIMITS
    )
    assert result.ok, result.text
    assert http_tool_fake.requests[-1].json == {"order_id": "A-1", "amount": 12.5}
    assert '"refunded": 12.5' in result.text


async def test_http_failures_are_short_texts_without_the_secret(
    runtime: Runtime, agent_a: Agent, http_tool_fake: HttpToolFake
) -> None:
    echo = await register_http(
        runtime, agent_a, http_tool_fake, url=f"{http_tool_fake.url}/echo-key"
    )
    result = await call_tool(runtime, agent_a.tenant_id, echo, {}, **LIMITS)
    assert not result.ok
    assert result.text.startswith("The tool answered HTTP 500")
    assert DEFAULT_KEY not in result.text
    assert REDACTED in result.text

    http_tool_fake.configure(required_key="changed")
    tool = await register_http(runtime, agent_a, http_tool_fake, name="get_order_2")
    refused = await call_tool(runtime, agent_a.tenant_id, tool, {"order_id": "1"}, **LIMITS)
    assert not refused.ok
    assert "401" in refused.text

    http_tool_fake.configure(delay_seconds=3)
    slow = await call_tool(
        runtime,
        agent_a.tenant_id,
        tool,
        {"order_id": "1"},
        timeout_seconds=0.5,
        max_result_chars=100,
    )
    assert not slow.ok
    assert "0.5 s" in slow.text

    missing = await call_tool(runtime, agent_a.tenant_id, tool, {}, **LIMITS)
    assert not missing.ok
    assert "order_id" in missing.text


async def test_a_redirect_is_not_followed(
    runtime: Runtime, agent_a: Agent, http_tool_fake: HttpToolFake
) -> None:
    tool = await register_http(
        runtime, agent_a, http_tool_fake, url=f"{http_tool_fake.url}/redirect"
    )
    result = await call_tool(runtime, agent_a.tenant_id, tool, {}, **LIMITS)
    assert not result.ok
    assert "redirect" in result.text
    assert http_tool_fake.paths() == ["/redirect"], "the target of the redirect got nothing"


async def test_a_deleted_tool_or_a_tampered_credential_is_a_failed_call(
    runtime: Runtime, db: Database, agent_a: Agent, http_tool_fake: HttpToolFake
) -> None:
    from sqlalchemy import text

    tool = await register_http(runtime, agent_a, http_tool_fake)
    async with db.tenant_transaction(agent_a.tenant_id) as conn:
        await conn.execute(
            text("update http_tools set encrypted_headers = 'v1:dev:AAAA' where id = :id"),
            {"id": tool.source_id},
        )
    tampered = await call_tool(runtime, agent_a.tenant_id, tool, {"order_id": "1"}, **LIMITS)
    assert not tampered.ok
    assert "credentials" in tampered.text
    async with db.tenant_transaction(agent_a.tenant_id) as conn:
        await conn.execute(text("delete from http_tools where id = :id"), {"id": tool.source_id})
    gone = await call_tool(runtime, agent_a.tenant_id, tool, {"order_id": "1"}, **LIMITS)
    assert not gone.ok
    assert "no longer registered" in gone.text
    assert http_tool_fake.requests == []
