"""All SQL about operators and their one-time invitation and reset links."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import operator_invitations, operators, tenants


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

    async def set_password(self, operator_id: UUID, password_hash: str) -> None:
        """A new password; every token issued before it stops working."""
        await self.conn.execute(
            update(operators)
            .where(operators.c.id == operator_id)
            .values(password_hash=password_hash, session_version=operators.c.session_version + 1)
        )


class InvitationRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def create(self, **values: Any) -> Row[Any]:
        stmt = operator_invitations.insert().values(**values).returning(operator_invitations)
        return (await self.conn.execute(stmt)).one()

    async def withdraw_open(self, *, email: str, purpose: str) -> None:
        """A new link replaces the open ones of the same person and purpose."""
        await self.conn.execute(
            delete(operator_invitations).where(
                operator_invitations.c.email == email,
                operator_invitations.c.purpose == purpose,
                operator_invitations.c.accepted_at.is_(None),
            )
        )

    async def by_token_hash(self, token_hash: str, *, lock: bool = False) -> Row[Any] | None:
        stmt = (
            select(operator_invitations, tenants.c.name.label("tenant_name"))
            .select_from(
                operator_invitations.outerjoin(
                    tenants, tenants.c.id == operator_invitations.c.tenant_id
                )
            )
            .where(operator_invitations.c.token_hash == token_hash)
        )
        if lock:
            stmt = stmt.with_for_update(of=operator_invitations)
        return (await self.conn.execute(stmt)).first()

    async def list_open(self, *, tenant_id: UUID | None = None) -> list[Row[Any]]:
        stmt = (
            select(operator_invitations)
            .where(operator_invitations.c.accepted_at.is_(None))
            .order_by(operator_invitations.c.created_at.desc())
        )
        if tenant_id is not None:
            stmt = stmt.where(operator_invitations.c.tenant_id == tenant_id)
        return list((await self.conn.execute(stmt)).all())

    async def get(self, invitation_id: UUID) -> Row[Any] | None:
        stmt = select(operator_invitations).where(operator_invitations.c.id == invitation_id)
        return (await self.conn.execute(stmt)).first()

    async def delete(self, invitation_id: UUID) -> None:
        await self.conn.execute(
            delete(operator_invitations).where(operator_invitations.c.id == invitation_id)
        )

    async def spend(self, invitation_id: UUID, when: datetime) -> None:
        await self.conn.execute(
            update(operator_invitations)
            .where(operator_invitations.c.id == invitation_id)
            .values(accepted_at=when)
        )
