"""Native Slack streaming of answers (chat.startStream/appendStream/stopStream), and the
placeholder the worker falls back to where a workspace cannot stream."""

import time

import pytest

from policies.mrkdwn import (
    APOLOGY_TEXT,
    BUDGET_EXHAUSTED_TEXT,
    BUSY_TEXT,
    SLACK_TEXT_LIMIT,
    THINKING_TEXT,
    split_message,
    to_safe_markdown,
)
from policies.redis_keys import event_reply_key, native_stream_off_key
from proxy.core.db.engine import Database
from tests.bridge.conftest import Bridge, Connected, connect, slack_id
from tests.bridge.events import mention, slack_connect_mention
from tests.bridge.test_replies import FAKE_REPLY, history, texts
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.llm_base import LLMFakeServer
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.fakes.slack import SlackFake
from tests.stack import ProxyServer, spend, wait_until_answering

pytestmark = pytest.mark.e2e

STREAM_METHODS = ("chat.startStream", "chat.appendStream", "chat.stopStream")
TEN_WORDS = "one two three four five six seven eight nine ten"


def stream_calls(slack: SlackFake) -> dict[str, int]:
    return {method: len(slack.calls(method)) for method in STREAM_METHODS}


def test_a_mention_is_streamed_natively_with_paced_appends(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    fake_ollama.configure(reply_text=TEN_WORDS, stream_chunks=10, stream_chunk_delay=0.35)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "count to ten")
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"

    (start,) = fake_slack.calls("chat.startStream")
    assert (start.token, start.params["channel"], start.params["thread_ts"]) == (
        acme.bot_token,
        channel,
        event["ts"],
    )
    # In a channel Slack streams to one person: the one who asked, in their workspace.
    assert (start.params["recipient_user_id"], start.params["recipient_team_id"]) == (
        "U0USER",
        acme.team_id,
    )
    ts = start.response["ts"]
    appends = fake_slack.calls("chat.appendStream")
    assert appends, "the answer was shown only once it was complete"
    assert {a.params["ts"] for a in appends} == {ts}
    # The first word shows as soon as it comes (0.35 s before the second), not a second later.
    assert appends[0].params["markdown_text"] == "one "
    # Then deltas are batched: at most one append a second, each adding whole words.
    gaps = [later.time - earlier.time for earlier, later in zip(appends, appends[1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    assert len(appends) <= 5
    assert all(a.params["markdown_text"].endswith(" ") for a in appends)
    (stop,) = fake_slack.calls("chat.stopStream")
    assert stop.params["ts"] == ts

    # One reply, the streamed one, finished with the whole answer; no placeholder, no edits.
    assert texts(fake_slack, channel, event["ts"]) == [TEN_WORDS]
    shown = fake_slack.message(channel, ts)
    assert shown is not None
    assert (shown.created_by, shown.streaming) == ("chat.startStream", False)
    assert all(TEN_WORDS.startswith(text) for _, text in shown.edits)
    assert fake_slack.calls("chat.postMessage") == []
    assert fake_slack.calls("chat.update") == []
    assert history(bridge.proxy, acme.tenant_id, channel, event["ts"]) == [
        ("user", "count to ten"),
        ("assistant", TEN_WORDS),
    ]
    record = bridge.redis.hgetall(event_reply_key(acme.tenant_id, event_id))
    assert record == {b"ts": ts.encode(), b"mode": b"stream", b"done": b"1"}


def test_streamed_text_notifies_nobody(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    reply = "Hey <!channel> and <!here>, ask <@U0BOSS> or @everyone about **this**."
    fake_ollama.configure(reply_text=reply, stream_chunks=6, stream_chunk_delay=0.3)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel)
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    (shown,) = texts(fake_slack, channel, event["ts"])
    # Slack renders a stream's Markdown itself: the bold stays Markdown.
    assert shown == to_safe_markdown(reply)
    assert "**this**" in shown
    for mention_text in ("<!channel>", "<!here>", "<@U0BOSS>", "@everyone"):
        assert mention_text not in shown
    streamed = "".join(
        call.params.get("markdown_text") or ""
        for call in fake_slack.calls()
        if call.method in STREAM_METHODS
    )
    assert streamed == shown


def test_where_streaming_is_unavailable_the_placeholder_is_used_and_remembered(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    fake_slack.configure(disabled_methods=set(STREAM_METHODS))
    channel = slack_id("C")
    first = mention(fake_slack, acme, channel, "one")
    _, event_id = bridge.deliver(acme.team_id, first)
    assert bridge.wait_job(event_id) == "answered"
    assert [c.response["error"] for c in fake_slack.calls("chat.startStream")] == ["unknown_method"]
    (placeholder,) = fake_slack.calls("chat.postMessage")
    assert placeholder.params["text"] == THINKING_TEXT
    assert {u.params["ts"] for u in fake_slack.calls("chat.update")} == {placeholder.response["ts"]}
    assert texts(fake_slack, channel, first["ts"]) == [FAKE_REPLY]
    off = native_stream_off_key(acme.tenant_id, acme.team_id)
    assert bridge.redis.get(off) == b"unknown_method"
    assert 0 < bridge.redis.ttl(off) <= 3600

    # The workspace's next reply goes straight to the placeholder.
    second = mention(fake_slack, acme, channel, "two")
    _, event_id = bridge.deliver(acme.team_id, second)
    assert bridge.wait_job(event_id) == "answered"
    assert len(fake_slack.calls("chat.startStream")) == 1
    assert texts(fake_slack, channel, second["ts"]) == [FAKE_REPLY]


def test_a_refusal_for_one_channel_falls_back_without_being_remembered(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    fake_slack.configure(method_errors={"chat.startStream": "channel_type_not_supported"})
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel)
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]
    assert [c.params["text"] for c in fake_slack.calls("chat.postMessage")] == [THINKING_TEXT]
    assert not bridge.redis.exists(native_stream_off_key(acme.tenant_id, acme.team_id))

    fake_slack.configure(method_errors={})
    other = mention(fake_slack, acme, slack_id("C"))
    _, event_id = bridge.deliver(acme.team_id, other)
    assert bridge.wait_job(event_id) == "answered"
    assert [c.ok for c in fake_slack.calls("chat.startStream")] == [False, True]


def test_the_same_event_four_times_is_streamed_once(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "what's up?")
    _, event_id = bridge.deliver(acme.team_id, event)
    for headers in (
        {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
        {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"},
        {},
    ):
        answer, _ = bridge.deliver(acme.team_id, event, event_id, **headers)
        assert answer.status_code == 200
    assert bridge.wait_job(event_id) == "answered"
    time.sleep(0.5)
    assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]
    assert stream_calls(fake_slack)["chat.startStream"] == 1
    assert stream_calls(fake_slack)["chat.stopStream"] == 1
    assert fake_slack.calls("chat.postMessage") == []


def test_providers_down_end_the_stream_with_one_apology(
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
    (stop,) = fake_slack.calls("chat.stopStream")
    assert stop.params["markdown_text"] == APOLOGY_TEXT
    assert stream_calls(fake_slack)["chat.startStream"] == 1
    assert fake_slack.calls("chat.postMessage") == []
    assert history(bridge.proxy, acme.tenant_id, channel, event["ts"]) == [
        ("user", "anyone there?")
    ]


# konstruct-fast's providers in their `order`.
FAST_CHAIN = ("ollama", "anthropic", "openai")


@pytest.fixture
def fakes(
    fake_ollama: OllamaFake, fake_anthropic: AnthropicFake, fake_openai: OpenAIFake
) -> dict[str, LLMFakeServer]:
    return {"ollama": fake_ollama, "anthropic": fake_anthropic, "openai": fake_openai}


@pytest.mark.parametrize("provider", FAST_CHAIN)
def test_a_provider_failing_mid_stream_leaves_one_apology_not_half_an_answer(
    bridge: Bridge,
    acme: Connected,
    fake_slack: SlackFake,
    fakes: dict[str, LLMFakeServer],
    provider: str,
) -> None:
    """Words were already appended to the stream when the provider failed (Anthropic's
    `event: error`, OpenAI's dropped connection, Ollama's error line)."""
    for earlier in FAST_CHAIN[: FAST_CHAIN.index(provider)]:
        fakes[earlier].configure(fail_status=500)
    fakes[provider].configure(
        reply_text=TEN_WORDS, stream_chunks=10, stream_chunk_delay=0.35, stream_error_after=6
    )
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "count to ten")
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    assert fake_slack.calls("chat.appendStream"), "no half answer was ever shown"
    assert texts(fake_slack, channel, event["ts"]) == [APOLOGY_TEXT]
    (start,) = fake_slack.calls("chat.startStream")
    shown = fake_slack.message(channel, start.response["ts"])
    assert shown is not None
    assert not shown.streaming
    assert history(bridge.proxy, acme.tenant_id, channel, event["ts"]) == [("user", "count to ten")]


@pytest.mark.parametrize(
    ("status", "finals"),
    [(429, {BUSY_TEXT}), (401, {APOLOGY_TEXT}), (529, {APOLOGY_TEXT, BUSY_TEXT})],
)
def test_providers_refusing_end_the_stream_with_one_canned_reply(
    bridge: Bridge,
    acme: Connected,
    fake_slack: SlackFake,
    fakes: dict[str, LLMFakeServer],
    status: int,
    finals: set[str],
) -> None:
    """Every provider rate-limits, refuses the platform's key, or (Anthropic) is overloaded;
    an overload that leaves every deployment cooling down may read as "busy"."""
    for name, fake in fakes.items():
        fake.configure(fail_status=status if status != 529 or name == "anthropic" else 500)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "anyone there?")
    try:
        _, event_id = bridge.deliver(acme.team_id, event)
        assert bridge.wait_job(event_id) == "answered"
        (final,) = texts(fake_slack, channel, event["ts"])
        assert final in finals
        assert stream_calls(fake_slack)["chat.startStream"] == 1
        assert fake_slack.calls("chat.postMessage") == []
    finally:
        for fake in fakes.values():
            fake.configure(fail_status=None)
        wait_until_answering(bridge.proxy, acme.world.key)


def test_a_mention_in_a_slack_connect_channel_is_answered_by_the_installed_workspace(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    """The event comes with the partner's team everywhere but `authorizations`."""
    partner = slack_id("T")
    channel = slack_id("C")
    event = slack_connect_mention(fake_slack, acme, channel, partner, "hello from outside")
    _, event_id = bridge.deliver(partner, event, installed_team=acme.team_id)
    assert bridge.wait_job(event_id) == "answered"
    assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]
    (start,) = fake_slack.calls("chat.startStream")
    assert start.token == acme.bot_token
    # Slack streams to the person who asked, in their own workspace.
    assert (start.params["recipient_user_id"], start.params["recipient_team_id"]) == (
        "U0PARTNER",
        partner,
    )


async def test_an_exhausted_budget_ends_the_stream_with_the_budget_text(
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
    assert stream_calls(fake_slack)["chat.stopStream"] == 1
    assert fake_ollama.model_calls() == []


def test_a_long_streamed_answer_is_split_into_thread_replies(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    paragraph = " ".join(f"word{n}" for n in range(700))
    reply = f"{paragraph}\n\n{paragraph}\n\n**done** <!here>"
    fake_ollama.configure(reply_text=reply)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "tell me everything")
    _, event_id = bridge.deliver(acme.team_id, event)
    assert bridge.wait_job(event_id) == "answered"
    shown = texts(fake_slack, channel, event["ts"])
    assert shown == split_message(to_safe_markdown(reply))
    assert len(shown) > 1
    assert all(len(part) <= SLACK_TEXT_LIMIT for part in shown)
    assert "<!here>" not in shown[-1]
    # The stream holds the first part; the rest are new Markdown replies in the thread.
    assert stream_calls(fake_slack)["chat.startStream"] == 1
    posts = fake_slack.calls("chat.postMessage")
    # The last part carries the feedback control: Markdown as a block, `text` its fallback.
    assert [p.params["markdown_text"] for p in posts[:-1]] == shown[1:-1]
    blocks = posts[-1].params["blocks"]
    assert posts[-1].params["text"] == shown[-1]
    assert [b["type"] for b in blocks] == ["markdown", "actions"]
    assert blocks[0]["text"] == shown[-1]


def test_a_worker_killed_mid_stream_reruns_into_exactly_one_reply(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    fake_ollama.configure(delay_seconds=6)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "long question")
    _, event_id = bridge.deliver(acme.team_id, event)
    fake_slack.wait_for_calls("chat.startStream", 1, timeout=30)
    fake_ollama.wait_for(lambda: fake_ollama.model_calls(), timeout=30)
    with bridge.worker_killed():
        fake_ollama.configure(delay_seconds=0)
    assert bridge.wait_job(event_id) == "answered"
    # The re-run finished the stream it had recorded instead of starting another.
    assert texts(fake_slack, channel, event["ts"]) == [FAKE_REPLY]
    (start,) = fake_slack.calls("chat.startStream")
    assert {c.params["ts"] for c in fake_slack.calls("chat.stopStream")} == {start.response["ts"]}
    assert fake_slack.calls("chat.postMessage") == []
