"""All SQL about a tenant's limits."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import tenant_limits


class LimitsRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self) -> Row[Any] | None:
        return (await self.conn.execute(select(tenant_limits))).first()

    async def upsert(self, *, tenant_id: UUID, **values: Any) -> Row[Any]:
        stmt = (
            insert(tenant_limits)
            .values(tenant_id=tenant_id, **values)
            .on_conflict_do_update(
                index_elements=[tenant_limits.c.tenant_id],
                set_={**values, "updated_at": func.now()},
            )
            .returning(tenant_limits)
        )
        return (await self.conn.execute(stmt)).one()
