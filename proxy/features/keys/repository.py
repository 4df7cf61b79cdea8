"""All SQL about tenant keys and their routing rows."""

from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import key_routes, tenant_keys


class KeyRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def create(self, *, tenant_id: UUID, key_hash: str, **values: Any) -> Row[Any]:
        stmt = (
            tenant_keys.insert()
            .values(tenant_id=tenant_id, key_hash=key_hash, **values)
            .returning(tenant_keys)
        )
        row = (await self.conn.execute(stmt)).one()
        await self.conn.execute(
            key_routes.insert().values(key_hash=key_hash, tenant_id=tenant_id, key_id=row.id)
        )
        return row

    async def get(self, key_id: UUID) -> Row[Any] | None:
        stmt = select(tenant_keys).where(tenant_keys.c.id == key_id)
        return (await self.conn.execute(stmt)).first()

    async def list_all(self, *, kind: str = "api") -> list[Row[Any]]:
        stmt = (
            select(tenant_keys)
            .where(tenant_keys.c.kind == kind)
            .order_by(tenant_keys.c.created_at.desc(), tenant_keys.c.id)
        )
        return list((await self.conn.execute(stmt)).all())

    async def all_hashes(self) -> list[str]:
        """The hash of every key of the tenant, API and bridge keys alike (for cache eviction)."""
        return list((await self.conn.execute(select(tenant_keys.c.key_hash))).scalars())

    async def active_bridge_key(self) -> Row[Any] | None:
        stmt = select(tenant_keys).where(
            tenant_keys.c.kind == "bridge", tenant_keys.c.revoked_at.is_(None)
        )
        return (await self.conn.execute(stmt)).first()

    async def revoke(self, key_id: UUID) -> Row[Any] | None:
        stmt = (
            update(tenant_keys)
            .where(tenant_keys.c.id == key_id)
            .values(revoked_at=func.coalesce(tenant_keys.c.revoked_at, func.now()))
            .returning(tenant_keys)
        )
        row = (await self.conn.execute(stmt)).first()
        if row is not None:
            await self.conn.execute(delete(key_routes).where(key_routes.c.key_id == key_id))
        return row

    async def reseal(self, key_id: UUID, encrypted_secret: str) -> None:
        await self.conn.execute(
            update(tenant_keys)
            .where(tenant_keys.c.id == key_id)
            .values(encrypted_secret=encrypted_secret)
        )

    async def touch_many(self, key_ids: set[UUID], when: datetime) -> None:
        await self.conn.execute(
            update(tenant_keys).where(tenant_keys.c.id.in_(key_ids)).values(last_used_at=when)
        )


class KeyRoute(NamedTuple):
    tenant_id: UUID
    key_id: UUID


class KeyRouteRepository:
    """The routing table read before the tenant is known (no tenant data in it)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def resolve(self, key_hash: str) -> KeyRoute | None:
        stmt = select(key_routes.c.tenant_id, key_routes.c.key_id).where(
            key_routes.c.key_hash == key_hash
        )
        row = (await self.conn.execute(stmt)).first()
        return KeyRoute(row.tenant_id, row.key_id) if row else None
