"""A worker's own copies of grants and agent cards, against real Redis pub/sub."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis

from policies.redis_keys import key_auth_cache_key
from proxy.gateway.cache import (
    agent_card_key,
    forget_agent,
    forget_key_grants,
    read_cached,
    store_if_unchanged,
)
from proxy.gateway.local_cache import LocalCache
from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.integration


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
async def redis() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(TEST_REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def cache(redis: aioredis.Redis) -> AsyncIterator[LocalCache]:
    local = LocalCache(redis, ttl=30)
    local.get("warm-up")  # starts listening
    await eventually(lambda: local.live)
    yield local
    await local.close()


async def test_a_copy_is_served_until_the_admin_api_announces_a_change(
    cache: LocalCache, redis: aioredis.Redis
) -> None:
    key_hash, tenant = "ab" * 32, uuid.uuid4()
    grant_key, card_key = key_auth_cache_key(key_hash), agent_card_key(tenant, "ada")
    cache.put(grant_key, "grant", cache.ticket())
    cache.put(card_key, "card", cache.ticket())
    assert cache.get(grant_key) == (True, "grant")

    await forget_key_grants(redis, [key_hash])
    await eventually(lambda: not cache.get(grant_key)[0])
    assert cache.get(card_key) == (True, "card")  # only what changed is dropped

    await forget_agent(redis, tenant, ["ada"])
    await eventually(lambda: not cache.get(card_key)[0])


async def test_a_value_read_before_a_change_is_not_kept(
    cache: LocalCache, redis: aioredis.Redis
) -> None:
    key = key_auth_cache_key("cd" * 32)
    ticket = cache.ticket()  # a request starts reading the old grant from Redis...
    await forget_key_grants(redis, ["ef" * 32])  # ...meanwhile the admin API changes one
    await eventually(lambda: cache.ticket() != ticket)
    cache.put(key, "stale?", ticket)
    assert cache.get(key) == (False, None)

    cache.put(key, "fresh", cache.ticket())
    assert cache.get(key) == (True, "fresh")


async def test_nothing_is_served_while_the_subscription_is_down(
    cache: LocalCache, redis: aioredis.Redis
) -> None:
    key = key_auth_cache_key("01" * 32)
    cache.put(key, "grant", cache.ticket())
    assert cache.get(key) == (True, "grant")

    # Redis drops the subscriber (a restart, a network cut): invalidations could be missed.
    await redis.client_kill_filter(_type="pubsub")
    await eventually(lambda: not cache.live)
    assert cache.get(key) == (False, None)

    await eventually(lambda: cache.live)  # subscribed again: starts from nothing
    assert cache.get(key) == (False, None)
    cache.put(key, "again", cache.ticket())
    assert cache.get(key) == (True, "again")


async def test_a_copy_is_served_for_its_ttl_at_most(redis: aioredis.Redis) -> None:
    local = LocalCache(redis, ttl=0.2)
    local.get("warm-up")
    try:
        await eventually(lambda: local.live)
        local.put("k", "v", local.ticket())
        assert local.get("k") == (True, "v")
        await asyncio.sleep(0.25)
        assert local.get("k") == (False, None)
    finally:
        await local.close()


async def test_the_oldest_copies_go_first_when_full(redis: aioredis.Redis) -> None:
    local = LocalCache(redis, ttl=30, max_entries=2)
    local.get("warm-up")
    try:
        await eventually(lambda: local.live)
        for name in ("a", "b", "c"):
            local.put(name, name, local.ticket())
        assert [local.get(name)[0] for name in ("a", "b", "c")] == [False, True, True]
    finally:
        await local.close()


async def test_a_copy_rebuilt_across_a_change_is_not_stored_in_redis(
    redis: aioredis.Redis,
) -> None:
    """A request rebuilds a grant from rows it read just before an admin change; storing
    it after the change would serve the old grant for the whole Redis TTL."""
    key = key_auth_cache_key("77" * 32)
    value, generation = await read_cached(redis, key)
    assert value is None
    await forget_key_grants(redis, ["88" * 32])  # the admin change lands meanwhile
    assert not await store_if_unchanged(redis, key, "old grant", 10, generation)
    assert await redis.get(key) is None

    value, generation = await read_cached(redis, key)
    assert await store_if_unchanged(redis, key, "new grant", 10, generation)
    assert (await read_cached(redis, key))[0] == "new grant"
    assert 0 < await redis.ttl(key) <= 10
