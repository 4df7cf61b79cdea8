"""The worker: who gets answered, how the answer appears in Slack, and what is remembered."""

import time
from typing import Any

import httpx
import pytest

from policies.mrkdwn import (
    APOLOGY_TEXT,
    BUDGET_EXHAUSTED_TEXT,
    BUSY_TEXT,
    SLACK_TEXT_LIMIT,
    THINKING_TEXT,
    rate_limited_text,
    split_message,
    to_mrkdwn,
)
from policies.redis_keys import (
    engaged_thread_key,
    escalated_thread_key,
    event_reply_key,
)
from proxy.core.db.engine import Database
from tests.bridge.conftest import ENGAGEMENT_TTL, Bridge, Connected, connect, slack_id
from tests.bridge.events import mention, message
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.fakes.slack import SlackFake
from tests.stack import ProxyServer, spend

pytestmark = pytest.mark.e2e

FAKE_REPLY = "Hello from fake-ollama"


@pytest.fixture(autouse=True)
def _placeholder_path(fake_slack: SlackFake) -> None:
    """These tests show the placeholder path: the workspace cannot stream natively
    (tests/bridge/test_streaming.py covers native streams)."""
    fake_slack.configure(
        disabled_methods={"chat.startStream", "chat.appendStream", "chat.stopStream"}
    )


def history(proxy: ProxyServer, tenant_id: str, channel: str, thread: str) -> list[tuple[str, str]]:
    answer = httpx.get(
        f"{proxy.url}/internal/tenants/{tenant_id}/threads/{channel}/{thread}/messages",
        headers={"Authorization": f"Bearer {proxy.bridge_key}"},
    )
    assert answer.status_code == 200, answer.text
    return [(item["role"], item["text"]) for item in answer.json()["items"]]


def texts(slack: SlackFake, channel: str, thread: str) -> list[str]:
    """What the agent finally shows in a thread (people's own replies left out)."""
    return [m.text for m in slack.thread_view(channel, thread) if m.is_bot]


def model_messages(call: Any) -> list[tuple[str, str]]:
    return [(m["role"], m["content"]) for m in call.json["messages"] if m["role"] != "system"]


def test_a_mention_gets_a_placeholder_then_the_answer_in_its_thread(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "what are your opening hours?")
    answer, event_id = bridge.deliver(acme.team_id, event)
    assert answer.status_code == 200
    assert bridge.wait_job(event_id) == "answered"

    posts = fake_slack.calls("chat.postMessage")
    assert [(p.params["text"], p.params["thread_ts"], p.token) for p in posts] == [
        (THINKING_TEXT, event["ts"], acme.bot_token)
    ]
    updates = fake_slack.calls("chat.update")
    assert updates
    assert {u.params["ts"] for u in updates} == {posts[0].response["ts"]}
    assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]
    # The person's words reach the agent without the bot's mention, after its persona.
    assert model_messages(fake_ollama.last_call) == [("user", "what are your opening hours?")]
    assert "PERSONA-Acme" in (fake_ollama.system_prompts()[-1] or "")
    assert history(bridge.proxy, acme.tenant_id, channel, event["ts"]) == [
        ("user", "what are your opening hours?"),
        ("assistant", FAKE_REPLY),
    ]
    key = engaged_thread_key(acme.tenant_id, channel, event["ts"])
    assert 0 < bridge.redis.ttl(key) <= ENGAGEMENT_TTL
    assert bridge.redis.hget(event_reply_key(acme.tenant_id, event_id), "done") == b"1"


def test_a_direct_message_is_answered_without_a_mention(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    channel = slack_id("D")
    event = message(fake_slack, acme, channel, "hi, can you help?", channel_type="im")
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]


def test_engaged_thread_follow_ups_are_answered_until_the_engagement_expires(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    channel = slack_id("C")
    first = mention(fake_slack, acme, channel, "first question")
    _, event_id = bridge.deliver(acme.team_id, first)
    assert bridge.wait_job(event_id) == "answered"

    follow_up = message(fake_slack, acme, channel, "and a follow-up", thread_ts=first["ts"])
    _, event_id = bridge.deliver(acme.team_id, follow_up)
    assert bridge.wait_job(event_id) == "answered"
    # The agent saw the thread so far, from the history the proxy keeps.
    assert model_messages(fake_ollama.last_call) == [
        ("user", "first question"),
        ("assistant", FAKE_REPLY),
        ("user", "and a follow-up"),
    ]

    # A message in a thread the agent never joined wakes nobody.
    other = message(fake_slack, acme, channel, "unrelated", thread_ts=slack_id("9"))
    other["thread_ts"] = "1700000000.000100"
    _, event_id = bridge.deliver(acme.team_id, other)
    assert bridge.wait_job(event_id) == "ignored"

    time.sleep(ENGAGEMENT_TTL + 0.5)
    late = message(fake_slack, acme, channel, "still there?", thread_ts=first["ts"])
    _, event_id = bridge.deliver(acme.team_id, late)
    assert bridge.wait_job(event_id) == "ignored"
    assert texts(fake_slack, channel, first["ts"]) == [FAKE_REPLY, FAKE_REPLY]
    assert len(fake_ollama.model_calls()) == 2


def _wait_for_minute_start_margin(seconds: float = 10) -> None:
    """Fixed one-minute windows: stay clear of a window boundary for the next `seconds`."""
    into_window = time.time() % 60
    if into_window > 60 - seconds:
        time.sleep(60 - into_window + 0.2)


def test_past_the_channel_limit_one_polite_reply_and_no_model_call(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    conn = connect(proxy, "Busy", limits={"channel_messages_per_minute": 2})
    channel = slack_id("C")
    _wait_for_minute_start_margin()
    events = [mention(fake_slack, conn, channel, f"question {n}") for n in range(4)]
    outcomes = []
    for event in events:
        _, event_id = bridge.deliver(conn.team_id, event)
        outcomes.append(bridge.wait_job(event_id))
    assert outcomes == ["answered", "answered", "rate_limited", "rate_limited"]
    assert [texts(fake_slack, channel, e["ts"]) for e in events] == [
        [FAKE_REPLY],
        [FAKE_REPLY],
        [rate_limited_text()],
        [],
    ]
    assert len(fake_ollama.model_calls()) == 2
    # Another channel of the same tenant still gets answers.
    elsewhere = mention(fake_slack, conn, slack_id("C"), "hello")
    _, event_id = bridge.deliver(conn.team_id, elsewhere)
    assert bridge.wait_job(event_id) == "answered"


def test_past_the_tenant_limit_across_channels_one_polite_reply_and_no_model_call(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    """CHAN-05: the tenant's own limit counts its messages in every channel together."""
    conn = connect(
        proxy,
        "Crowded",
        limits={"tenant_messages_per_minute": 2, "channel_messages_per_minute": 10},
    )
    channels = [slack_id("C") for _ in range(4)]
    _wait_for_minute_start_margin()
    events = [mention(fake_slack, conn, channel, "hello") for channel in channels]
    outcomes = []
    for event in events:
        _, event_id = bridge.deliver(conn.team_id, event)
        outcomes.append(bridge.wait_job(event_id))
    assert outcomes == ["answered", "answered", "rate_limited", "rate_limited"]
    assert [texts(fake_slack, e["channel"], e["ts"]) for e in events] == [
        [FAKE_REPLY],
        [FAKE_REPLY],
        [rate_limited_text()],
        [],
    ]
    assert len(fake_ollama.model_calls()) == 2
    # Another tenant is not counted with this one.
    other = connect(proxy, "Calm")
    event = mention(fake_slack, other, channels[0], "hello")
    _, event_id = bridge.deliver(other.team_id, event)
    assert bridge.wait_job(event_id) == "answered"


def test_a_long_answer_waits_out_slacks_per_channel_posting_limit(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    """Slack takes about one message a second per channel: the parts of a long answer posted
    back to back are refused with 429 and must still all arrive, in order."""
    fake_slack.configure(post_message_burst=1, post_message_per_second=1.0)
    paragraph = " ".join(f"word{n}" for n in range(700))
    reply = f"{paragraph}\n\n{paragraph}\n\nthe end"
    fake_ollama.configure(reply_text=reply)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "tell me everything")
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, event["ts"]) == split_message(to_mrkdwn(reply))
    assert 429 in [call.status for call in fake_slack.calls("chat.postMessage")]


def test_providers_down_give_exactly_one_apology(
    bridge: Bridge,
    acme: Connected,
    fake_slack: SlackFake,
    fake_ollama: OllamaFake,
    fake_anthropic: AnthropicFake,
    fake_openai: OpenAIFake,
) -> None:
    for fake in (fake_ollama, fake_anthropic, fake_openai):
        fake.configure(fail_status=500)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "anyone there?")
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, event["ts"]) == [APOLOGY_TEXT]
    assert len(fake_slack.calls("chat.postMessage")) == 1
    # An apology is no conversation: nothing to follow up on, nothing stored as the agent's.
    assert not bridge.redis.exists(engaged_thread_key(acme.tenant_id, channel, event["ts"]))
    assert history(bridge.proxy, acme.tenant_id, channel, event["ts"]) == [
        ("user", "anyone there?")
    ]


def test_escalation_hands_off_and_stays_quiet_until_mentioned(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    rules = [{"keywords": ["refund"], "target_type": "user", "target": "UHUMAN01"}]
    conn = connect(proxy, "Refunds", escalation_rules=rules)
    channel = slack_id("C")
    first = mention(fake_slack, conn, channel, "hi")
    _, event_id = bridge.deliver(conn.team_id, first)
    assert bridge.wait_job(event_id) == "answered"

    asks = message(fake_slack, conn, channel, "I want a refund now", thread_ts=first["ts"])
    _, event_id = bridge.deliver(conn.team_id, asks)
    assert bridge.wait_job(event_id) == "escalated"
    replies = texts(fake_slack, channel, first["ts"])
    assert len(replies) == 2
    assert "<@UHUMAN01>" in replies[1]
    assert "Ada" in replies[1]
    assert bridge.redis.exists(escalated_thread_key(conn.tenant_id, channel, first["ts"]))

    quiet = message(fake_slack, conn, channel, "hello? anybody?", thread_ts=first["ts"])
    _, event_id = bridge.deliver(conn.team_id, quiet)
    assert bridge.wait_job(event_id) == "ignored"

    back = mention(fake_slack, conn, channel, "ok, back to you", thread_ts=first["ts"])
    _, event_id = bridge.deliver(conn.team_id, back)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, first["ts"]) == [FAKE_REPLY, replies[1], FAKE_REPLY]
    assert len(fake_ollama.model_calls()) == 2
    assert not bridge.redis.exists(escalated_thread_key(conn.tenant_id, channel, first["ts"]))


def test_two_tenants_never_see_each_others_agents_or_history(
    bridge: Bridge,
    acme: Connected,
    globex: Connected,
    fake_slack: SlackFake,
    fake_ollama: OllamaFake,
) -> None:
    fake_ollama.configure(echo_system=True)
    # The same channel id in two workspaces is two different conversations.
    channel = slack_id("C")
    events = {}
    for conn in (acme, globex):
        event = mention(fake_slack, conn, channel, f"secret of {conn.world.slug}")
        _, event_id = bridge.deliver(conn.team_id, event)
        assert bridge.wait_job(event_id) == "answered"
        events[conn.world.slug] = event
    a_reply = texts(fake_slack, channel, events[acme.world.slug]["ts"])
    b_reply = texts(fake_slack, channel, events[globex.world.slug]["ts"])
    assert "PERSONA-Acme" in a_reply[0]
    assert "PERSONA-Globex" not in a_reply[0]
    assert "PERSONA-Globex" in b_reply[0]
    assert "PERSONA-Acme" not in b_reply[0]
    # Each workspace is written to with its own bot token only.
    tokens = {
        (call.params["thread_ts"], call.token) for call in fake_slack.calls("chat.postMessage")
    }
    assert tokens == {
        (events[acme.world.slug]["ts"], acme.bot_token),
        (events[globex.world.slug]["ts"], globex.bot_token),
    }
    b_thread = events[globex.world.slug]["ts"]
    assert history(bridge.proxy, acme.tenant_id, channel, b_thread) == []
    assert [role for role, _ in history(bridge.proxy, globex.tenant_id, channel, b_thread)] == [
        "user",
        "assistant",
    ]
    for call in fake_ollama.model_calls():
        said = " ".join(text for _, text in model_messages(call))
        assert not ("Acme" in said and "Globex" in said)


def test_a_long_answer_is_split_into_thread_replies(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    paragraph = " ".join(f"word{n}" for n in range(700))
    reply = f"{paragraph}\n\n{paragraph}\n\n**done**"
    fake_ollama.configure(reply_text=reply)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "tell me everything")
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    shown = texts(fake_slack, channel, event["ts"])
    assert shown == split_message(to_mrkdwn(reply))
    assert len(shown) > 1
    assert all(len(part) <= SLACK_TEXT_LIMIT for part in shown)
    assert shown[-1].endswith("*done*")
    # The placeholder became the first part; the rest are new replies in the thread.
    assert len(fake_slack.calls("chat.postMessage")) == len(shown)
    assert history(bridge.proxy, acme.tenant_id, channel, event["ts"])[-1] == ("assistant", reply)


def test_streaming_edits_the_placeholder_about_once_a_second(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    fake_ollama.configure(
        reply_text="one two three four five six seven eight nine ten",
        stream_chunks=10,
        stream_chunk_delay=0.35,
    )
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel)
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    (placeholder,) = fake_slack.calls("chat.postMessage")
    shown = fake_slack.message(channel, placeholder.response["ts"])
    assert shown is not None
    edits = shown.edits
    assert edits[0][1] == THINKING_TEXT
    assert edits[-1][1] == "one two three four five six seven eight nine ten"
    progress = edits[1:-1]
    assert progress, "the answer was shown only once it was complete"
    # The first word shows as soon as it comes, not a second later.
    assert progress[0][1].strip() == "one"
    assert all(edits[-1][1].startswith(text.strip()) for _, text in progress)
    gaps = [later[0] - earlier[0] for earlier, later in zip(progress, progress[1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    assert len(fake_slack.calls("chat.update")) <= 5


def test_slack_rate_limits_are_waited_out(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    fake_slack.configure(rate_limit={"chat.postMessage": 1, "chat.update": 1}, retry_after=1)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel)
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]
    assert [c.status for c in fake_slack.calls("chat.postMessage")] == [429, 200]


def test_a_gateway_that_stays_busy_gets_one_busy_reply(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    conn = connect(proxy, "Chatty", limits={"rpm_limit": 1})
    channel = slack_id("C")
    _wait_for_minute_start_margin(10)
    first = mention(fake_slack, conn, channel, "one")
    _, event_id = bridge.deliver(conn.team_id, first)
    assert bridge.wait_job(event_id) == "answered"
    second = mention(fake_slack, conn, channel, "two")
    _, event_id = bridge.deliver(conn.team_id, second)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, first["ts"]) == [FAKE_REPLY]
    assert texts(fake_slack, channel, second["ts"]) == [BUSY_TEXT]
    assert len(fake_ollama.model_calls()) == 1


async def test_an_exhausted_budget_is_explained_not_answered(
    bridge: Bridge,
    proxy: ProxyServer,
    fake_slack: SlackFake,
    fake_ollama: OllamaFake,
    owner_db: Database,
) -> None:
    conn = connect(proxy, "Spent", limits={"monthly_budget_usd": "1"})
    await spend(owner_db, conn.tenant_id, "5")
    channel = slack_id("C")
    event = mention(fake_slack, conn, channel)
    _, event_id = bridge.deliver(conn.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, event["ts"]) == [BUDGET_EXHAUSTED_TEXT]
    assert fake_ollama.model_calls() == []


@pytest.mark.parametrize("channel", ["C:1", "C 1", ""])
def test_a_signed_event_with_an_impossible_channel_is_dropped_by_the_worker(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, channel: str
) -> None:
    event = {
        "type": "app_mention",
        "user": "U0USER",
        "text": f"<@{acme.bot_user_id}> hi",
        "ts": "1700000000.000200",
        "channel": channel,
    }
    answer, event_id = bridge.deliver(acme.team_id, event)
    assert answer.status_code == 200
    assert bridge.wait_job(event_id) == "malformed"
    # The only call: the proxy's auth.test when the connection was made.
    assert [call.method for call in fake_slack.calls()] in ([], ["auth.test"])
