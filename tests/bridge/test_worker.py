"""The warm worker (bridge/worker.py): several conversations at once in one process, a
graceful SIGTERM, and the proxy's change signal reaching every cached workspace at once."""

import time
import uuid

import pytest
from rq import Worker

from tests.bridge.conftest import Bridge, Connected, connect, running_bridge, slack_id
from tests.bridge.events import mention
from tests.bridge.test_replies import FAKE_REPLY, texts
from tests.conftest import Services
from tests.fakes.ollama import OllamaFake
from tests.fakes.slack import SlackFake
from tests.processes import free_port
from tests.stack import ProxyServer

pytestmark = pytest.mark.e2e


def test_a_slow_answer_does_not_hold_up_another_conversation(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake, fake_ollama: OllamaFake
) -> None:
    fake_ollama.configure(delay_seconds=10)
    slow_channel, fast_channel = slack_id("C"), slack_id("C")
    slow = mention(fake_slack, acme, slow_channel, "a hard question")
    _, slow_id = bridge.deliver(acme.team_id, slow)
    fake_ollama.wait_for(lambda: fake_ollama.model_calls(), timeout=30)
    fake_ollama.configure(delay_seconds=0)
    fast = mention(fake_slack, acme, fast_channel, "an easy one")
    _, fast_id = bridge.deliver(acme.team_id, fast)
    assert bridge.wait_job(fast_id, timeout=9) == "answered"
    still = bridge.job(slow_id)
    assert still is not None
    assert still.get_status() == "started"
    assert bridge.wait_job(slow_id) == "answered"
    assert texts(fake_slack, slow_channel, slow["ts"]) == [FAKE_REPLY]
    assert texts(fake_slack, fast_channel, fast["ts"]) == [FAKE_REPLY]
    # One process ran both, at once: its job threads are RQ workers of their own.
    ours = {w.name for w in Worker.all(queue=bridge.queue) if w.pid == bridge.worker.pid}
    assert len(ours) > 1
    ran_on = set()
    for event_id in (slow_id, fast_id):
        job = bridge.job(event_id)
        assert job is not None
        ran_on.add(job.worker_name)
    assert len(ran_on) == 2
    assert ran_on <= ours


def test_sigterm_lets_a_running_answer_finish_and_requeues_one_that_takes_too_long(
    bridge_env: dict[str, str],
    services: Services,
    proxy: ProxyServer,
    fake_slack: SlackFake,
    fake_ollama: OllamaFake,
) -> None:
    port = free_port()
    env = {
        **bridge_env,
        "BRIDGE_QUEUE": f"bridge-test-{uuid.uuid4().hex[:8]}",
        "BRIDGE_PORT": str(port),
        "KONSTRUCT_BRIDGE_URL": f"http://127.0.0.1:{port}",
        "BRIDGE_WORKER_SHUTDOWN_SECONDS": "4",
    }
    conn = connect(proxy, "Shutdown", is_default=True)
    with running_bridge(env, services.redis_url, proxy) as bridge:
        fake_ollama.configure(delay_seconds=1)
        short_channel = slack_id("C")
        short = mention(fake_slack, conn, short_channel, "quick")
        _, short_id = bridge.deliver(conn.team_id, short)
        fake_ollama.wait_for(lambda: fake_ollama.model_calls(), timeout=30)
        bridge.worker.terminate()
        assert bridge.wait_job(short_id, timeout=15) == "answered"
        assert texts(fake_slack, short_channel, short["ts"]) == [FAKE_REPLY]

        bridge.worker.start()
        fake_ollama.configure(delay_seconds=30)
        long_channel = slack_id("C")
        long = mention(fake_slack, conn, long_channel, "slow")
        _, long_id = bridge.deliver(conn.team_id, long)
        fake_ollama.wait_for(lambda: len(fake_ollama.model_calls()) >= 2, timeout=30)
        started = time.monotonic()
        bridge.worker.terminate()
        assert time.monotonic() - started < 12
        job = bridge.job(long_id)
        assert job is not None
        assert job.get_status() == "queued"  # put back by RQ's retry, for another worker

        fake_ollama.configure(delay_seconds=0)
        bridge.worker.start()
        assert bridge.wait_job(long_id) == "answered"
        assert texts(fake_slack, long_channel, long["ts"]) == [FAKE_REPLY]


def eventually(bridge: Bridge, conn: Connected, slack: SlackFake, outcome: str) -> None:
    """Events keep coming; within a moment of the change one gets `outcome` (the change
    signal is asynchronous, but no cache lapse is waited for)."""
    deadline = time.monotonic() + 10  # the caches' lapses are 60 s and more
    while True:
        event = mention(slack, conn, slack_id("C"), "are you there?")
        _, event_id = bridge.deliver(conn.team_id, event)
        got = "not_enqueued" if bridge.job(event_id) is None else bridge.wait_job(event_id)
        if got == outcome:
            return
        assert time.monotonic() < deadline, f"still {got!r}, not {outcome!r}"


def test_agent_limit_and_tenant_changes_reach_the_bridge_at_once(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake
) -> None:
    conn = connect(proxy, "Changing", is_default=True)
    eventually(bridge, conn, fake_slack, "answered")
    base = f"/admin/tenants/{conn.tenant_id}"
    with proxy.admin() as admin:
        off = admin.patch(f"{base}/agents/{conn.agent_id}", json={"is_active": False})
        assert off.status_code == 200, off.text
    eventually(bridge, conn, fake_slack, "no_agent")
    with proxy.admin() as admin:
        assert admin.patch(f"{base}/agents/{conn.agent_id}", json={"is_active": True}).is_success
        limits = admin.put(f"{base}/limits", json={"tenant_messages_per_minute": 1})
        assert limits.status_code == 200, limits.text
    eventually(bridge, conn, fake_slack, "rate_limited")
    with proxy.admin() as admin:
        assert admin.post(f"{base}/suspend").is_success
    eventually(bridge, conn, fake_slack, "not_enqueued")
