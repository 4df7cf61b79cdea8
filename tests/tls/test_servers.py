"""The proxy and the bridge web served over TLS 1.3, on top of Postgres and Redis over TLS 1.3,
both with KONSTRUCT_ENV=production (which refuses any plain connection).

One path crosses every wire: the admin API (HTTPS) makes a tenant in Postgres (TLS), the
bridge runs an agent turn through the proxy's internal API (HTTPS, trusting the CA), the
agent runtime calls its own gateway over HTTPS (as "try agent" does), and LiteLLM counts the
call in its coordination Redis (TLS). The portal's hop is Node's own client trusting
the CA through NODE_EXTRA_CA_CERTS, as deploy/ sets it.
"""

import json
import os
import shutil
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bridge.proxy_api import ProxyAPI
from bridge.settings import Settings as BridgeSettings
from policies.tls import client_context
from tests.fakes.ollama import OllamaFake
from tests.processes import Process, free_port
from tests.stack import BRIDGE_KEY, MASTER_KEY
from tests.tls.conftest import Certs, TlsPostgres, TlsRedis, handshake, tls12_only

pytestmark = [pytest.mark.tls, pytest.mark.e2e]

PROXY_REDIS_DB = 4
BRIDGE_REDIS_DB = 5
# The gateway's cached key grants, and LiteLLM's rate limiter counters (per key and per model
# group, for keys with a limit) live under these (redis_keys.py).
GATEWAY_PREFIXES = ("konstruct:key_auth:", "{api_key:", "{model_per_key:")


@dataclass(frozen=True)
class TlsServer:
    url: str
    port: int
    verify: ssl.SSLContext


@contextmanager
def _serve_tls(
    certs: Certs, name: str, module: str, port: int, env: dict[str, str]
) -> Iterator[TlsServer]:
    """`python -m module` serving HTTPS with the suite's certificate on `port`."""
    tls_env = {
        "KONSTRUCT_TLS_CERT_FILE": str(certs.files.server_cert),
        "KONSTRUCT_TLS_KEY_FILE": str(certs.files.server_key),
        "KONSTRUCT_TLS_CA_FILE": str(certs.files.ca_cert),
    }
    verify = client_context(str(certs.files.ca_cert))
    url = f"https://127.0.0.1:{port}"
    process = Process(name, module, {**tls_env, **env}, f"{url}/healthz", verify=verify)
    process.start(timeout=420)
    try:
        yield TlsServer(url, port, verify)
    finally:
        process.stop()


@pytest.fixture(scope="module")
def ollama() -> Iterator[OllamaFake]:
    with OllamaFake() as fake:
        yield fake


@pytest.fixture(scope="module")
def tls_proxy(
    certs: Certs, tls_postgres: TlsPostgres, tls_redis: TlsRedis, ollama: OllamaFake
) -> Iterator[TlsServer]:
    port = free_port()
    env = {
        "DATABASE_URL": tls_postgres.app_url,
        "DATABASE_ADMIN_URL": tls_postgres.admin_url,
        "REDIS_URL": tls_redis.url(db=PROXY_REDIS_DB),
        "KONSTRUCT_MASTER_KEY": MASTER_KEY,
        "KONSTRUCT_BRIDGE_KEY": BRIDGE_KEY,
        "OLLAMA_BASE_URL": ollama.url,
        "ANTHROPIC_API_KEY": "",
        "OPENAI_API_KEY": "",
        "PROXY_PORT": str(port),
        "PROXY_WORKERS": "1",  # more workers: tests/tls/test_policy.py (the factory pickles)
        "KONSTRUCT_ENV": "production",
    }
    with _serve_tls(certs, "proxy-tls", "proxy.serve", port, env) as server:
        yield server


@pytest.fixture(scope="module")
def bridge_settings(certs: Certs, tls_redis: TlsRedis, tls_proxy: TlsServer) -> BridgeSettings:
    return BridgeSettings(
        redis_url=tls_redis.url(db=BRIDGE_REDIS_DB),
        konstruct_proxy_url=tls_proxy.url,
        konstruct_bridge_key=BRIDGE_KEY,
        konstruct_tls_ca_file=str(certs.files.ca_cert),
    )


@pytest.fixture(scope="module")
def tls_bridge_web(certs: Certs, tls_redis: TlsRedis, tls_proxy: TlsServer) -> Iterator[TlsServer]:
    port = free_port()
    env = {
        "REDIS_URL": tls_redis.url(db=BRIDGE_REDIS_DB),
        "KONSTRUCT_PROXY_URL": tls_proxy.url,
        "KONSTRUCT_BRIDGE_KEY": BRIDGE_KEY,
        "SLACK_SIGNING_SECRET": "tls-suite-signing-secret",
        "SLACK_CLIENT_ID": "tls-suite-client-id",
        "SLACK_CLIENT_SECRET": "tls-suite-client-secret",
        "BRIDGE_PORT": str(port),
        "KONSTRUCT_ENV": "production",
    }
    with _serve_tls(certs, "bridge-web-tls", "bridge.web", port, env) as server:
        yield server


def _proves_tls13_only(server: TlsServer, ca_file: Path) -> None:
    """The same client, differing only in its highest version: 1.3 connects, 1.2 does not.

    Python's asyncio server ends a refused handshake by closing the connection, so the
    client sees an EOF in the handshake rather than a protocol-version alert."""
    assert handshake(server.port, server.verify) == "TLSv1.3"
    with pytest.raises(ssl.SSLError, match="PROTOCOL_VERSION|protocol version|UNEXPECTED_EOF"):
        handshake(server.port, tls12_only(ca_file))


def test_proxy_serves_tls13_only_and_reaches_postgres_and_redis_over_tls(
    tls_proxy: TlsServer, certs: Certs
) -> None:
    health = httpx.get(f"{tls_proxy.url}/healthz", verify=tls_proxy.verify, timeout=30)
    assert health.status_code == 200
    assert health.json()["checks"] == {"postgres": "ok", "redis": "ok"}
    _proves_tls13_only(tls_proxy, certs.files.ca_cert)


def test_bridge_web_serves_tls13_only_and_reaches_redis_over_tls(
    tls_bridge_web: TlsServer, certs: Certs
) -> None:
    health = httpx.get(f"{tls_bridge_web.url}/healthz", verify=tls_bridge_web.verify, timeout=30)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "redis": True}
    _proves_tls13_only(tls_bridge_web, certs.files.ca_cert)


def test_clients_refuse_our_servers_without_our_ca(
    tls_proxy: TlsServer, tls_bridge_web: TlsServer, certs: Certs
) -> None:
    for server in (tls_proxy, tls_bridge_web):
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{server.url}/healthz", verify=client_context(str(certs.rogue_ca)))


async def test_a_tenant_call_crosses_every_wire_over_tls(
    tls_proxy: TlsServer,
    bridge_settings: BridgeSettings,
    tls_redis: TlsRedis,
    ollama: OllamaFake,
) -> None:
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}
    async with httpx.AsyncClient(
        base_url=tls_proxy.url, headers=headers, verify=tls_proxy.verify, timeout=120
    ) as admin:
        slug = f"acme-{uuid.uuid4().hex[:8]}"
        tenant = await admin.post("/admin/tenants", json={"name": "Acme", "slug": slug})
        assert tenant.status_code == 201, tenant.text
        tenant_id = tenant.json()["id"]
        agent = await admin.post(
            f"/admin/tenants/{tenant_id}/agents",
            json={"name": "Ada", "role": "Support lead", "persona": "PERSONA-TLS"},
        )
        assert agent.status_code == 201, agent.text
        agent_id = agent.json()["id"]
        # The proxy calls its own gateway over HTTPS for "try agent".
        tried = await admin.post(
            f"/admin/tenants/{tenant_id}/agents/{agent_id}/try", json={"message": "ping"}
        )
        assert tried.status_code == 200, tried.text
        assert tried.json()["reply"]

    calls_before = len([r for r in ollama.requests if ollama.is_model_call(r)])
    turn = {
        "agent_id": agent_id,
        "channel_id": "CTLS",
        "thread_id": "1700000000.000100",
        "text": "hello over TLS",
        "sender_id": "U0TLS",
        "source_event_id": f"EvTLS{uuid.uuid4().hex[:8]}",
    }
    async with ProxyAPI(bridge_settings) as api:
        lines = [
            line async for line in api.agent_turn(uuid.UUID(tenant_id), turn, read_timeout=120)
        ]
    done = json.loads(lines[-1])
    assert done["type"] == "done", done
    assert done["from_model"], done
    model_calls = [r for r in ollama.requests if ollama.is_model_call(r)]
    assert len(model_calls) == calls_before + 1
    assert "hello over TLS" in model_calls[-1].text
    assert "PERSONA-TLS" in (ollama.system_prompt_of(model_calls[-1]) or "")
    # The gateway's shared state (the key grant's cache; LiteLLM's limiter counters for keys
    # with a limit) is in the coordination Redis: the TLS one.
    with tls_redis.server.client(db=PROXY_REDIS_DB) as server:
        keys = [key.decode() for key in server.scan_iter(count=1000)]
    assert any(key.startswith(GATEWAY_PREFIXES) for key in keys), keys


# What the portal's server does with KONSTRUCT_PROXY_URL: Node's fetch.
NODE_FETCH = """
fetch(process.argv[1]).then(
  async (r) => console.log(JSON.stringify({status: r.status, body: await r.json()})),
  (e) => console.log(JSON.stringify({error: String(e.cause?.code ?? e.cause ?? e)})),
);
"""


def _node_fetch(url: str, extra_ca: Path | None) -> dict[str, object]:
    node = shutil.which("node")
    assert node is not None, "node is needed: the portal's hop is Node's TLS client"
    env = {k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"}
    if extra_ca is not None:
        env["NODE_EXTRA_CA_CERTS"] = str(extra_ca)
    result = subprocess.run(  # noqa: S603 (the machine's node, our script)
        [node, "-e", NODE_FETCH, url], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout)
    return found


def test_the_portals_node_trusts_the_proxy_only_through_node_extra_ca_certs(
    tls_proxy: TlsServer, certs: Certs
) -> None:
    url = f"{tls_proxy.url}/healthz"
    trusted = _node_fetch(url, certs.files.ca_cert)
    assert trusted["status"] == 200, trusted
    assert trusted["body"]["checks"] == {"postgres": "ok", "redis": "ok"}  # type: ignore[index]
    # Without it (or trusting another CA) Node refuses the proxy's certificate.
    for extra_ca in (None, certs.rogue_ca):
        refused = _node_fetch(url, extra_ca)
        assert "status" not in refused, refused
        assert "UNABLE_TO_VERIFY_LEAF_SIGNATURE" in str(refused["error"]), refused
