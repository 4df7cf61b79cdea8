"""All SQL about usage events and their aggregates."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, cast, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import Date, Integer, Numeric, Text

from proxy.core.db.tables import agents, usage_events

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
}
_RECORD_MANY = text(
    """
    insert into usage_events (tenant_id, call_id, model_group, model, prompt_tokens,
                              completion_tokens, cost_usd, agent_id, key_id)
    select :tenant_id, * from unnest(
        cast(:call_id as text[]), cast(:model_group as text[]), cast(:model as text[]),
        cast(:prompt_tokens as integer[]), cast(:completion_tokens as integer[]),
        cast(:cost_usd as numeric[]), cast(:agent_id as uuid[]), cast(:key_id as uuid[]))
    on conflict (tenant_id, call_id) do nothing
    returning call_id, cost_usd
    """
).bindparams(
    bindparam("tenant_id", type_=PG_UUID(as_uuid=True)),
    *(bindparam(name, type_=sql_type) for name, sql_type in _ARRAY_COLUMNS.items()),
)


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
        return [
            func.sum(usage_events.c.prompt_tokens).label("prompt_tokens"),
            func.sum(usage_events.c.completion_tokens).label("completion_tokens"),
            func.sum(usage_events.c.cost_usd).label("cost_usd"),
            func.count().label("calls"),
        ]

    async def by_day(self, since: datetime) -> list[Row[Any]]:
        day = cast(func.timezone("UTC", usage_events.c.created_at), Date).label("day")
        stmt = (
            select(day, *self._totals())
            .where(usage_events.c.created_at >= since)
            .group_by(day)
            .order_by(day)
        )
        return list((await self.conn.execute(stmt)).all())

    async def by_model(self, since: datetime) -> list[Row[Any]]:
        stmt = (
            select(usage_events.c.model, usage_events.c.model_group, *self._totals())
            .where(usage_events.c.created_at >= since)
            .group_by(usage_events.c.model, usage_events.c.model_group)
            .order_by(usage_events.c.model)
        )
        return list((await self.conn.execute(stmt)).all())

    async def by_agent(self, since: datetime) -> list[Row[Any]]:
        stmt = (
            select(usage_events.c.agent_id, agents.c.name.label("agent_name"), *self._totals())
            .select_from(usage_events.outerjoin(agents, agents.c.id == usage_events.c.agent_id))
            .where(usage_events.c.created_at >= since)
            .group_by(usage_events.c.agent_id, agents.c.name)
            .order_by(agents.c.name)
        )
        return list((await self.conn.execute(stmt)).all())

    async def totals(self, since: datetime) -> Row[Any]:
        stmt = select(*self._totals()).where(usage_events.c.created_at >= since)
        return (await self.conn.execute(stmt)).one()
