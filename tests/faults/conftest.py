"""The fault suite's own servers: a Redis it may crash, a Postgres it may restart, and the
bridge and a proxy pointed at them. The shared servers on 5432/6379 are never touched."""

from collections.abc import Iterator

import pytest

from proxy.migrate import migrate
from tests.bridge.conftest import Bridge, make_bridge_env, running_bridge
from tests.fakes.slack import SlackFake
from tests.private_servers import PrivatePostgres, PrivateRedis
from tests.processes import Process, free_port
from tests.stack import BRIDGE_KEY, MASTER_KEY, ProxyServer

# Where queues live, Redis keeps every acknowledged write on disk before it answers
# (`appendfsync always`: Slack never resends an event we acked, so "written but not yet
# fsynced" is not good enough) and refuses writes rather than evicting keys when full.
QUEUE_REDIS_ARGS = [
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
    "--maxmemory-policy",
    "noeviction",
]
# The proxy under test gives up on one provider after this long and tries the next.
PROVIDER_TIMEOUT_SECONDS = 3


@pytest.fixture(scope="session")
def queue_redis() -> Iterator[PrivateRedis]:
    """A redis-server configured for queues, that tests may crash and restart."""
    with PrivateRedis(QUEUE_REDIS_ARGS) as server:
        yield server


@pytest.fixture(scope="session")
def faults_bridge(
    faults_proxy: ProxyServer, queue_redis: PrivateRedis, fake_slack_session: SlackFake
) -> Iterator[Bridge]:
    """Bridge web and worker on the crashable Redis, answering through the suite's proxy."""
    redis_url = f"{queue_redis.url}/0"
    env = make_bridge_env(faults_proxy, redis_url, fake_slack_session)
    # One job at a time, as these faults are about one conversation's job: slower than the
    # suite's event streams, so a crash finds acked events still waiting in the queue, and
    # a 429 storm's calls follow one another (jobs answering at once in one workspace pause
    # a method together once a 429 has come back, bridge/clients.py, but calls already on
    # their way then can each be answered 429 too).
    env["BRIDGE_WORKER_CONCURRENCY"] = "1"
    with running_bridge(env, redis_url, faults_proxy) as bridge:
        yield bridge


@pytest.fixture(scope="session")
def faults_postgres() -> Iterator[PrivatePostgres]:
    """A migrated Postgres 15 of the suite's own, that tests may restart."""
    with PrivatePostgres() as server:
        migrate(server.url("konstruct"), server.url("konstruct", "konstruct_app", "konstruct_app"))
        yield server


@pytest.fixture(scope="session")
def faults_proxy(
    proxy_env: dict[str, str], faults_postgres: PrivatePostgres, fake_slack_session: SlackFake
) -> Iterator[ProxyServer]:
    """A proxy (one worker) on the restartable Postgres, with a short provider timeout.

    Anthropic is left unconfigured, so `konstruct-quality` is OpenAI first, then Ollama.
    """
    port = free_port()
    env = {
        **proxy_env,
        "DATABASE_URL": faults_postgres.url("konstruct", "konstruct_app", "konstruct_app"),
        "DATABASE_ADMIN_URL": faults_postgres.url("konstruct"),
        "ANTHROPIC_API_KEY": "",
        "KONSTRUCT_PROVIDER_TIMEOUT_SECONDS": str(PROVIDER_TIMEOUT_SECONDS),
        "PROXY_PORT": str(port),
        "PROXY_WORKERS": "1",
    }
    health = f"http://127.0.0.1:{port}/healthz"
    process = Process("faults-proxy", "proxy.serve", env, health).start()
    try:
        yield ProxyServer(
            f"http://127.0.0.1:{port}", MASTER_KEY, BRIDGE_KEY, process, fake_slack_session
        )
    finally:
        process.stop()
