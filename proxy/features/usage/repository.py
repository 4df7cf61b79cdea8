"""All SQL about usage events and their aggregates."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, bindparam, cast, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import Date, Integer, Numeric, Text

from proxy.core.db.tables import agents, tenant_keys, usage_events

# One statement for any number of rows (columns travel as arrays): compiled and prepared
# once, where a multi-row VALUES list would be compiled afresh for every batch size.
_ARRAY_COLUMNS: dict[str, ARRAY[Any]] = {
    "call_id": ARRAY(Text),
    "model_group": ARRAY(Text),
    "model": ARRAY(Text),
    "prompt_tokens": ARRAY(Integer),
    "completion_tokens": ARRAY(Integer),
    "cost_usd": ARRAY(Numeric(14, 8)),
    "agent_id": ARRAY(PG_UUID(as_uuid=True)),
    "key_id": ARRAY(PG_UUID(as_uuid=True)),
    "latency_ms": ARRAY(Integer),
}
_RECORD_MANY = text(
    """
    insert into usage_events (tenant_id, call_id, model_group, model, prompt_tokens,
                              completion_tokens, cost_usd, agent_id, key_id, latency_ms)
    select :tenant_id, * from unnest(
        cast(:call_id as text[]), cast(:model_group as text[]), cast(:model as text[]),
        cast(:prompt_tokens as integer[]), cast(:completion_tokens as integer[]),
        cast(:cost_usd as numeric[]), cast(:agent_id as uuid[]), cast(:key_id as uuid[]),
        cast(:latency_ms as integer[]))
    on conflict (tenant_id, call_id) do nothing
    returning call_id, cost_usd
    """
).bindparams(
    bindparam("tenant_id", type_=PG_UUID(as_uuid=True)),
    *(bindparam(name, type_=sql_type) for name, sql_type in _ARRAY_COLUMNS.items()),
)


# The calendar day of a call, in UTC: the unit of every daily figure.
_DAY = cast(func.timezone("UTC", usage_events.c.created_at), Date).label("day")


@dataclass(frozen=True)
class UsageWindow:
    """Calls from `since` (inclusive) to `until` (exclusive), optionally one agent's or key's."""

    since: datetime
    until: datetime
    agent_id: UUID | None = None
    key_id: UUID | None = None


class UsageRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def record(self, *, tenant_id: UUID, call_id: str, **values: Any) -> bool:
        """Store one call; False if this call id was already recorded (idempotent)."""
        stmt = (
            insert(usage_events)
            .values(tenant_id=tenant_id, call_id=call_id, **values)
            .on_conflict_do_nothing(index_elements=["tenant_id", "call_id"])
        )
        return (await self.conn.execute(stmt)).rowcount > 0

    async def record_many(self, tenant_id: UUID, rows: list[dict[str, Any]]) -> dict[str, Decimal]:
        """Store calls not yet recorded; returns the cost of each call id actually inserted."""
        params: dict[str, Any] = {"tenant_id": tenant_id}
        for name in _ARRAY_COLUMNS:
            params[name] = [row[name] for row in rows]
        result = await self.conn.execute(_RECORD_MANY, params)
        return {row.call_id: row.cost_usd for row in result}

    async def spend_since(self, since: datetime) -> Decimal:
        stmt = select(func.coalesce(func.sum(usage_events.c.cost_usd), 0)).where(
            usage_events.c.created_at >= since
        )
        value: Decimal = (await self.conn.execute(stmt)).scalar_one()
        return value

    def _totals(self) -> list[Any]:
        latency = usage_events.c.latency_ms
        return [
            func.sum(usage_events.c.prompt_tokens).label("prompt_tokens"),
            func.sum(usage_events.c.completion_tokens).label("completion_tokens"),
            func.sum(usage_events.c.cost_usd).label("cost_usd"),
            func.count().label("calls"),
            func.avg(latency).label("avg_latency_ms"),
            func.percentile_cont(0.95).within_group(latency.asc()).label("p95_latency_ms"),
        ]

    @staticmethod
    def _in(window: UsageWindow) -> list[ColumnElement[bool]]:
        conditions = [
            usage_events.c.created_at >= window.since,
            usage_events.c.created_at < window.until,
        ]
        if window.agent_id is not None:
            conditions.append(usage_events.c.agent_id == window.agent_id)
        if window.key_id is not None:
            conditions.append(usage_events.c.key_id == window.key_id)
        return conditions

    async def by_day(self, window: UsageWindow) -> list[Row[Any]]:
        stmt = select(_DAY, *self._totals()).where(*self._in(window)).group_by(_DAY).order_by(_DAY)
        return list((await self.conn.execute(stmt)).all())

    async def by_model(self, window: UsageWindow) -> list[Row[Any]]:
        stmt = (
            select(usage_events.c.model, usage_events.c.model_group, *self._totals())
            .where(*self._in(window))
            .group_by(usage_events.c.model, usage_events.c.model_group)
            .order_by(usage_events.c.model)
        )
        return list((await self.conn.execute(stmt)).all())

    async def by_agent(self, window: UsageWindow) -> list[Row[Any]]:
        stmt = (
            select(usage_events.c.agent_id, agents.c.name.label("agent_name"), *self._totals())
            .select_from(usage_events.outerjoin(agents, agents.c.id == usage_events.c.agent_id))
            .where(*self._in(window))
            .group_by(usage_events.c.agent_id, agents.c.name)
            .order_by(agents.c.name)
        )
        return list((await self.conn.execute(stmt)).all())

    async def by_key(self, window: UsageWindow) -> list[Row[Any]]:
        stmt = (
            select(
                usage_events.c.key_id,
                tenant_keys.c.name.label("key_name"),
                tenant_keys.c.prefix.label("key_prefix"),
                tenant_keys.c.kind.label("key_kind"),
                *self._totals(),
            )
            .select_from(
                usage_events.outerjoin(tenant_keys, tenant_keys.c.id == usage_events.c.key_id)
            )
            .where(*self._in(window))
            .group_by(
                usage_events.c.key_id, tenant_keys.c.name, tenant_keys.c.prefix, tenant_keys.c.kind
            )
            .order_by(tenant_keys.c.name)
        )
        return list((await self.conn.execute(stmt)).all())

    async def totals(self, window: UsageWindow) -> Row[Any]:
        stmt = select(*self._totals()).where(*self._in(window))
        return (await self.conn.execute(stmt)).one()

    async def export_rows(self, window: UsageWindow) -> list[Row[Any]]:
        """One row per day, model, agent and key: what a bill is reconciled against."""
        stmt = (
            select(
                _DAY,
                usage_events.c.model_group,
                usage_events.c.model,
                usage_events.c.agent_id,
                agents.c.name.label("agent_name"),
                usage_events.c.key_id,
                tenant_keys.c.name.label("key_name"),
                *self._totals(),
            )
            .select_from(
                usage_events.outerjoin(agents, agents.c.id == usage_events.c.agent_id).outerjoin(
                    tenant_keys, tenant_keys.c.id == usage_events.c.key_id
                )
            )
            .where(*self._in(window))
            .group_by(
                _DAY,
                usage_events.c.model_group,
                usage_events.c.model,
                usage_events.c.agent_id,
                agents.c.name,
                usage_events.c.key_id,
                tenant_keys.c.name,
            )
            .order_by(
                _DAY,
                usage_events.c.model_group,
                usage_events.c.model,
                agents.c.name,
                tenant_keys.c.name,
            )
        )
        return list((await self.conn.execute(stmt)).all())

    async def last_activity(self) -> datetime | None:
        stmt = select(func.max(usage_events.c.created_at))
        value: datetime | None = (await self.conn.execute(stmt)).scalar_one()
        return value
