"""A reply's life in its thread (bridge/streaming.py) against the Slack fake and real Redis:
the paths a whole-stack test cannot time, such as a failure after partial text or a stream
Slack already closed."""

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bridge.actions import feedback_block
from bridge.clients import Clients
from bridge.settings import Settings
from bridge.streaming import (
    MODE_PLACEHOLDER,
    MODE_STREAM,
    Answer,
    Place,
    StreamReply,
    ThreadReply,
    open_reply,
    resume_reply,
)
from policies.mrkdwn import APOLOGY_TEXT, THINKING_TEXT
from policies.redis_keys import native_stream_off_key
from tests.conftest import Services
from tests.fakes.slack import SlackFake

pytestmark = pytest.mark.integration

CHANNEL = "C0STREAM"
THREAD = "1700000000.000100"
TOKEN = "xoxb-stream-test"


@pytest.fixture
async def redis(services: Services) -> AsyncIterator[Redis]:
    client = Redis.from_url(services.redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def clients(fake_slack: SlackFake, services: Services) -> AsyncIterator[Clients]:
    fake_slack.install_workspace("T0STREAM", TOKEN)
    fake_slack.share_channel(CHANNEL, "T0STREAM")
    opened = Clients.open(Settings(slack_api_url=fake_slack.api_url, redis_url=services.redis_url))
    yield opened
    await opened.aclose()


@pytest.fixture
async def place(clients: Clients) -> Place:
    return Place(clients.slack(TOKEN), CHANNEL, THREAD)


@pytest.fixture
async def off_key(redis: Redis) -> AsyncIterator[str]:
    key = native_stream_off_key(uuid.uuid4(), "T0STREAM")
    yield key
    await redis.delete(key)


async def open_in_thread(place: Place, redis: Redis, off_key: str) -> ThreadReply:
    return await open_reply(
        place,
        redis,
        stream_off_key=off_key,
        stream_off_seconds=60,
        recipient_user_id="U0USER",
        recipient_team_id="T0STREAM",
    )


async def start(place: Place, redis: Redis, off_key: str) -> StreamReply:
    reply = await open_in_thread(place, redis, off_key)
    assert isinstance(reply, StreamReply)
    return reply


def shown(slack: SlackFake) -> list[str]:
    return slack.thread_texts(CHANNEL, THREAD)


async def test_settled_words_are_appended_and_the_stop_adds_the_rest(
    place: Place, redis: Redis, off_key: str, fake_slack: SlackFake
) -> None:
    reply = await start(place, redis, off_key)
    assert reply.mode == MODE_STREAM
    await reply.progress("Hello <!here> wor")
    await reply.progress("Hello <!here> wor")  # nothing new settled: no call
    await reply.progress("Hello <!here> world, and")
    answer = Answer("Hello <!here> world, and more.", from_model=True)
    (final,) = reply.parts(answer)
    await reply.finish(final)

    appended = [c.params["markdown_text"] for c in fake_slack.calls("chat.appendStream")]
    assert appended == ["Hello <\u200d!here> ", "world, "]
    (stop,) = fake_slack.calls("chat.stopStream")
    assert stop.params["markdown_text"] == "and more."
    assert shown(fake_slack) == ["Hello <\u200d!here> world, and more."]
    assert fake_slack.calls("chat.update") == []


async def test_a_failure_after_partial_text_leaves_only_the_apology(
    place: Place, redis: Redis, off_key: str, fake_slack: SlackFake
) -> None:
    reply = await start(place, redis, off_key)
    await reply.progress("The answer is ")
    (final,) = reply.parts(Answer(APOLOGY_TEXT, from_model=False))
    await reply.finish(final)
    assert shown(fake_slack) == [APOLOGY_TEXT]
    assert len(fake_slack.calls("chat.stopStream")) == 1
    (update,) = fake_slack.calls("chat.update")
    assert update.params["markdown_text"] == APOLOGY_TEXT


async def test_a_rerun_finishes_the_recorded_stream_without_appending(
    place: Place, redis: Redis, off_key: str, fake_slack: SlackFake
) -> None:
    first_run = await start(place, redis, off_key)
    await first_run.progress("Half an answer from the first run ")
    rerun = resume_reply(place, first_run.ts, MODE_STREAM)
    await rerun.progress("A new answer ")
    (final,) = rerun.parts(Answer("A new answer, whole.", from_model=True))
    await rerun.finish(final)
    assert shown(fake_slack) == ["A new answer, whole."]
    assert len(fake_slack.calls("chat.startStream")) == 1
    assert len(fake_slack.calls("chat.appendStream")) == 1
    message = fake_slack.message(CHANNEL, first_run.ts)
    assert message is not None
    assert not message.streaming


async def test_a_stream_slack_already_closed_is_rewritten(
    place: Place, redis: Redis, off_key: str, fake_slack: SlackFake
) -> None:
    reply = await start(place, redis, off_key)
    await reply.progress("Slow answer ")
    fake_slack.configure(method_errors={"chat.stopStream": "message_not_in_streaming_state"})
    await reply.finish("Slow answer, at last.")
    assert shown(fake_slack) == ["Slow answer, at last."]


async def test_a_refused_append_stops_progress_and_the_end_rewrites(
    place: Place, redis: Redis, off_key: str, fake_slack: SlackFake
) -> None:
    reply = await start(place, redis, off_key)
    await reply.progress("one ")
    fake_slack.configure(method_errors={"chat.appendStream": "internal_error"})
    await reply.progress("one two ")
    fake_slack.configure(method_errors={})
    await reply.progress("one two three ")
    await reply.finish("one two three four")
    assert len(fake_slack.calls("chat.appendStream")) == 2
    assert shown(fake_slack) == ["one two three four"]


async def test_a_workspace_that_cannot_stream_gets_the_placeholder_for_a_while(
    place: Place, redis: Redis, off_key: str, fake_slack: SlackFake
) -> None:
    fake_slack.configure(method_errors={"chat.startStream": "not_allowed_token_type"})
    for _ in range(2):
        reply = await open_in_thread(place, redis, off_key)
        assert reply.mode == MODE_PLACEHOLDER
        await reply.progress("**Hi** <@U0BOSS>")
        await reply.finish(reply.parts(Answer("**Hi** <@U0BOSS>", from_model=True))[0])
    assert len(fake_slack.calls("chat.startStream")) == 1
    assert await redis.get(off_key) == "not_allowed_token_type"
    assert 0 < await redis.ttl(off_key) <= 60
    assert [c.params["text"] for c in fake_slack.calls("chat.postMessage")] == [THINKING_TEXT] * 2
    # The placeholder path speaks mrkdwn.
    assert shown(fake_slack) == ["*Hi* &lt;@U0BOSS&gt;"] * 2


AGENT = uuid.UUID("00000000-0000-4000-8000-000000000001")


async def test_a_models_answer_ends_with_the_feedback_control_a_canned_text_without(
    clients: Clients, fake_slack: SlackFake, redis: Redis, off_key: str
) -> None:
    rated = Place(clients.slack(TOKEN), CHANNEL, THREAD, feedback_block(AGENT))
    streamed = await start(rated, redis, off_key)
    (part,) = streamed.parts(Answer("All good here.", from_model=True))
    await streamed.finish(part)
    (stop,) = fake_slack.calls("chat.stopStream")
    assert stop.ok, stop.response
    (control,) = stop.params["blocks"] if isinstance(stop.params["blocks"], list) else []
    assert [e["action_id"] for e in control["elements"]] == ["feedback:up", "feedback:down"]
    assert {e["value"] for e in control["elements"]} == {str(AGENT)}

    await redis.set(off_key, "unknown_method")
    placeholder = await open_in_thread(rated, redis, off_key)
    (part,) = placeholder.parts(Answer("Also **fine**.", from_model=True))
    await placeholder.finish(part)
    (update,) = fake_slack.calls("chat.update")
    assert update.ok, update.response
    message = fake_slack.message(CHANNEL, placeholder.ts)
    assert message is not None
    assert message.blocks is not None
    assert [b["type"] for b in message.blocks] == ["section", "actions"]
    assert message.blocks[0]["text"]["text"] == "Also *fine*."

    apology = await open_in_thread(rated, redis, off_key)
    (part,) = apology.parts(Answer(APOLOGY_TEXT, from_model=False))
    await apology.finish(part)
    message = fake_slack.message(CHANNEL, apology.ts)
    assert message is not None
    assert message.blocks is None
    assert message.text == APOLOGY_TEXT
