"""Forget cached copies (key grants, agent cards) when their source changes, and tell the
bridge when a tenant's Slack workspace view changed.

Key grants and agent cards also have copies in every proxy worker (proxy/gateway/local_cache.py):
their deleted keys are published on `cache_invalidations_channel()` for the workers to drop.
Forgetting them also raises `cache_generation_key()`; a reader that rebuilt a copy from
the database stores it with `store_if_unchanged`, so a copy built from rows read just
before a change can never be stored just after it (and outlive it in Redis).

The bridge keeps workspace views in each process's memory only (bridge/workspaces.py):
`signal_workspace_change` publishes the tenant's id, and every bridge process drops that
tenant's views. Call it after the change is committed, for every change of what the bridge
acts on: the connection, agents, message limits, the tenant's name or status.
"""

from collections.abc import Iterable
from uuid import UUID

from redis.asyncio import Redis

from policies.redis_keys import (
    cache_generation_key,
    cache_invalidations_channel,
    key_auth_cache_key,
    tenant_key,
    workspace_changes_channel,
)


def agent_card_key(tenant_id: UUID, ref: str) -> str:
    return tenant_key(tenant_id, "agent-card", ref)


# SET key value EX ttl, only if the generation is still the one read before the rebuild.
_STORE_IF_UNCHANGED = """
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


async def read_cached(redis: Redis, key: str) -> tuple[str | None, str]:
    """The cached copy (None: absent) and the generation to hand to `store_if_unchanged`."""
    value, generation = await redis.mget(key, cache_generation_key())
    return (None if value is None else str(value)), str(generation or "0")


async def store_if_unchanged(
    redis: Redis, key: str, value: str, ttl_seconds: int, generation: str
) -> bool:
    """Store a rebuilt copy unless cached copies were forgotten since `generation`."""
    stored = await redis.eval(
        _STORE_IF_UNCHANGED, 2, key, cache_generation_key(), value, ttl_seconds, generation
    )
    return bool(stored)


async def _forget_everywhere(redis: Redis, keys: list[str]) -> None:
    if keys:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.incr(cache_generation_key())
            pipe.delete(*keys)
            pipe.publish(cache_invalidations_channel(), " ".join(keys))
            await pipe.execute()


async def forget_key_grants(redis: Redis, key_hashes: Iterable[str]) -> None:
    await _forget_everywhere(redis, [key_auth_cache_key(h) for h in key_hashes])


async def forget_agent(redis: Redis, tenant_id: UUID, refs: Iterable[str]) -> None:
    await _forget_everywhere(redis, [agent_card_key(tenant_id, ref) for ref in refs])


async def signal_workspace_change(redis: Redis, tenant_id: UUID) -> None:
    await redis.publish(workspace_changes_channel(), str(tenant_id))
