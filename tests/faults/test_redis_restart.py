"""Redis crashes in the middle of a stream of Slack events: every event the bridge acked is
answered exactly once after recovery, and events it refused are answered once Slack
delivers them again."""

import signal
import threading
import time
from typing import Any

import httpx
import pytest

from tests.bridge.conftest import Bridge, connect, slack_id
from tests.bridge.events import mention
from tests.fakes.ollama import OllamaFake
from tests.fakes.slack import SlackFake
from tests.private_servers import PrivateRedis

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

FAKE_REPLY = "Hello from fake-ollama"
EVENTS = 40
CRASH_AFTER = 15
EVENTS_PER_SECOND = 20


def bot_replies(slack: SlackFake, event: dict[str, Any]) -> list[str]:
    """What the agent finally shows in the event's thread: a stuck placeholder or a second
    answer would be one more item."""
    return [m.text for m in slack.thread_view(event["channel"], event["ts"]) if m.is_bot]


def test_acked_events_survive_a_redis_crash_and_are_answered_once(
    faults_bridge: Bridge,
    queue_redis: PrivateRedis,
    fake_slack: SlackFake,
    fake_ollama: OllamaFake,
) -> None:
    acme = connect(faults_bridge.proxy, "Sturdy")
    # The worker is slower than the stream, so the queue holds acked events when Redis dies.
    fake_ollama.configure(delay_seconds=0.3)
    events = [mention(fake_slack, acme, slack_id("C"), f"question {n}") for n in range(EVENTS)]
    event_ids = [slack_id("Ev") for _ in events]
    statuses: dict[str, int] = {}
    sent = threading.Semaphore(0)

    def stream() -> None:
        for event, event_id in zip(events, event_ids, strict=True):
            try:
                answer, _ = faults_bridge.deliver(acme.team_id, event, event_id)
                statuses[event_id] = answer.status_code
            except httpx.HTTPError:
                statuses[event_id] = 0
            sent.release()
            time.sleep(1 / EVENTS_PER_SECOND)

    streamer = threading.Thread(target=stream)
    streamer.start()
    for _ in range(CRASH_AFTER):
        sent.acquire(timeout=60)
    waiting = len(faults_bridge.queue)
    queue_redis.restart(signal.SIGKILL)  # a crash: nothing is saved on the way down
    streamer.join(timeout=120)
    assert waiting > 0, "the crash must hit acked events that were still queued"
    assert len(statuses) == EVENTS

    # Slack delivers again what was not acked (with its retry headers) until it is.
    for event, event_id in zip(events, event_ids, strict=True):
        attempt = 0
        while not 200 <= statuses[event_id] < 300:
            attempt += 1
            assert attempt <= 10, f"{event_id} was never accepted"
            time.sleep(0.5)
            answer, _ = faults_bridge.deliver(
                acme.team_id,
                event,
                event_id,
                **{"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"},
            )
            statuses[event_id] = answer.status_code

    def all_answered() -> bool:
        return all(bot_replies(fake_slack, e) == [FAKE_REPLY] for e in events)

    fake_slack.wait_for(all_answered, timeout=180, interval=0.5)
    time.sleep(2)  # a late second answer would show up here
    assert [bot_replies(fake_slack, e) for e in events] == [[FAKE_REPLY]] * EVENTS
