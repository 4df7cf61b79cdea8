"""Slack team id → the tenant's workspace, through a Redis cache the proxy clears on changes."""

from typing import Final

from redis.asyncio import Redis

from bridge.proxy_api import ProxyAPI, Workspace
from bridge.settings import Settings
from policies.redis_keys import team_routing_cache_key, workspace_cache_key

# Stored under the routing key for a team no tenant has connected; connecting one deletes it.
UNKNOWN_TEAM: Final = "unknown"


async def resolve_workspace(
    redis: Redis, api: ProxyAPI, settings: Settings, team_id: str
) -> Workspace | None:
    """The workspace of `team_id`, or None if no tenant has connected it."""
    routing_key = team_routing_cache_key(team_id)
    tenant_id = await redis.get(routing_key)
    if tenant_id == UNKNOWN_TEAM:
        return None
    if tenant_id:
        cached = await redis.get(workspace_cache_key(str(tenant_id), team_id))
        if cached:
            return Workspace.model_validate_json(cached)
    workspace = await api.workspace(team_id)
    if workspace is None:
        await redis.set(
            routing_key, UNKNOWN_TEAM, ex=settings.bridge_unknown_workspace_cache_seconds
        )
        return None
    ttl = settings.bridge_workspace_cache_seconds
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(
            workspace_cache_key(workspace.tenant_id, team_id), workspace.model_dump_json(), ex=ttl
        )
        pipe.set(routing_key, str(workspace.tenant_id), ex=ttl)
        await pipe.execute()
    return workspace
