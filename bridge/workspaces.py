"""Slack team (or Enterprise Grid org) → the tenant's workspace: one TTL cache per process,
emptied for a tenant when the proxy signals a change.

The proxy publishes a tenant's id on `workspace_changes_channel()` after every change that
alters what the bridge does (its connection, agents, limits, name or status). Each bridge
process (web and worker) keeps the answers of the proxy's internal API in memory for
`BRIDGE_WORKSPACE_CACHE_SECONDS`, forgets a tenant's on its signal, and forgets everything
when its subscription was down (it may have missed a signal). Nothing is written back
anywhere: a lookup that was in flight when a signal came is returned to its callers but not
kept, so an answer built from rows read before a change never outlives the change.
The bot token stays in this process's memory only.
"""

import asyncio
import logging
import time
from typing import Final
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bridge.proxy_api import ProxyAPI, Workspace
from bridge.settings import Settings
from policies.redis_keys import workspace_changes_channel

log = logging.getLogger(__name__)

_MAX_ENTRIES: Final = 10_000
_RESUBSCRIBE_SECONDS: Final = 1.0

# (team id, enterprise id or "")
CacheKey = tuple[str, str]


class WorkspaceCache:
    def __init__(self, api: ProxyAPI, settings: Settings) -> None:
        self._api = api
        self._ttl = settings.bridge_workspace_cache_seconds
        self._unknown_ttl = settings.bridge_unknown_workspace_cache_seconds
        self._entries: dict[CacheKey, tuple[float, Workspace | None]] = {}
        self._pending: dict[CacheKey, asyncio.Future[Workspace | None]] = {}
        # Raised by every forget: a lookup started before it is not kept.
        self._generation = 0

    async def get(self, team_id: str, enterprise_id: str | None = None) -> Workspace | None:
        """The workspace events of `team_id` belong to (directly, or through its org's
        org-wide install), or None if no tenant connected either. Concurrent misses share
        one lookup."""
        key = (team_id, enterprise_id or "")
        hit = self._entries.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._lookup(key))
            self._pending[key] = pending
        return await asyncio.shield(pending)

    async def _lookup(self, key: CacheKey) -> Workspace | None:
        generation = self._generation
        try:
            workspace = await self._api.workspace(key[0], key[1] or None)
        finally:
            if self._pending.get(key) is asyncio.current_task():
                del self._pending[key]
        if generation == self._generation:
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
            ttl = self._ttl if workspace is not None else self._unknown_ttl
            self._entries[key] = (time.monotonic() + ttl, workspace)
        return workspace

    def forget_tenant(self, tenant_id: UUID | str) -> None:
        """Drop the tenant's workspaces, and every "not connected" answer (the change may be
        this tenant connecting one of them)."""
        tenant = str(tenant_id)
        self._generation += 1
        self._pending.clear()
        for key, (_, workspace) in list(self._entries.items()):
            if workspace is None or str(workspace.tenant_id) == tenant:
                del self._entries[key]

    def clear(self) -> None:
        self._generation += 1
        self._pending.clear()
        self._entries.clear()

    async def listen(self, redis: Redis) -> None:
        """Apply the proxy's change signals until cancelled."""
        while True:
            try:
                async with redis.pubsub(ignore_subscribe_messages=False) as pubsub:
                    await pubsub.subscribe(workspace_changes_channel())
                    async for message in pubsub.listen():
                        if message["type"] == "subscribe":
                            # Signals sent while unsubscribed are lost: start afresh.
                            self.clear()
                        elif message["type"] == "message":
                            data = message["data"]
                            self.forget_tenant(data.decode() if isinstance(data, bytes) else data)
            except (RedisError, OSError) as error:
                log.warning("workspace change signals interrupted (%s)", type(error).__name__)
                self.clear()
                await asyncio.sleep(_RESUBSCRIBE_SECONDS)
