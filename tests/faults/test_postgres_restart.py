"""Postgres restarts under a running proxy: it keeps answering without being restarted
itself, and every provider call is in usage (and spend) exactly once."""

import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import openai
import pytest
import redis as redis_lib
from openai.types.chat import ChatCompletionMessageParam

from policies.limits import year_month
from policies.redis_keys import key_auth_cache_key, monthly_spend_key
from policies.tenant_keys import hash_key
from tests.conftest import TEST_REDIS_URL
from tests.fakes.openai import OpenAIFake
from tests.private_servers import PrivatePostgres
from tests.stack import ProxyServer, make_world

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hello"}]


def usage_of(pg: PrivatePostgres, tenant_id: str) -> tuple[int, int, int, int, Decimal]:
    """Rows, distinct call ids, prompt and completion tokens, cost: straight from the table."""
    line = pg.psql(
        "select count(*), count(distinct call_id), coalesce(sum(prompt_tokens), 0),"
        " coalesce(sum(completion_tokens), 0), coalesce(sum(cost_usd), 0)"
        f" from usage_events where tenant_id = '{tenant_id}'",
        "konstruct",
    )
    rows, calls, prompt, completion, cost = line.split("|")
    return int(rows), int(calls), int(prompt), int(completion), Decimal(cost)


def test_the_proxy_recovers_from_a_postgres_restart_and_counts_usage_once(
    faults_proxy: ProxyServer, faults_postgres: PrivatePostgres, fake_openai: OpenAIFake
) -> None:
    world = make_world(faults_proxy, "Steady")
    # A budget makes every call check spend, so the Redis spend counter exists from the first
    # call on and must end up equal to what the rows say.
    with faults_proxy.admin() as admin:
        limits = admin.put(f"/admin/tenants/{world.id}/limits", json={"monthly_budget_usd": "1000"})
        assert limits.status_code == 200, limits.text
    # konstruct-quality is OpenAI first here: calls that cost something.
    client = openai.OpenAI(api_key=world.key, base_url=f"{faults_proxy.url}/v1", max_retries=0)

    def ask() -> int:
        try:
            client.chat.completions.create(model="konstruct-quality", messages=HELLO, timeout=30)
        except openai.APIError as error:
            return getattr(error, "status_code", 0) or 0
        return 200

    assert [ask() for _ in range(3)] == [200, 200, 200]

    # Calls keep coming while Postgres goes down and comes back; some may be refused, none
    # may be counted twice or lost once the provider answered.
    during: list[int] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            during.append(ask())

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        time.sleep(0.5)
        faults_postgres.restart("fast")
        time.sleep(0.5)
    finally:
        stop.set()
        asker.join(timeout=60)
    assert during

    # Every connection the proxy pooled before the restart is dead now; the key's cached
    # grant is dropped so the next calls must read Postgres again.
    redis_lib.Redis.from_url(TEST_REDIS_URL).delete(key_auth_cache_key(hash_key(world.key)))
    assert [ask() for _ in range(3)] == [200, 200, 200]
    assert faults_proxy.process.proc is not None
    assert faults_proxy.process.proc.poll() is None, "the proxy must not have restarted"

    provider_calls = len(fake_openai.model_calls())
    assert provider_calls == 6 + during.count(200)

    deadline = time.monotonic() + 20
    while usage_of(faults_postgres, world.id)[0] < provider_calls and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # a late duplicate would show up here
    rows, call_ids, prompt, completion, cost = usage_of(faults_postgres, world.id)
    assert (rows, call_ids) == (provider_calls, provider_calls)
    assert (prompt, completion) == (11 * provider_calls, 7 * provider_calls)
    assert cost > 0

    with faults_proxy.admin() as admin:
        usage = admin.get(f"/admin/tenants/{world.id}/usage", params={"days": 1})
    assert usage.status_code == 200, usage.text
    body = usage.json()
    assert body["totals"]["calls"] == provider_calls
    assert Decimal(str(body["totals"]["cost_usd"])) == cost
    assert Decimal(str(body["budget"]["spent_usd"])) == cost
    counter = redis_lib.Redis.from_url(TEST_REDIS_URL).get(
        monthly_spend_key(world.id, year_month(datetime.now(UTC)))
    )
    assert counter is not None
    # The counter holds whole micro-dollars, each increment truncated: it may trail the rows by
    # under a micro-dollar per write, while one call missed or counted twice is hundreds.
    trailing = cost - Decimal(int(counter)) / 1_000_000
    assert Decimal(0) <= trailing < provider_calls * Decimal("0.000001")
