"""An agent turn in Slack: the status line while a tool runs, Approve / Deny buttons for an
"ask first" call, clicks from the wrong person and Slack's retried clicks, one tool run."""

import time
from typing import Any

import pytest

from policies.approvals import APPROVE_ACTION
from tests.bridge.conftest import Bridge, Connected, connect, slack_id
from tests.bridge.events import mention
from tests.fakes.http_tool_server import HttpToolFake
from tests.fakes.mcp_server import MCPFake
from tests.fakes.ollama import OllamaFake
from tests.fakes.slack import SlackFake, SlackMessage
from tests.proxy.runtime.conftest import (  # noqa: F401 (fixtures)
    http_tool,
    http_tool_session,
    mcp,
    mcp_session,
)
from tests.proxy.runtime.test_tools import register_tools
from tests.stack import ProxyServer

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _placeholder_path(fake_slack: SlackFake) -> None:
    """The placeholder shows the status line (a native stream cannot take text back)."""
    fake_slack.configure(
        disabled_methods={"chat.startStream", "chat.appendStream", "chat.stopStream"}
    )


def click(conn: Connected, channel: str, message: SlackMessage, user: str) -> dict[str, Any]:
    """A `block_actions` payload as Slack sends it for the Approve button."""
    button = next(
        element
        for block in message.blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
        if element["action_id"] == APPROVE_ACTION
    )
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "team_id": conn.team_id},
        "api_app_id": "AFAKEAPP",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": channel,
            "is_ephemeral": False,
            "thread_ts": message.thread_ts,
        },
        "trigger_id": f"{time.time()}.trigger",
        "team": {"id": conn.team_id, "domain": "shop"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "message": {"type": "message", "ts": message.ts, "thread_ts": message.thread_ts},
        "response_url": "https://hooks.slack.test/actions/T/1/x",
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": f"approval_{button['value']}",
                "text": button["text"],
                "value": button["value"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def question(slack: SlackFake, channel: str, thread: str) -> SlackMessage | None:
    return next(
        (
            m
            for m in slack.thread_view(channel, thread)
            if m.is_bot and any(b.get("type") == "actions" for b in m.blocks or [])
        ),
        None,
    )


def test_a_tool_shows_its_status_and_an_approval_is_clicked_once_in_slack(
    bridge: Bridge,
    proxy: ProxyServer,
    fake_slack: SlackFake,
    fake_ollama: OllamaFake,
    http_tool: HttpToolFake,  # noqa: F811
    mcp: MCPFake,  # noqa: F811
) -> None:
    conn = connect(proxy, "Shopfront")
    register_tools(proxy, conn.world, http_tool, mcp, policy="ask")
    look = {"name": "get_order", "arguments": {"order_id": "A-7"}}
    refund = {
        "name": "refund_order",
        "arguments": {"order_id": "A-7", "amount": 2, "card_pin": "7"},
    }
    fake_ollama.configure(tool_calls_script=[[look], [refund]], reply_text="Done: refunded.")
    channel = slack_id("C")
    event = mention(fake_slack, conn, channel, "refund order A-7")
    _, event_id = bridge.deliver(conn.team_id, event)

    asked = fake_slack.wait_for(lambda: question(fake_slack, channel, event["ts"]), timeout=90)
    assert "needs an approval" in asked.text
    assert "card_pin" in str(asked.blocks)
    assert '"7"' not in str(asked.blocks)  # the secret argument is redacted
    placeholder = fake_slack.calls("chat.postMessage")[0].response["ts"]
    shown = fake_slack.message(channel, placeholder)
    assert shown is not None
    assert "_Looking up the order…_" in [text for _, text in shown.edits]

    # A stranger's click is refused, privately; the asker's counts once (Slack retries it).
    assert bridge.interact(click(conn, channel, asked, "USTRANGER")).status_code == 200
    fake_slack.wait_for(lambda: fake_slack.ephemeral, timeout=30)
    assert fake_slack.ephemeral[-1]["user"] == "USTRANGER"
    assert mcp.tool_calls == []
    for _ in range(2):
        assert bridge.interact(click(conn, channel, asked, "U0USER")).status_code == 200
    assert bridge.wait_job(event_id, timeout=90) == "answered"
    assert [name for name, _ in mcp.tool_calls] == ["refund_order"]
    replies = [m for m in fake_slack.thread_view(channel, event["ts"]) if m.is_bot]
    assert replies[0].text == "Done: refunded."
    decided = fake_slack.message(channel, asked.ts)
    assert decided is not None
    assert "Approved by <@U0USER>" in decided.text
    assert not any(b.get("type") == "actions" for b in decided.blocks or [])
