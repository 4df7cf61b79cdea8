"""All SQL about operators."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import operators


class OperatorRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def create(self, **values: Any) -> Row[Any]:
        stmt = operators.insert().values(**values).returning(operators)
        return (await self.conn.execute(stmt)).one()

    async def get(self, operator_id: UUID) -> Row[Any] | None:
        stmt = select(operators).where(operators.c.id == operator_id)
        return (await self.conn.execute(stmt)).first()

    async def get_by_email(self, email: str) -> Row[Any] | None:
        stmt = select(operators).where(operators.c.email == email)
        return (await self.conn.execute(stmt)).first()

    async def list_all(self, *, tenant_id: UUID | None = None) -> list[Row[Any]]:
        stmt = select(operators).order_by(operators.c.email)
        if tenant_id is not None:
            stmt = stmt.where(operators.c.tenant_id == tenant_id)
        return list((await self.conn.execute(stmt)).all())

    async def count_platform_admins(self) -> int:
        stmt = select(func.count()).where(operators.c.role == "platform_admin")
        count: int = (await self.conn.execute(stmt)).scalar_one()
        return count

    async def record_login(self, operator_id: UUID, password_hash: str | None) -> None:
        values: dict[str, Any] = {"last_login_at": func.now()}
        if password_hash is not None:
            values["password_hash"] = password_hash
        await self.conn.execute(
            update(operators).where(operators.c.id == operator_id).values(**values)
        )

    async def bump_session_version(self, operator_id: UUID) -> None:
        await self.conn.execute(
            update(operators)
            .where(operators.c.id == operator_id)
            .values(session_version=operators.c.session_version + 1)
        )

    async def delete(self, operator_id: UUID) -> bool:
        result = await self.conn.execute(delete(operators).where(operators.c.id == operator_id))
        return result.rowcount > 0
