"""All SQL about the tenant registry, and the figures of one tenant (under its RLS)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, String, cast, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import (
    agents,
    channel_connections,
    conversations,
    tenant_keys,
    tenant_limits,
    tenants,
    usage_events,
)

# The registry's own columns a list can be ordered by in SQL.
SORTABLE = {
    "name": tenants.c.name,
    "slug": tenants.c.slug,
    "created_at": tenants.c.created_at,
    "status": tenants.c.status,
}


class TenantRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def create(self, **values: Any) -> Row[Any]:
        stmt = tenants.insert().values(**values).returning(tenants)
        return (await self.conn.execute(stmt)).one()

    async def get(self, tenant_id: UUID) -> Row[Any] | None:
        return (await self.conn.execute(select(tenants).where(tenants.c.id == tenant_id))).first()

    async def get_by_slug(self, slug: str) -> Row[Any] | None:
        return (await self.conn.execute(select(tenants).where(tenants.c.slug == slug))).first()

    @staticmethod
    def _filters(
        query: str | None, status: str | None, only: UUID | None
    ) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            conditions.append(
                or_(
                    tenants.c.name.ilike(pattern, escape="\\"),
                    tenants.c.slug.ilike(pattern, escape="\\"),
                    # The beginning of an id, as lists show it: `konstruct tenant suspend a1d6…`.
                    cast(tenants.c.id, String).like(f"{escaped.lower()}%", escape="\\"),
                )
            )
        if status:
            conditions.append(tenants.c.status == status)
        if only is not None:
            conditions.append(tenants.c.id == only)
        return conditions

    async def list_all(
        self,
        *,
        query: str | None = None,
        status: str | None = None,
        only: UUID | None = None,
        sort: str = "name",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Row[Any]]:
        column = SORTABLE[sort]
        order = column.desc() if descending else column.asc()
        stmt = (
            select(tenants)
            .where(*self._filters(query, status, only))
            # The id breaks ties, so a page boundary never splits or repeats equal rows.
            .order_by(order, tenants.c.id)
            .offset(offset)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return list((await self.conn.execute(stmt)).all())

    async def count(
        self, *, query: str | None = None, status: str | None = None, only: UUID | None = None
    ) -> int:
        stmt = select(func.count()).select_from(tenants).where(*self._filters(query, status, only))
        total: int = (await self.conn.execute(stmt)).scalar_one()
        return total

    async def update(self, tenant_id: UUID, **values: Any) -> Row[Any] | None:
        stmt = (
            update(tenants)
            .where(tenants.c.id == tenant_id)
            .values(**values, updated_at=func.now())
            .returning(tenants)
        )
        return (await self.conn.execute(stmt)).first()

    async def delete(self, tenant_id: UUID) -> bool:
        result = await self.conn.execute(delete(tenants).where(tenants.c.id == tenant_id))
        return result.rowcount > 0


class TenantStatsRepository:
    """One tenant's figures in one statement; row-level security keeps it to that tenant."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def figures(self, month_start: datetime) -> Row[Any]:
        def scalar(stmt: Any) -> Any:
            return stmt.scalar_subquery()

        this_month = usage_events.c.created_at >= month_start
        stmt: Any = select(
            scalar(select(func.count()).select_from(agents)).label("agents"),
            scalar(select(func.count()).where(agents.c.is_active)).label("active_agents"),
            scalar(
                select(func.count()).where(
                    tenant_keys.c.kind == "api", tenant_keys.c.revoked_at.is_(None)
                )
            ).label("keys"),
            scalar(select(func.count()).select_from(channel_connections)).label("slack_workspaces"),
            scalar(
                select(
                    func.array_agg(
                        aggregate_order_by(
                            channel_connections.c.status, channel_connections.c.created_at
                        )
                    )
                )
            ).label("slack_statuses"),
            scalar(
                select(func.coalesce(func.sum(usage_events.c.cost_usd), 0)).where(this_month)
            ).label("spend_this_month_usd"),
            scalar(select(func.count()).select_from(usage_events).where(this_month)).label(
                "calls_this_month"
            ),
            scalar(select(tenant_limits.c.monthly_budget_usd)).label("monthly_budget_usd"),
            func.greatest(
                scalar(select(func.max(usage_events.c.created_at))),
                scalar(select(func.max(conversations.c.last_message_at))),
            ).label("last_activity_at"),
        )
        return (await self.conn.execute(stmt)).one()
