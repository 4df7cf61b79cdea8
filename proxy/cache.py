"""Forget cached copies (key grants, agent cards, workspace views) when their source changes.

Key grants and agent cards also have copies in every proxy worker (proxy/local_cache.py):
their deleted keys are published on `cache_invalidations_channel()` for the workers to drop.
"""

from collections.abc import Iterable
from uuid import UUID

from redis.asyncio import Redis

from policies.redis_keys import (
    cache_invalidations_channel,
    key_auth_cache_key,
    team_routing_cache_key,
    tenant_key,
    workspace_cache_key,
)


def agent_card_key(tenant_id: UUID, ref: str) -> str:
    return tenant_key(tenant_id, "agent-card", ref)


async def _forget_everywhere(redis: Redis, keys: list[str]) -> None:
    if keys:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.delete(*keys)
            pipe.publish(cache_invalidations_channel(), " ".join(keys))
            await pipe.execute()


async def forget_key_grants(redis: Redis, key_hashes: Iterable[str]) -> None:
    await _forget_everywhere(redis, [key_auth_cache_key(h) for h in key_hashes])


async def forget_agent(redis: Redis, tenant_id: UUID, refs: Iterable[str]) -> None:
    await _forget_everywhere(redis, [agent_card_key(tenant_id, ref) for ref in refs])


async def forget_workspace(redis: Redis, tenant_id: UUID, team_ids: Iterable[str]) -> None:
    keys = [
        k
        for team in team_ids
        for k in (workspace_cache_key(tenant_id, team), team_routing_cache_key(team))
    ]
    if keys:
        await redis.delete(*keys)
