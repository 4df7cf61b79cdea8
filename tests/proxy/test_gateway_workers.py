"""A key's limits hold exactly across the proxy's two workers (the suite's proxy runs
PROXY_WORKERS=2): LiteLLM's limiter counts in Redis, not in one worker's memory.

Each request goes on a connection of its own, so the kernel hands them to either worker;
were the counts kept per worker, the second worker would admit calls the first already
counted. The rpm limit across workers is in tests/proxy/test_gateway.py. LiteLLM's limiter
settles tokens only for keys with a TPM limit (proxy/gateway/per_call.py): checked on its
counters in Redis.
"""

import asyncio

import httpx
import pytest
import redis as redis_lib

from policies.tenant_keys import hash_key
from proxy.core.db.engine import Database
from tests.conftest import TEST_REDIS_URL
from tests.fakes.ollama import OllamaFake
from tests.stack import ProxyServer, make_world, usage_rows

pytestmark = pytest.mark.e2e

HELLO = [{"role": "user", "content": "hello"}]
# The fake reports 11 + 7 tokens for every call (tests/fakes/llm_base.py).
TOKENS_PER_CALL = 18


async def _call(proxy: ProxyServer, key: str) -> httpx.Response:
    # A new client each time: a new connection, which either worker may accept.
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(
            f"{proxy.url}/v1/chat/completions",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": "konstruct-fast", "messages": HELLO, "max_tokens": 1},
        )


async def test_a_keys_tpm_limit_holds_across_two_workers(
    proxy: ProxyServer, fake_ollama: OllamaFake, owner_db: Database
) -> None:
    world = make_world(proxy, "Tokens")
    with proxy.admin() as admin:
        made = admin.post(
            f"/admin/tenants/{world.id}/keys",
            json={"name": "tpm3", "tpm_limit": 3 * TOKENS_PER_CALL},
        )
        assert made.status_code == 201, made.text
    key = made.json()["secret"]

    codes = []
    for _ in range(5):
        codes.append((await _call(proxy, key)).status_code)
        # LiteLLM settles a call's tokens right after answering it: let it land first.
        await asyncio.sleep(0.3)
    # Three calls use up the minute's tokens; then the limit refuses, whichever worker asks.
    assert codes == [200, 200, 200, 429, 429], codes
    burst = await asyncio.gather(*(_call(proxy, key) for _ in range(8)))
    assert sorted(r.status_code for r in burst) == [429] * 8
    throttled = burst[0]
    assert throttled.json()["error"]["type"] == "throttling_error"
    assert int(throttled.headers["retry-after"]) > 0
    assert len(fake_ollama.model_calls()) == 3
    await asyncio.sleep(1)
    assert len(await usage_rows(owner_db, world.id)) == 3, "429s must not count as usage"


async def _counter(name: str, wait_seconds: float = 5.0, until: int | None = None) -> int | None:
    """A LiteLLM limiter counter in Redis (None: absent), waiting for `until` if given: the
    limiter settles a call's tokens just after answering it."""
    client = redis_lib.Redis.from_url(TEST_REDIS_URL)
    try:
        for _ in range(int(wait_seconds * 10)):
            raw = client.get(name)
            value = None if raw is None else int(float(raw))
            if until is None or value == until:
                return value
            await asyncio.sleep(0.1)
        return value
    finally:
        client.close()


async def test_tokens_are_counted_only_for_keys_with_a_tpm_limit(proxy: ProxyServer) -> None:
    world = make_world(proxy, "Counted")
    with proxy.admin() as admin:
        made = {
            name: admin.post(f"/admin/tenants/{world.id}/keys", json={"name": name, **limits})
            for name, limits in (
                ("rpm-only", {"rpm_limit": 1000}),
                ("tpm", {"tpm_limit": 100_000}),
            )
        }
    for made_key in made.values():
        assert made_key.status_code == 201, made_key.text
    for made_key in made.values():
        for _ in range(2):
            assert (await _call(proxy, made_key.json()["secret"])).status_code == 200
    rpm_only = hash_key(made["rpm-only"].json()["secret"])
    tpm = hash_key(made["tpm"].json()["secret"])
    # Each limit reads its own counter (LiteLLM's names): requests for the rpm limit, tokens
    # for the TPM limit; a key without a TPM limit has no token counter.
    assert await _counter(f"{{api_key:{rpm_only}}}:requests") == 2
    assert await _counter(f"{{api_key:{tpm}}}:tokens", until=2 * TOKENS_PER_CALL) == (
        2 * TOKENS_PER_CALL
    )
    await asyncio.sleep(0.5)
    assert await _counter(f"{{api_key:{rpm_only}}}:tokens") is None
