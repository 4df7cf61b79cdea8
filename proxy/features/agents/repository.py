"""All SQL about agents (tenant rows, under RLS)."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import agents


class AgentRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def create(self, *, tenant_id: UUID, **values: Any) -> Row[Any]:
        if values.get("is_default"):
            await self._clear_default()
        stmt = agents.insert().values(tenant_id=tenant_id, **values).returning(agents)
        return (await self.conn.execute(stmt)).one()

    async def get(self, agent_id: UUID) -> Row[Any] | None:
        return (await self.conn.execute(select(agents).where(agents.c.id == agent_id))).first()

    async def find(self, id_or_slug: str) -> Row[Any] | None:
        """An agent by id or slug (the `X-Konstruct-Agent` header takes either)."""
        try:
            condition = or_(agents.c.id == UUID(id_or_slug), agents.c.slug == id_or_slug)
        except ValueError:
            condition = agents.c.slug == id_or_slug
        return (await self.conn.execute(select(agents).where(condition))).first()

    async def default(self) -> Row[Any] | None:
        stmt = select(agents).where(agents.c.is_default, agents.c.is_active)
        return (await self.conn.execute(stmt)).first()

    async def list_all(self) -> list[Row[Any]]:
        stmt = select(agents).order_by(agents.c.created_at, agents.c.id)
        return list((await self.conn.execute(stmt)).all())

    async def update(self, agent_id: UUID, **values: Any) -> Row[Any] | None:
        if values.get("is_default"):
            await self._clear_default(except_id=agent_id)
        stmt = (
            update(agents)
            .where(agents.c.id == agent_id)
            .values(**values, updated_at=func.now())
            .returning(agents)
        )
        return (await self.conn.execute(stmt)).first()

    async def delete(self, agent_id: UUID) -> bool:
        result = await self.conn.execute(delete(agents).where(agents.c.id == agent_id))
        return result.rowcount > 0

    async def _clear_default(self, except_id: UUID | None = None) -> None:
        stmt = update(agents).where(agents.c.is_default).values(is_default=False)
        if except_id is not None:
            stmt = stmt.where(agents.c.id != except_id)
        await self.conn.execute(stmt)
