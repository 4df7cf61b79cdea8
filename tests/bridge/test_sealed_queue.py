"""A queued Slack event carries the person's words sealed under the tenant's queue key; the
worker opens it and the agent still hears them."""

import uuid
import zlib

import pytest

from bridge.sealed_events import SEALED
from tests.bridge.conftest import Bridge, Connected, slack_id
from tests.bridge.events import mention
from tests.fakes.ollama import OllamaFake
from tests.fakes.slack import SlackFake

pytestmark = pytest.mark.e2e


def redis_values(bridge: Bridge) -> list[bytes]:
    """Every string and hash value in the bridge's Redis, RQ job payloads decompressed."""
    values: list[bytes] = []
    for key in bridge.redis.scan_iter(count=1000):
        kind = bridge.redis.type(key)
        found = (
            [bridge.redis.get(key) or b""]
            if kind == b"string"
            else list(bridge.redis.hgetall(key).values())
            if kind == b"hash"
            else []
        )
        for value in found:
            try:
                values.append(zlib.decompress(value))
            except zlib.error:
                values.append(value)
    return values


def test_the_queued_event_is_sealed_and_still_answered(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    channel = slack_id("C")
    words = f"our launch code is {uuid.uuid4().hex}"
    event = mention(fake_slack, acme, channel, words)
    answer, event_id = bridge.deliver(acme.team_id, event)
    assert answer.status_code == 200
    assert bridge.wait_job(event_id) == "answered"

    job = bridge.job(event_id)
    assert job is not None
    queued = job.kwargs["event"]
    assert SEALED in queued
    assert "text" not in queued
    assert {queued["type"], queued["channel"], queued["ts"]} == {
        "app_mention",
        channel,
        event["ts"],
    }
    assert not [value for value in redis_values(bridge) if words.encode() in value]
    # The worker opened it: the person's words reached the model.
    assert any(words in m["content"] for m in fake_ollama.last_call.json["messages"])
