"""Slack team id → the tenant's workspace, through a Redis cache the proxy clears on changes.

The bot token is a secret and never goes to Redis: the cached view carries everything
else plus a stamp, and the token stays in this process's memory under that stamp. A
process that has not seen the current stamp (another replica, a fresh job process)
asks the proxy again.

The web process also keeps each answer in memory for a few seconds
(`remembered_workspace`): an ack then costs no Redis read for the workspace. A change made
in the portal reaches it within those seconds; the worker resolves the workspace again
through Redis before it does anything, so an event accepted in that window is still
handled (or dropped) by the current connection.
"""

import asyncio
import json
import time
import uuid
from typing import Final

from redis.asyncio import Redis

from bridge.proxy_api import ProxyAPI, Workspace
from bridge.settings import Settings
from policies.redis_keys import team_routing_cache_key, workspace_cache_key

# Stored under the routing key for a team no tenant has connected; connecting one deletes it.
UNKNOWN_TEAM: Final = "unknown"
STAMP: Final = "_stamp"

# (tenant id, team id) -> (stamp of the cached view, bot token)
_tokens: dict[tuple[str, str], tuple[str, str]] = {}
# team id -> (monotonic deadline, workspace or None): the web process's short memory
_remembered: dict[str, tuple[float, Workspace | None]] = {}
_REMEMBERED_MAX = 10_000
# team id -> the lookup in flight for it
_pending: dict[str, "asyncio.Future[Workspace | None]"] = {}


async def remembered_workspace(
    redis: Redis, api: ProxyAPI, settings: Settings, team_id: str
) -> Workspace | None:
    """`resolve_workspace`, remembered in this process for `bridge_authorize_cache_seconds`.

    Concurrent misses for one team share a single lookup: a burst of events for a workspace
    nobody has asked about yet makes one proxy call, not one each."""
    now = time.monotonic()
    hit = _remembered.get(team_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    pending = _pending.get(team_id)
    if pending is None:
        pending = asyncio.ensure_future(resolve_workspace(redis, api, settings, team_id))
        _pending[team_id] = pending
        pending.add_done_callback(lambda _: _pending.pop(team_id, None))
    workspace = await asyncio.shield(pending)
    if len(_remembered) >= _REMEMBERED_MAX:
        _remembered.clear()
    _remembered[team_id] = (time.monotonic() + settings.bridge_authorize_cache_seconds, workspace)
    return workspace


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
            view = json.loads(cached)
            known = _tokens.get((str(tenant_id), team_id))
            if known is not None and known[0] == view.pop(STAMP, None):
                return Workspace.model_validate({**view, "bot_token": known[1]})
    workspace = await api.workspace(team_id)
    if workspace is None:
        await redis.set(
            routing_key, UNKNOWN_TEAM, ex=settings.bridge_unknown_workspace_cache_seconds
        )
        return None
    stamp = uuid.uuid4().hex
    _tokens[(str(workspace.tenant_id), team_id)] = (stamp, workspace.bot_token)
    view = {**workspace.model_dump(mode="json", exclude={"bot_token"}), STAMP: stamp}
    ttl = settings.bridge_workspace_cache_seconds
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(workspace_cache_key(workspace.tenant_id, team_id), json.dumps(view), ex=ttl)
        pipe.set(routing_key, str(workspace.tenant_id), ex=ttl)
        await pipe.execute()
    return workspace
