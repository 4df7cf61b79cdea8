"""A storm of Slack 429s: the bridge waits out every Retry-After (no call to a method of the
workspace before Slack said it may) and still answers every event exactly once."""

from collections import defaultdict

import pytest

from tests.bridge.conftest import Bridge, connect, slack_id
from tests.bridge.events import mention
from tests.fakes.slack import SlackCall, SlackFake

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

FAKE_REPLY = "Hello from fake-ollama"
EVENTS = 3
# 429s in a row on every writing method: several Retry-After pauses for each call.
STORM = 5
RETRY_AFTER = 1
WRITING_METHODS = (
    "chat.postMessage",
    "chat.update",
    "chat.startStream",
    "chat.appendStream",
    "chat.stopStream",
)


def early_calls(calls: list[SlackCall]) -> list[str]:
    """Calls that came before an earlier 429's Retry-After had elapsed (same method, token)."""
    paused_until: dict[tuple[str, str | None], float] = defaultdict(float)
    early = []
    for call in sorted(calls, key=lambda c: c.time):
        key = (call.method, call.token)
        if call.time < paused_until[key]:
            early.append(f"{call.method} {paused_until[key] - call.time:.2f}s early")
        if call.status == 429:
            paused_until[key] = max(paused_until[key], call.time + RETRY_AFTER)
    return early


def test_a_429_storm_is_waited_out_and_every_event_answered_once(
    faults_bridge: Bridge, fake_slack: SlackFake
) -> None:
    acme = connect(faults_bridge.proxy, "Stormy")
    fake_slack.configure(rate_limit=dict.fromkeys(WRITING_METHODS, STORM), retry_after=RETRY_AFTER)
    events = [mention(fake_slack, acme, slack_id("C"), f"question {n}") for n in range(EVENTS)]
    for event in events:
        answer, _ = faults_bridge.deliver(acme.team_id, event)
        assert answer.status_code == 200

    def replies() -> list[list[str]]:
        return [
            [m.text for m in fake_slack.thread_view(e["channel"], e["ts"]) if m.is_bot]
            for e in events
        ]

    fake_slack.wait_for(lambda: replies() == [[FAKE_REPLY]] * EVENTS, timeout=120, interval=0.5)
    assert any(call.status == 429 for call in fake_slack.calls())
    assert early_calls(fake_slack.calls()) == []
