"""The web process: signatures, malformed input, dedupe and durable enqueue before the ack."""

import json
import random
import time
from typing import Any

import httpx
import pytest

from policies.redis_keys import event_dedupe_key
from tests.bridge.conftest import SIGNING_SECRET, Bridge, Connected, sign, slack_id
from tests.bridge.events import mention, message
from tests.fakes.slack import SlackFake
from tests.processes import Process, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def callback(team_id: str, event: dict[str, Any], event_id: str) -> bytes:
    return json.dumps(
        {"team_id": team_id, "type": "event_callback", "event_id": event_id, "event": event}
    ).encode()


def test_healthz_pings_redis(bridge: Bridge) -> None:
    answer = httpx.get(f"{bridge.url}/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "redis": True}


def test_url_verification_echoes_the_challenge(bridge: Bridge) -> None:
    body = json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"}).encode()
    answer = bridge.post(body, sign(body))
    assert answer.status_code == 200
    assert answer.json() == {"challenge": "c-123"}


def test_bad_signatures_are_401_and_nothing_is_enqueued(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    event = mention(fake_slack, acme, slack_id("C"))
    event_id = slack_id("Ev")
    body = callback(acme.team_id, event, event_id)
    good = sign(body)
    now = int(time.time())
    attempts = {
        "forged": {**good, "X-Slack-Signature": "v0=" + "0" * 64},
        "other secret": sign(body, secret="not-" + SIGNING_SECRET),
        "stale": sign(body, timestamp=now - 400),
        "future": sign(body, timestamp=now + 400),
        "missing timestamp": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "non-numeric timestamp": {**good, "X-Slack-Request-Timestamp": "12abc"},
        "float timestamp": {**good, "X-Slack-Request-Timestamp": f"{now}.5"},
        "missing signature": {"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]},
        "body changed": good,
    }
    queued_before = bridge.queue.count
    for name, headers in attempts.items():
        sent = body + b" " if name == "body changed" else body
        answer = bridge.post(sent, headers)
        assert answer.status_code == 401, name
        assert event_id.encode() not in answer.content
    assert bridge.queue.count == queued_before
    assert bridge.job(event_id) is None
    assert not bridge.redis.exists(event_dedupe_key(event_id))
    assert fake_slack.calls("chat.postMessage") == []


def _mutations(rng: random.Random, team_id: str) -> list[bytes]:
    valid = {
        "team_id": team_id,
        "type": "event_callback",
        "event_id": "EvFUZZ",
        "event": {"type": "message", "text": "hi", "user": "U1", "channel": "C1", "ts": "1.2"},
        "authorizations": [{"team_id": team_id}],
    }
    odd_values: list[Any] = [
        None,
        0,
        -1,
        1.5,
        True,
        "",
        "x" * 50_000,
        [],
        {},
        [1, "a"],
        {"id": 5},
        {"a": {"b": []}},
        "<@U1>",
        "\u0000",
        "Ev:{}",
        10**30,
    ]
    bodies: list[bytes] = []
    for _ in range(1000):
        kind = rng.randrange(6)
        if kind == 0:
            bodies.append(rng.randbytes(rng.randrange(0, 300)))
        elif kind == 1:
            text = json.dumps(valid).encode()
            bodies.append(text[: rng.randrange(0, len(text))])
        elif kind in (2, 3):
            payload = json.loads(json.dumps(valid))
            target = payload if kind == 2 else payload["event"]
            field = rng.choice(
                [
                    *target.keys(),
                    "user",
                    "channel",
                    "team",
                    "enterprise",
                    "view",
                    "message",
                    "authorizations",
                    "item",
                    "files",
                    "user_profile",
                    "is_ext_shared_channel",
                    "challenge",
                ]
            )
            target[field] = rng.choice(odd_values)
            if rng.random() < 0.3:
                payload["type"] = rng.choice(odd_values + ["url_verification", "app_rate_limited"])
            payload["event_id"] = (
                payload["event_id"] if kind == 3 and rng.random() < 0.5 else rng.choice(odd_values)
            )
            bodies.append(json.dumps(payload).encode())
        elif kind == 4:
            bodies.append(json.dumps(rng.choice(odd_values)).encode())
        else:
            depth = rng.randrange(1, 5000)
            bodies.append(b"{" + b'"a":[' * depth)
    return bodies


def test_a_thousand_malformed_bodies_never_get_a_5xx(bridge: Bridge, fake_slack: SlackFake) -> None:
    rng = random.Random(20261125)
    # An unknown workspace: a fuzzed body that happens to be valid is acked and dropped.
    team_id = slack_id("T")
    statuses: dict[int, int] = {}
    with httpx.Client(base_url=bridge.url, timeout=30) as client:
        for index, body in enumerate(_mutations(rng, team_id)):
            headers = sign(body) if index % 2 else {"Content-Type": "application/json"}
            status = client.post("/slack/events", content=body, headers=headers).status_code
            assert status < 500, (index, body[:200])
            statuses[status] = statuses.get(status, 0) + 1
    # Unsigned: 401 from bolt, or 400 before bolt where the body is one it would 500 on.
    assert statuses.get(401, 0) > 100
    assert statuses.get(400, 0) > 100
    assert fake_slack.calls() == []


def test_the_same_event_four_times_is_answered_once(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "what's up?")
    first, event_id = bridge.deliver(acme.team_id, event)
    retries = [
        bridge.deliver(
            acme.team_id,
            event,
            event_id,
            **{"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
        )[0]
        for n in (1, 2)
    ]
    plain_again, _ = bridge.deliver(acme.team_id, event, event_id)
    assert [r.status_code for r in (first, *retries, plain_again)] == [200, 200, 200, 200]
    assert bridge.wait_job(event_id) == "answered"
    time.sleep(0.5)
    replies = fake_slack.thread_view(channel, event["ts"])
    assert [m.text for m in replies] == ["Hello from fake-ollama"]
    # One reply started: streamed natively (or a placeholder where streams are unavailable).
    started = fake_slack.calls("chat.startStream") + fake_slack.calls("chat.postMessage")
    assert len([call for call in started if call.ok]) == 1
    assert bridge.redis.ttl(event_dedupe_key(event_id)) > 0


def test_bot_self_and_edited_messages_are_not_enqueued(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    channel = slack_id("C")
    parent = mention(fake_slack, acme, channel)
    base = message(fake_slack, acme, channel, "a reply", thread_ts=parent["ts"])
    events = [
        {**base, "bot_id": "BOTHER", "subtype": "bot_message"},
        {**base, "user": acme.bot_user_id},
        {**base, "subtype": "message_changed", "message": {"text": "edited", "user": "U0USER"}},
        {**base, "subtype": "message_deleted"},
        {**base, "channel_type": "im", "bot_id": "BSELF"},
        {**base, "type": "reaction_added"},
    ]
    for event in events:
        answer, event_id = bridge.deliver(acme.team_id, event)
        assert answer.status_code == 200
        assert bridge.job(event_id) is None
        assert not bridge.redis.exists(event_dedupe_key(event_id))
    assert fake_slack.calls() == []


def test_unknown_workspace_is_acked_and_dropped(bridge: Bridge, fake_slack: SlackFake) -> None:
    answer, event_id = bridge.deliver(
        slack_id("T"),
        {"type": "app_mention", "user": "U1", "text": "<@UB> hi", "ts": "1.1", "channel": "C1"},
    )
    assert answer.status_code == 200
    assert bridge.job(event_id) is None


def test_redis_down_answers_5xx_so_slack_retries(
    bridge_env: dict[str, str], acme: Connected, fake_slack: SlackFake
) -> None:
    closed = free_port()
    port = free_port()
    env = {
        **bridge_env,
        "REDIS_URL": f"redis://127.0.0.1:{closed}/15",
        "BRIDGE_PORT": str(port),
        "KONSTRUCT_BRIDGE_URL": f"http://127.0.0.1:{port}",
    }
    url = f"http://127.0.0.1:{port}"
    # Without Redis the health check answers 503: answering at all means it is up.
    web = Process(
        "bridge-web-no-redis", "bridge.web", env, f"{url}/healthz", ready=lambda _: True
    ).start(timeout=60)
    try:
        assert httpx.get(f"{url}/healthz").status_code == 503
        event = mention(fake_slack, acme, slack_id("C"))
        body = callback(acme.team_id, event, slack_id("Ev"))
        started = time.monotonic()
        answer = httpx.post(f"{url}/slack/events", content=body, headers=sign(body), timeout=30)
        assert answer.status_code >= 500
        assert time.monotonic() - started < 3  # Slack's ack deadline
        # Bad input is still bad input, Redis or not.
        assert httpx.post(f"{url}/slack/events", content=body).status_code == 401
    finally:
        web.stop()
    assert fake_slack.calls() == []


def test_a_workspace_disconnected_in_the_portal_is_never_answered_again(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    """The proxy's change signal empties every bridge process's cache at once: no waiting
    for a cache to lapse. An event the web process accepted just before the signal reached
    it is dropped by the worker."""
    channel = slack_id("C")
    first = mention(fake_slack, acme, channel, "before")
    answer, event_id = bridge.deliver(acme.team_id, first)
    assert answer.status_code == 200
    assert bridge.wait_job(event_id) == "answered"

    with bridge.proxy.admin() as admin:
        gone = admin.delete(
            f"/admin/tenants/{acme.tenant_id}/slack-connections/{acme.connection['id']}"
        )
        assert gone.status_code == 204, gone.text
    # Well within the workspace cache's lapse (300 s): the change signal did it.
    deadline = time.monotonic() + 10
    accepted_after: list[str] = []
    threads = []
    while True:
        later = mention(fake_slack, acme, channel, "after")
        threads.append(later["ts"])
        answer, event_id = bridge.deliver(acme.team_id, later)
        assert answer.status_code == 200
        if bridge.job(event_id) is None:
            break
        accepted_after.append(event_id)
        assert time.monotonic() < deadline, "the web process kept the disconnected workspace"
    for event_id in accepted_after:
        assert bridge.wait_job(event_id) == "no_workspace"
    time.sleep(0.5)
    assert [fake_slack.thread_view(channel, ts) for ts in threads] == [[] for _ in threads]
