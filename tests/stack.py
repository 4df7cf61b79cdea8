"""The running stack for end-to-end tests: a real proxy process (2 workers) with fake providers."""

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import redis as redis_lib
from sqlalchemy import text

from policies.limits import year_month
from policies.redis_keys import monthly_spend_key
from proxy.core.db.engine import Database
from tests.conftest import TEST_REDIS_URL, Services
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.fixtures import ANTHROPIC_PLATFORM_KEY, OPENAI_PLATFORM_KEY
from tests.fakes.llm_base import LLMFakeServer
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.fakes.slack import SlackFake
from tests.processes import Process, free_port

MASTER_KEY = "sk-test-master-key-for-the-suite"
BRIDGE_KEY = "test-bridge-key-for-the-suite"


@dataclass(frozen=True)
class ProxyServer:
    url: str
    master_key: str
    bridge_key: str
    process: Process
    # The Slack Web API this proxy checks hand-made connections' tokens with (its
    # SLACK_API_URL): a connection needs a token this fake issued.
    slack: SlackFake | None = None

    def admin(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            timeout=120,
            headers={"Authorization": f"Bearer {token or self.master_key}"},
        )


def base_proxy_env(services: Services) -> dict[str, str]:
    """What every proxy process of the suite is given: the scratch stores and its keys."""
    return {
        "DATABASE_URL": services.app_url,
        "DATABASE_ADMIN_URL": services.admin_url,
        "REDIS_URL": services.redis_url,
        "KONSTRUCT_MASTER_KEY": MASTER_KEY,
        "KONSTRUCT_BRIDGE_KEY": BRIDGE_KEY,
        # Tenants' tools in the suite are the fakes on 127.0.0.1.
        "KONSTRUCT_TOOLS_ALLOW_PRIVATE_TARGETS": "true",
    }


@pytest.fixture(scope="session")
def proxy_env(
    services: Services,
    fake_openai_session: OpenAIFake,
    fake_anthropic_session: AnthropicFake,
    fake_ollama_session: OllamaFake,
    fake_slack_session: SlackFake,
) -> dict[str, str]:
    return {
        **base_proxy_env(services),
        "KONSTRUCT_LOGIN_ATTEMPTS_PER_MINUTE": "5",
        "OLLAMA_BASE_URL": fake_ollama_session.url,
        "ANTHROPIC_BASE_URL": fake_anthropic_session.url,
        "ANTHROPIC_API_KEY": ANTHROPIC_PLATFORM_KEY,
        "OPENAI_BASE_URL": f"{fake_openai_session.url}/v1",
        "OPENAI_API_KEY": OPENAI_PLATFORM_KEY,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        # The agent runtime waits out a busy gateway briefly in tests (seconds otherwise).
        "KONSTRUCT_RUNTIME_BUSY_BACKOFF_SECONDS": "0.2",
        "KONSTRUCT_RUNTIME_MAX_RETRY_AFTER_SECONDS": "0.5",
        "SLACK_API_URL": fake_slack_session.api_url,
    }


@pytest.fixture(scope="session")
def proxy(proxy_env: dict[str, str], fake_slack_session: SlackFake) -> Iterator[ProxyServer]:
    port = free_port()
    env = {**proxy_env, "PROXY_PORT": str(port), "PROXY_WORKERS": "2"}
    # LiteLLM's import dominates the start: ~30 s on a quiet 2-core machine, minutes on a busy one.
    process = Process("proxy", "proxy.serve", env, f"http://127.0.0.1:{port}/healthz").start(
        timeout=600
    )
    try:
        yield ProxyServer(
            f"http://127.0.0.1:{port}", MASTER_KEY, BRIDGE_KEY, process, fake_slack_session
        )
    finally:
        process.stop()


@dataclass(frozen=True)
class TenantWorld:
    """A tenant made through the admin API: its id, an agent and a working key."""

    id: str
    slug: str
    agent: dict[str, Any]
    key: str
    key_id: str


def make_world(proxy: ProxyServer, name: str, **agent: Any) -> TenantWorld:
    """A new tenant; its first call never meets a deployment an earlier test cooled down."""
    rest_after_failures()
    slug = f"{name.lower()}-{uuid.uuid4().hex[:8]}"
    with proxy.admin() as admin:
        tenant = admin.post("/admin/tenants", json={"name": name, "slug": slug})
        assert tenant.status_code == 201, tenant.text
        tid = tenant.json()["id"]
        body = {"name": "Ada", "role": "Support lead", "persona": f"PERSONA-{name}", **agent}
        made = admin.post(f"/admin/tenants/{tid}/agents", json=body)
        assert made.status_code == 201, made.text
        key = admin.post(f"/admin/tenants/{tid}/keys", json={"name": "ci"})
        assert key.status_code == 201, key.text
    return TenantWorld(tid, slug, made.json(), key.json()["secret"], key.json()["id"])


@pytest.fixture
def world_a(proxy: ProxyServer) -> TenantWorld:
    return make_world(proxy, "Acme")


@pytest.fixture
def world_b(proxy: ProxyServer) -> TenantWorld:
    return make_world(proxy, "Globex")


async def spend(owner_db: Database, tenant_id: str, usd: str) -> None:
    """Spend recorded behind the proxy's back, then its Redis counter dropped so it rebuilds."""
    async with owner_db.platform_transaction() as conn:
        await conn.execute(
            text(
                "insert into usage_events (tenant_id, call_id, model_group, model, prompt_tokens,"
                " completion_tokens, cost_usd) values (:t, :c, 'g', 'm', 1, 1, :usd)"
            ),
            {"t": tenant_id, "c": f"seeded-{uuid.uuid4()}", "usd": Decimal(usd)},
        )
    client = redis_lib.Redis.from_url(TEST_REDIS_URL)
    try:
        client.delete(monthly_spend_key(tenant_id, year_month(datetime.now(UTC))))
    finally:
        client.close()


async def usage_rows(
    owner_db: Database, tenant_id: str, wait_seconds: float = 5.0
) -> list[tuple[int, int, str, Decimal]]:
    """(prompt tokens, completion tokens, model group, cost) of a tenant's usage rows, oldest
    first, waiting up to `wait_seconds` for the first: the proxy writes them in batches after
    the response is sent."""
    for _ in range(int(wait_seconds * 10)):
        async with owner_db.platform_transaction() as conn:
            rows = (
                await conn.execute(
                    text(
                        "select prompt_tokens, completion_tokens, model_group, cost_usd "
                        "from usage_events where tenant_id = :t order by created_at"
                    ),
                    {"t": tenant_id},
                )
            ).all()
        if rows:
            return [(row[0], row[1], row[2], row[3]) for row in rows]
        await asyncio.sleep(0.1)
    return []


# LiteLLM's cooldown after a failure (DEFAULT_COOLDOWN_TIME_SECONDS, a 429's Retry-After when
# the fakes send one: 1 s), and a margin for the proxy noting the failure after the fake sent it.
ROUTER_COOLDOWN_SECONDS = 5 + 1.0


def rest_after_failures() -> None:
    """If a provider fake failed a call lately, wait until every proxy worker's cooldown of
    that deployment is over (each keeps its own; one answer shows only one worker's)."""
    rest = ROUTER_COOLDOWN_SECONDS - LLMFakeServer.seconds_since_a_failure()
    if rest > 0:
        time.sleep(rest)


def wait_until_answering(
    proxy: ProxyServer, key: str, timeout: float = 60, first: str = "fast-ollama"
) -> None:
    """Wait until konstruct-fast answers again from the first deployment of its chain:
    deployments a test made fail are cooled down by the router for a while (the group then
    answers from the next one), and the next test must not inherit that.

    First every worker's cooldown is waited out (`rest_after_failures`); `first` answering
    then shows the provider itself is healthy again."""
    rest_after_failures()
    deadline = time.monotonic() + timeout
    while True:
        answer = httpx.post(
            f"{proxy.url}/v1/chat/completions",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": "konstruct-fast", "messages": [{"role": "user", "content": "ping"}]},
            timeout=60,
        )
        if answer.status_code == 200 and answer.headers.get("x-litellm-model-id") == first:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the gateway still answers {answer.status_code}: {answer.text}")
        time.sleep(0.5)
