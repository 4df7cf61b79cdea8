"""All SQL about the audit log."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import audit_log


class AuditRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(
        self,
        *,
        tenant_id: UUID | None,
        actor: str,
        action: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
    ) -> None:
        await self.conn.execute(
            audit_log.insert().values(
                tenant_id=tenant_id, actor=actor, action=action, target=target, detail=detail or {}
            )
        )

    async def list_all(self, limit: int = 200) -> list[Row[Any]]:
        stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        return list((await self.conn.execute(stmt)).all())
