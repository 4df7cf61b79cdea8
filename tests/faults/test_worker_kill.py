"""A worker killed with SIGKILL in the middle of a job: the re-run edits the placeholder the
dead worker posted, so the thread gets exactly one reply."""

import pytest

from policies.mrkdwn import THINKING_TEXT
from tests.bridge.conftest import Bridge, connect, slack_id
from tests.bridge.events import mention
from tests.fakes.ollama import OllamaFake
from tests.fakes.slack import SlackFake

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

FAKE_REPLY = "Hello from fake-ollama"


def test_a_worker_killed_after_the_placeholder_reruns_into_exactly_one_reply(
    faults_bridge: Bridge, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    # The placeholder path (no native streaming), where the kill falls between the
    # placeholder and the answer.
    fake_slack.configure(
        disabled_methods={"chat.startStream", "chat.appendStream", "chat.stopStream"}
    )
    acme = connect(faults_bridge.proxy, "Acme")
    fake_ollama.configure(delay_seconds=6)
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "long question")
    _, event_id = faults_bridge.deliver(acme.team_id, event)
    (placeholder,) = fake_slack.wait_for_calls("chat.postMessage", 1, timeout=30)
    assert placeholder.params["text"] == THINKING_TEXT
    fake_ollama.wait_for(lambda: fake_ollama.model_calls(), timeout=30)
    with faults_bridge.worker_killed():
        fake_ollama.configure(delay_seconds=0)
    assert faults_bridge.wait_job(event_id) == "answered"
    replies = [m.text for m in fake_slack.thread_view(channel, event["ts"]) if m.is_bot]
    assert replies == [FAKE_REPLY]
    assert len(fake_slack.calls("chat.postMessage")) == 1
