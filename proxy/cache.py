"""Forget cached copies (key grants, agent cards, workspace views) when their source changes."""

from collections.abc import Iterable
from uuid import UUID

from redis.asyncio import Redis

from policies.redis_keys import (
    key_auth_cache_key,
    team_routing_cache_key,
    tenant_key,
    workspace_cache_key,
)


def agent_card_key(tenant_id: UUID, ref: str) -> str:
    return tenant_key(tenant_id, "agent-card", ref)


async def forget_key_grants(redis: Redis, key_hashes: Iterable[str]) -> None:
    keys = [key_auth_cache_key(h) for h in key_hashes]
    if keys:
        await redis.delete(*keys)


async def forget_agent(redis: Redis, tenant_id: UUID, refs: Iterable[str]) -> None:
    keys = [agent_card_key(tenant_id, ref) for ref in refs]
    if keys:
        await redis.delete(*keys)


async def forget_workspace(redis: Redis, tenant_id: UUID, team_ids: Iterable[str]) -> None:
    keys = [
        k
        for team in team_ids
        for k in (workspace_cache_key(tenant_id, team), team_routing_cache_key(team))
    ]
    if keys:
        await redis.delete(*keys)
