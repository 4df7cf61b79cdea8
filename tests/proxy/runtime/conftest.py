"""The agent runtime through a real proxy process: turns streamed from its internal and admin
routes, against the fake providers and the real fake MCP and HTTP tool servers."""

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.http_tool_server import HttpToolFake
from tests.fakes.mcp_server import MCPFake
from tests.stack import ProxyServer

Events = list[dict[str, Any]]


def _slack_body(agent_id: str, text: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The bridge's request for one agent turn (`fields` override the defaults)."""
    return {
        "agent_id": agent_id,
        "channel_id": fields.pop("channel_id", "CRUNTIME"),
        "thread_id": fields.pop("thread_id", "1700000000.000100"),
        "text": text,
        "sender_id": fields.pop("sender_id", "U0ASKER"),
        "source_event_id": fields.pop("source_event_id", f"Ev{uuid.uuid4().hex[:10]}"),
        "bot_user_id": "UBOT",
        **fields,
    }


def slack_turn(
    proxy: ProxyServer, tenant_id: str, agent_id: str, text: str, **fields: Any
) -> Events:
    """One agent turn as the bridge asks for it; the events it streamed."""
    return stream(
        proxy,
        f"/internal/tenants/{tenant_id}/agent-turns",
        _slack_body(agent_id, text, fields),
        {"Authorization": f"Bearer {proxy.bridge_key}"},
    )


def slack_turn_until_approvals(
    proxy: ProxyServer, tenant_id: str, agent_id: str, text: str, count: int, **fields: Any
) -> Events:
    """A turn as the bridge asks for it, streamed until it has asked for `count` approvals,
    then dropped (the bridge worker died while the turn waited; the proxy cancels the
    turn); those approval_needed events."""
    events: Events = []
    with httpx.stream(
        "POST",
        f"{proxy.url}/internal/tenants/{tenant_id}/agent-turns",
        json=_slack_body(agent_id, text, fields),
        headers={"Authorization": f"Bearer {proxy.bridge_key}"},
        timeout=60,
    ) as response:
        for line in response.iter_lines():
            if line.strip():
                events.append(json.loads(line))
                asked = [e for e in events if e["type"] == "approval_needed"]
                if len(asked) == count:
                    return asked
    raise AssertionError(f"fewer than {count} approvals asked for: {events}")


def try_turn(proxy: ProxyServer, tenant_id: str, body: dict[str, Any]) -> Events:
    return stream(
        proxy,
        f"/admin/tenants/{tenant_id}/agents/try",
        body,
        {"Authorization": f"Bearer {proxy.master_key}"},
    )


def stream(proxy: ProxyServer, path: str, body: dict[str, Any], headers: dict[str, str]) -> Events:
    with httpx.stream(
        "POST", f"{proxy.url}{path}", json=body, headers=headers, timeout=120
    ) as response:
        assert response.status_code == 200, response.read().decode()
        assert response.headers["content-type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in response.iter_lines() if line.strip()]


def done(events: Events) -> dict[str, Any]:
    assert events, "the turn streamed nothing"
    last = events[-1]
    assert last["type"] == "done", events
    assert [e["type"] for e in events].count("done") == 1
    return last


def answer_text(events: Events) -> str:
    return "".join(e["delta"] for e in events if e["type"] == "text")


@pytest.fixture(scope="session")
def mcp_session() -> Iterator[MCPFake]:
    with MCPFake() as fake:
        yield fake


@pytest.fixture
def mcp(mcp_session: MCPFake) -> Iterator[MCPFake]:
    mcp_session.reset()
    yield mcp_session
    mcp_session.reset()


@pytest.fixture(scope="session")
def http_tool_session() -> Iterator[HttpToolFake]:
    with HttpToolFake() as fake:
        yield fake


@pytest.fixture
def http_tool(http_tool_session: HttpToolFake) -> Iterator[HttpToolFake]:
    http_tool_session.reset()
    yield http_tool_session
    http_tool_session.reset()
