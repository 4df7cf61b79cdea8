"""Each proxy worker's own copies of the Redis-cached key grants and agent cards.

Every model call reads its key grant and its agent card. Redis holds the shared cached
copies (proxy/gateway/services.py); reading them costs every call two round trips. A worker keeps
what it read for a few seconds, and forgets it the moment anything changes it:
`proxy.gateway.cache.forget_*` delete the Redis copies and publish the deleted keys on
`cache_invalidations_channel()`, which every worker listens to.

Freshness rules, so a revoked key or a suspended tenant stops working at once:
- Copies are served only while this worker's subscription is up. Subscribing (again)
  clears every copy; while it is down, every call reads Redis as before.
- A copy is kept only if no invalidation arrived while it was being read: a value read
  just before an admin change can never outlive the change here.
- A copy is served for at most `ttl` seconds, whatever happens.

Invalidations travel on the same Redis the admin API writes to; the admin's answer leaves
after Redis has handed the message to every subscriber, so a worker reads it before the
next request it serves (the cost of a missed one is bounded by `ttl`).
"""

import asyncio
import contextvars
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from policies.redis_keys import cache_invalidations_channel

log = logging.getLogger("konstruct.cache")

MAX_ENTRIES = 10_000
CLOSE_WAIT_SECONDS = 1.0
RESUBSCRIBE_SECONDS = 1.0


@dataclass(frozen=True)
class Ticket:
    """Where the cache stood when a read from Redis began (see `LocalCache.put`)."""

    epoch: int
    invalidations: int


class LocalCache:
    def __init__(self, redis: Redis, ttl: float, max_entries: int = MAX_ENTRIES) -> None:
        self.redis = redis
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._live = False
        self._epoch = 0  # subscriptions so far: copies of an older one are never served
        self._invalidations = 0
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    @property
    def live(self) -> bool:
        return self._live

    def get(self, key: str) -> tuple[bool, Any]:
        """(True, value) for a fresh copy; (False, None) when Redis must be asked."""
        self._ensure_listening()
        if not self._live:
            return False, None
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires, value = entry
        if expires <= time.monotonic():
            del self._entries[key]
            return False, None
        return True, value

    def ticket(self) -> Ticket:
        """Take before reading from Redis; hand to `put` with what was read."""
        return Ticket(self._epoch, self._invalidations)

    def put(self, key: str, value: Any, ticket: Ticket) -> None:
        """Keep a copy, unless the subscription changed or anything was invalidated since
        `ticket` was taken (the value might predate that change)."""
        if not self._live or ticket != Ticket(self._epoch, self._invalidations):
            return
        self._entries[key] = (time.monotonic() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, keys: Iterable[str]) -> None:
        self._invalidations += 1
        for key in keys:
            self._entries.pop(key, None)

    def _ensure_listening(self) -> None:
        if self._closing or (self._task is not None and not self._task.done()):
            return
        # A context of its own: not the tenant scope of the request that happened to start it.
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._listen_forever(), context=contextvars.Context())

    async def _listen_forever(self) -> None:
        while not self._closing:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarting, say: read through Redis meanwhile
                log.warning("cache invalidations unavailable (%s); retrying", type(exc).__name__)
            finally:
                self._go_dark()
            await asyncio.sleep(RESUBSCRIBE_SECONDS)

    async def _listen(self) -> None:
        channel = cache_invalidations_channel()
        async with self.redis.pubsub() as pubsub:
            await pubsub.subscribe(channel)
            async for message in pubsub.listen():
                if message["type"] == "subscribe":
                    self._entries.clear()
                    self._epoch += 1
                    self._live = True
                elif message["type"] == "message":
                    self.forget(str(message["data"]).split())

    def _go_dark(self) -> None:
        self._live = False
        self._epoch += 1
        self._entries.clear()

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            # Cancelled while redis-py's pubsub is still connecting, its clean-up can wait on
            # that connection for good: shutting down does not wait for it more than a moment.
            with suppress(BaseException):
                await asyncio.wait({self._task}, timeout=CLOSE_WAIT_SECONDS)
        self._go_dark()
