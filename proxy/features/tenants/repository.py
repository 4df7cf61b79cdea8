"""All SQL about the tenant registry."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import tenants


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

    async def list_all(
        self, *, query: str | None = None, status: str | None = None, only: UUID | None = None
    ) -> list[Row[Any]]:
        stmt = select(tenants).order_by(tenants.c.name)
        if query:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            stmt = stmt.where(
                or_(
                    tenants.c.name.ilike(pattern, escape="\\"),
                    tenants.c.slug.ilike(pattern, escape="\\"),
                )
            )
        if status:
            stmt = stmt.where(tenants.c.status == status)
        if only is not None:
            stmt = stmt.where(tenants.c.id == only)
        return list((await self.conn.execute(stmt)).all())

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
