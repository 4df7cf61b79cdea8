"""Usage rows written in batches, off the request path.

The usage logger runs in the same event loop as the requests a proxy worker serves; one
database transaction per model call cost the gateway a measurable share of its throughput.
Records are buffered in the worker and flushed every `FLUSH_SECONDS` (or as soon as
`FLUSH_AT` are waiting): one transaction per tenant per flush, one multi-row insert, the
keys' `last_used_at` touched once, and the tenant's monthly spend counter raised by what
was actually inserted (the call id keeps a row, and its spend, from counting twice).

A flush that fails (Postgres restarting, say) keeps its records and tries again at the
next tick; records the database refuses outright (a deleted tenant's, say) are dropped.
The buffer holds at most `MAX_BUFFERED` records, beyond which the oldest are dropped with
an error in the log. Shutdown flushes what is left. What a crashed worker had not yet
flushed (at most `FLUSH_SECONDS` of calls) is lost; its spend was never counted either.
"""

import asyncio
import contextvars
import logging
from collections import defaultdict
from contextlib import suppress
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy.exc import DataError, IntegrityError

from plugins.contracts import UsageRecord
from policies.limits import year_month
from policies.redis_keys import monthly_spend_key
from proxy.core.runtime import Runtime
from proxy.features.keys.repository import KeyRepository
from proxy.features.usage.repository import UsageRepository

log = logging.getLogger("konstruct.usage")

FLUSH_SECONDS = 0.25
FLUSH_AT = 200
MAX_BUFFERED = 50_000
SPEND_MICROS = Decimal(1_000_000)


class UsageWriter:
    def __init__(self, runtime: Runtime, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.runtime = runtime
        self.flush_seconds = flush_seconds
        self._buffer: list[UsageRecord] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def submit(self, record: UsageRecord) -> None:
        """Queue one call's usage; written within `flush_seconds`."""
        self._buffer.append(record)
        if len(self._buffer) > MAX_BUFFERED:
            dropped = len(self._buffer) - MAX_BUFFERED
            del self._buffer[:dropped]
            log.error("usage buffer full: %d oldest usage records dropped", dropped)
        if len(self._buffer) >= FLUSH_AT:
            self._wake.set()
        if self._task is None or self._task.done():
            # A context of its own: not the tenant scope of the request that happened to
            # start it (the loop writes every tenant's records).
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self._run(), context=contextvars.Context())

    async def _run(self) -> None:
        while not self._closing:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_seconds)
            self._wake.clear()
            await self.flush()

    async def flush(self) -> None:
        """Write everything buffered now; on failure the records stay for the next try."""
        batch, self._buffer = self._buffer, []
        if not batch:
            return
        by_tenant: dict[UUID, list[UsageRecord]] = defaultdict(list)
        for record in batch:
            by_tenant[record.tenant_id].append(record)
        for tenant_id, records in by_tenant.items():
            try:
                await self._write(tenant_id, records)
            except (IntegrityError, DataError):
                # Not transient (the tenant was deleted meanwhile, say): retrying cannot help.
                log.exception("dropped %d usage records the database refused", len(records))
            except Exception:
                log.exception("could not write %d usage records; retrying", len(records))
                self._buffer[:0] = records

    async def _write(self, tenant_id: UUID, records: list[UsageRecord]) -> None:
        unique = list({record.call_id: record for record in records}.values())
        rows = []
        for record in unique:
            values = dict(vars(record))  # shallow: asdict() deep-copies, a cost per model call
            values.pop("tenant_id")
            rows.append(values)
        async with self.runtime.db.tenant_transaction(tenant_id) as conn:
            inserted = await UsageRepository(conn).record_many(tenant_id, rows)
            key_ids = {r.key_id for r in unique if r.key_id is not None and r.call_id in inserted}
            if key_ids:
                await KeyRepository(conn).touch_many(key_ids, datetime.now(UTC))
        spent = sum(inserted.values(), Decimal(0))
        if spent > 0:
            counter = monthly_spend_key(tenant_id, year_month(datetime.now(UTC)))
            # Only a counter that exists is raised: a missing one is rebuilt from the rows.
            if await self.runtime.redis.exists(counter):
                await self.runtime.redis.incrby(counter, int(spent * SPEND_MICROS))

    async def close(self) -> None:
        """Stop the flush loop and write what is left."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            with suppress(Exception):
                await self._task
        await self.flush()
