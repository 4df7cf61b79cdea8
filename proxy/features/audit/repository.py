"""All SQL about the audit log."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, String, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import audit_log


@dataclass(frozen=True)
class AuditFilter:
    """Entries of one action (or a family: "agent." matches every agent action), one actor,
    a time span [since, until), and a search over actor, action, target and detail."""

    action: str | None = None
    actor: str | None = None
    query: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


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

    @staticmethod
    def _where(match: AuditFilter) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if match.action:
            if match.action.endswith("."):
                conditions.append(audit_log.c.action.startswith(match.action, autoescape=True))
            else:
                conditions.append(audit_log.c.action == match.action)
        if match.actor:
            conditions.append(audit_log.c.actor == match.actor)
        if match.since is not None:
            conditions.append(audit_log.c.created_at >= match.since)
        if match.until is not None:
            conditions.append(audit_log.c.created_at < match.until)
        if match.query:
            pattern = _like(match.query)
            conditions.append(
                or_(
                    audit_log.c.actor.ilike(pattern, escape="\\"),
                    audit_log.c.action.ilike(pattern, escape="\\"),
                    audit_log.c.target.ilike(pattern, escape="\\"),
                    cast(audit_log.c.detail, String).ilike(pattern, escape="\\"),
                )
            )
        return conditions

    async def page(self, match: AuditFilter, *, limit: int, offset: int) -> list[Row[Any]]:
        stmt = (
            select(audit_log)
            .where(*self._where(match))
            .order_by(audit_log.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list((await self.conn.execute(stmt)).all())

    async def count(self, match: AuditFilter) -> int:
        stmt = select(func.count()).select_from(audit_log).where(*self._where(match))
        total: int = (await self.conn.execute(stmt)).scalar_one()
        return total

    async def actions(self) -> list[str]:
        stmt = select(audit_log.c.action).distinct().order_by(audit_log.c.action)
        return list((await self.conn.execute(stmt)).scalars())

    async def actors(self) -> list[str]:
        stmt = select(audit_log.c.actor).distinct().order_by(audit_log.c.actor)
        return list((await self.conn.execute(stmt)).scalars())
