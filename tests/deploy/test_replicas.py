"""Two proxies and two bridge web processes (and one RQ worker) on one Postgres and one Redis,
as deploy/ runs them: a tenant key's rate limit and Slack event de-duplication hold across
the replicas, because both live in Redis and not in any one process."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis as redis_lib

from policies.redis_keys import event_dedupe_key
from tests.bridge.conftest import Bridge, WorkerProcess, connect, slack_id
from tests.bridge.events import mention
from tests.conftest import Services
from tests.fakes.ollama import OllamaFake
from tests.fakes.slack import SlackFake
from tests.processes import Process, free_port
from tests.stack import ProxyServer, make_world

# Module setup boots a second proxy (and, run alone, the suite's own): minutes on a busy machine.
pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]

HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture(scope="module")
def second_proxy(proxy: ProxyServer, proxy_env: dict[str, str]) -> Iterator[ProxyServer]:
    """Another `python -m proxy.serve` beside the suite's proxy: same database, same Redis."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**proxy_env, "PROXY_PORT": str(port), "PROXY_WORKERS": "1"}
    process = Process("proxy-replica", "proxy.serve", env, f"{url}/healthz").start()
    try:
        yield ProxyServer(url, proxy.master_key, proxy.bridge_key, process, proxy.slack)
    finally:
        process.stop()


@pytest.fixture(scope="module")
def bridge_webs(
    bridge_env: dict[str, str],
    services: Services,
    proxy: ProxyServer,
    second_proxy: ProxyServer,
) -> Iterator[tuple[Bridge, Bridge]]:
    """Two bridge web processes, each talking to its own proxy, and one worker: one queue."""
    started: list[Process] = []
    connection = redis_lib.Redis.from_url(services.redis_url)
    worker = WorkerProcess(bridge_env, services.redis_url, bridge_env["BRIDGE_QUEUE"])
    try:
        webs = []
        for n, upstream in enumerate((proxy, second_proxy), start=1):
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            env = {
                **bridge_env,
                "BRIDGE_PORT": str(port),
                "KONSTRUCT_BRIDGE_URL": url,
                "KONSTRUCT_PROXY_URL": upstream.url,
            }
            started.append(Process(f"bridge-web-{n}", "bridge.web", env, f"{url}/healthz").start())
            webs.append(Bridge(url, bridge_env["BRIDGE_QUEUE"], connection, upstream, worker))
        worker.start()
        yield webs[0], webs[1]
    finally:
        worker.stop()
        for process in started:
            process.stop()
        connection.close()


def test_a_keys_rpm_limit_holds_across_two_proxies(
    proxy: ProxyServer, second_proxy: ProxyServer, fake_ollama: OllamaFake
) -> None:
    world = make_world(proxy, "Replicated")
    with proxy.admin() as admin:
        made = admin.post(f"/admin/tenants/{world.id}/keys", json={"name": "rpm4", "rpm_limit": 4})
        assert made.status_code == 201, made.text
    key = made.json()["secret"]
    answered: list[tuple[str, int]] = []
    for n in range(10):  # alternated: a limit kept per process would let 4 through each
        server = (proxy, second_proxy)[n % 2]
        response = httpx.post(
            f"{server.url}/v1/chat/completions",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": "konstruct-fast", "messages": HELLO},
            timeout=60,
        )
        answered.append((server.url, response.status_code))
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) > 0
    codes = [code for _, code in answered]
    assert codes == [200] * 4 + [429] * 6, answered
    # Both proxies answered and both refused: the count they enforce is one count.
    assert {url for url, code in answered if code == 200} == {proxy.url, second_proxy.url}
    assert {url for url, code in answered if code == 429} == {proxy.url, second_proxy.url}
    assert len(fake_ollama.model_calls()) == 4


def test_one_event_delivered_to_both_bridge_webs_is_answered_once(
    bridge_webs: tuple[Bridge, Bridge], proxy: ProxyServer, fake_slack: SlackFake
) -> None:
    first_web, second_web = bridge_webs
    acme = connect(proxy, "Acme")
    channel = slack_id("C")
    event = mention(fake_slack, acme, channel, "are you there?")
    event_id = slack_id("Ev")
    # Slack's delivery and a retry (after a lost ack) reach different replicas at once.
    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = [
            pool.submit(web.deliver, acme.team_id, event, event_id, **retry)
            for web, retry in (
                (first_web, {}),
                (second_web, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}),
            )
        ]
        responses = [future.result()[0] for future in sent]
    assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    late, _ = second_web.deliver(acme.team_id, event, event_id)  # and once more, later
    assert late.status_code == 200
    assert first_web.wait_job(event_id) == "answered"
    time.sleep(1)  # room for a second job or reply, were there one
    replies = fake_slack.thread_view(channel, event["ts"])
    assert [m.text for m in replies] == ["Hello from fake-ollama"], replies
    started = fake_slack.calls("chat.startStream") + fake_slack.calls("chat.postMessage")
    assert len([call for call in started if call.ok]) == 1
    assert first_web.queue.count == 0
    assert first_web.redis.ttl(event_dedupe_key(event_id)) > 0
