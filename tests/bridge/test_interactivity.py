"""Interactivity: signed `POST /slack/interactivity`, deduplicated and acked like events; the
👍/👎 under each answer is recorded per agent and message and shows on the usage API."""

import time
from typing import Any

import pytest

from bridge.queue import action_id_for
from policies.redis_keys import event_dedupe_key
from tests.bridge.conftest import Bridge, Connected, sign, slack_id
from tests.bridge.events import mention
from tests.fakes.slack import SlackFake
from tests.stack import ProxyServer

pytestmark = pytest.mark.e2e


def click(
    conn: Connected,
    channel: str,
    message_ts: str,
    thread_ts: str,
    button: dict[str, Any],
    user: str = "U0USER",
) -> dict[str, Any]:
    """A `block_actions` payload as Slack sends it for a button in a bot's message."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "team_id": conn.team_id},
        "api_app_id": "AFAKEAPP",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": False,
            "thread_ts": thread_ts,
        },
        "trigger_id": f"{time.time()}.trigger",
        "team": {"id": conn.team_id, "domain": "acme"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "message": {"type": "message", "ts": message_ts, "thread_ts": thread_ts},
        "response_url": "https://hooks.slack.test/actions/T/1/x",
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "konstruct_feedback",
                "text": button["text"],
                "value": button["value"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def feedback(proxy: ProxyServer, tenant_id: str) -> list[dict[str, Any]]:
    with proxy.admin() as admin:
        answer = admin.get(f"/admin/tenants/{tenant_id}/usage/feedback")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def answered(bridge: Bridge, conn: Connected, slack: SlackFake) -> tuple[str, str, Any]:
    """Ask once; the answer's channel, thread and message (with its blocks)."""
    channel = slack_id("C")
    event = mention(slack, conn, channel, "how are you?")
    assert bridge.wait_job(bridge.deliver(conn.team_id, event)[1]) == "answered"
    (reply,) = [m for m in slack.thread_view(channel, event["ts"]) if m.is_bot]
    return channel, event["ts"], reply


def test_a_thumbs_up_under_an_answer_is_counted_once_for_its_agent(
    bridge: Bridge, acme: Connected, globex: Connected, fake_slack: SlackFake
) -> None:
    channel, thread, reply = answered(bridge, acme, fake_slack)
    (control,) = [b for b in reply.blocks or [] if b["type"] == "actions"]
    up, down = control["elements"]
    assert (up["action_id"], down["action_id"]) == ("feedback:up", "feedback:down")
    assert up["value"] == acme.agent_id

    payload = click(acme, channel, reply.ts, thread, up)
    answers = [bridge.interact(payload) for _ in range(4)]
    assert [a.status_code for a in answers] == [200] * 4
    action_key = action_id_for(payload)
    assert action_key is not None
    assert bridge.wait_job(action_key) == "feedback"
    assert bridge.redis.exists(event_dedupe_key(action_key))
    assert feedback(bridge.proxy, acme.tenant_id) == [
        {"agent_id": acme.agent_id, "up": 1, "down": 0}
    ]
    (thanks,) = fake_slack.ephemeral
    assert (thanks["user"], thanks["channel"]) == ("U0USER", channel)

    # The same person changing their mind replaces the vote; another tenant sees none of it.
    changed = click(acme, channel, reply.ts, thread, down)
    assert bridge.interact(changed).status_code == 200
    changed_key = action_id_for(changed)
    assert changed_key is not None
    assert bridge.wait_job(changed_key) == "feedback"
    assert feedback(bridge.proxy, acme.tenant_id) == [
        {"agent_id": acme.agent_id, "up": 0, "down": 1}
    ]
    assert feedback(bridge.proxy, globex.tenant_id) == []


def test_interactions_are_verified_and_odd_ones_refused(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    button = {"action_id": "feedback:up", "text": {"type": "plain_text", "text": "👍"}}
    payload = click(acme, slack_id("C"), "1.1", "1.1", {**button, "value": acme.agent_id})
    forged = bridge.interact(payload, **{"X-Slack-Signature": "v0=" + "0" * 64})
    assert forged.status_code == 401
    old = sign(b"x", timestamp=int(time.time()) - 400)
    form = "application/x-www-form-urlencoded"
    assert bridge.interact(payload, **{**old, "Content-Type": form}).status_code == 401
    # Labelled JSON, bolt would parse the form as JSON (a 500): refused before it.
    assert bridge.interact(payload, **{"Content-Type": "application/json"}).status_code == 400
    not_form = bridge.interact({"type": "view_submission", "user": {"id": "U1"}})
    assert not_form.status_code == 400
    unknown = click(
        acme, slack_id("C"), "1.1", "1.1", {**button, "action_id": "other:x", "value": "v"}
    )
    assert bridge.interact(unknown).status_code == 200
    unknown_key = action_id_for(unknown)
    assert unknown_key is not None
    assert bridge.job(unknown_key) is None
    refused_key = action_id_for(payload)
    assert refused_key is not None
    assert bridge.job(refused_key) is None
    assert fake_slack.ephemeral == []
