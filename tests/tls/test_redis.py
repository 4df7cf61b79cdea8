"""Redis over TLS 1.3: the proxy's cache and the bridge's queue on `rediss://`, weaker refused."""

import ssl
import uuid

import pytest
import redis
from redis.asyncio import Redis as AsyncRedis

from bridge.queue import accept_event, bridge_queue, job_id_for
from bridge.settings import Settings as BridgeSettings
from policies.tls import client_context, redis_url
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings as ProxySettings
from proxy.gateway.cache import agent_card_key, forget_agent
from tests.tls.conftest import UNNAMED_HOST, Certs, TlsRedis, handshake, tls12_only

pytestmark = pytest.mark.tls


async def test_proxy_cache_runs_over_tls13(tls_redis: TlsRedis) -> None:
    runtime = Runtime(ProxySettings(redis_url=tls_redis.url(db=1)))
    tenant = uuid.uuid4()
    key = agent_card_key(tenant, "ada")
    with tls_redis.server.client(db=1) as server:
        try:
            await runtime.redis.set(key, "{}")
            assert server.get(key) == b"{}"
            await forget_agent(runtime.redis, tenant, ["ada"])
            assert server.exists(key) == 0
        finally:
            await runtime.close()


def test_bridge_queue_runs_over_tls13(tls_redis: TlsRedis) -> None:
    settings = BridgeSettings(redis_url=tls_redis.url(db=2))
    event_id = f"Ev{uuid.uuid4().hex[:10]}"
    with redis.Redis.from_url(settings.redis_url) as connection:
        assert accept_event(
            connection, settings, team_id="T1", event_id=event_id, event={"type": "app_mention"}
        )
        assert not accept_event(
            connection, settings, team_id="T1", event_id=event_id, event={"type": "app_mention"}
        )
        job = bridge_queue(connection, settings).fetch_job(job_id_for(event_id))
        assert job is not None
        assert job.kwargs["event_id"] == event_id


async def test_bridge_async_client_runs_over_tls13(tls_redis: TlsRedis) -> None:
    client = AsyncRedis.from_url(BridgeSettings(redis_url=tls_redis.url(db=3)).redis_url)
    try:
        assert await client.ping() is True
    finally:
        await client.aclose()


def test_server_speaks_tls13_and_refuses_tls12(tls_redis: TlsRedis) -> None:
    port = tls_redis.server.port
    assert handshake(port, client_context(str(tls_redis.ca_file))) == "TLSv1.3"
    with pytest.raises(ssl.SSLError, match="PROTOCOL_VERSION|protocol version"):
        handshake(port, tls12_only(tls_redis.ca_file))


def test_plain_tcp_client_gets_nothing(tls_redis: TlsRedis) -> None:
    with (
        redis.Redis(host="127.0.0.1", port=tls_redis.server.port, socket_timeout=3) as client,
        pytest.raises(redis.ConnectionError),
    ):
        client.ping()


def test_client_refuses_a_server_from_another_ca(tls_redis: TlsRedis, certs: Certs) -> None:
    url = BridgeSettings(redis_url=tls_redis.url(ca_file=certs.rogue_ca)).redis_url
    with (
        redis.Redis.from_url(url) as client,
        pytest.raises(redis.ConnectionError, match="certificate verify failed"),
    ):
        client.ping()


def test_client_refuses_a_host_the_certificate_does_not_name(tls_redis: TlsRedis) -> None:
    url = ProxySettings(redis_url=tls_redis.url(host=UNNAMED_HOST)).redis_url
    with (
        redis.Redis.from_url(url) as client,
        pytest.raises(redis.ConnectionError, match="not valid for '127.0.0.2'"),
    ):
        client.ping()


def test_a_url_cannot_weaken_verification_or_the_version(tls_redis: TlsRedis, certs: Certs) -> None:
    weak = tls_redis.url(ca_file=certs.rogue_ca) + "&ssl_cert_reqs=none&ssl_min_version=771"
    completed = redis_url(weak)
    assert "ssl_cert_reqs=required" in completed
    assert "ssl_min_version=772" in completed
    assert "ssl_cert_reqs=none" not in completed
    assert "771" not in completed
    with (
        redis.Redis.from_url(completed) as client,
        pytest.raises(redis.ConnectionError, match="certificate verify failed"),
    ):
        client.ping()
    plain = "redis://127.0.0.1:6379/0"
    assert redis_url(plain) == plain
