"""The key store: tenants' wrapped data keys, in a database of their own (all its SQL is here).

It is kept apart from the main database on purpose. Deleting a tenant deletes its data keys
here first (crypto-shredding); a backup of the main database taken before the deletion then
holds only ciphertext that no remaining key opens. A backup of the key store would undo
that, so it is backed up separately and kept only briefly (README "Encryption at rest").

Each row is a data key wrapped by the platform key (`KONSTRUCT_SECRET_KEY`, the secret box),
so the key store alone opens nothing either. It has no row-level security: it holds no
tenant content, the proxy reads it by explicit tenant id, and every tenant's row is needed
by the rotation job. `shredded_tenants` remembers deleted tenants so no new key is ever
made for one.
"""

from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    Row,
    Table,
    Text,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

SCHEMA = """
create table if not exists tenant_data_keys (
    tenant_id uuid not null,
    version integer not null check (version > 0),
    wrapped_key text not null,
    created_at timestamptz not null default now(),
    superseded_at timestamptz,
    primary key (tenant_id, version)
);
create table if not exists shredded_tenants (
    tenant_id uuid primary key,
    shredded_at timestamptz not null default now()
);
"""

metadata = MetaData()

tenant_data_keys = Table(
    "tenant_data_keys",
    metadata,
    Column("tenant_id", PgUUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("wrapped_key", Text, nullable=False),
    Column("created_at", DateTime(timezone=True)),
    Column("superseded_at", DateTime(timezone=True)),
)

shredded_tenants = Table(
    "shredded_tenants",
    metadata,
    Column("tenant_id", PgUUID(as_uuid=True), primary_key=True),
    Column("shredded_at", DateTime(timezone=True)),
)

# One tenant's key changes (first key, new version, shredding) are serialized, so a key can
# never be created for a tenant while it is being shredded.
_LOCK_TENANT = text("select pg_advisory_xact_lock(hashtextextended(:tenant, 0))")


def keystore_url(database_url: str) -> str:
    """The default key store beside a database: same server and role, `<name>_keys`."""
    parts = urlsplit(database_url)
    name = unquote(parts.path.lstrip("/")) or "konstruct"
    return parts._replace(path=f"/{name}_keys").geturl()


class KeyStoreRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def lock_tenant(self, tenant_id: UUID) -> None:
        await self.conn.execute(_LOCK_TENANT, {"tenant": str(tenant_id)})

    async def versions(self, tenant_id: UUID) -> list[Row[Any]]:
        """A tenant's data keys, newest (current) first."""
        stmt = (
            select(tenant_data_keys)
            .where(tenant_data_keys.c.tenant_id == tenant_id)
            .order_by(tenant_data_keys.c.version.desc())
        )
        return list((await self.conn.execute(stmt)).all())

    async def now(self) -> datetime:
        value: datetime = (await self.conn.execute(select(func.now()))).scalar_one()
        return value

    async def is_shredded(self, tenant_id: UUID) -> bool:
        stmt = select(shredded_tenants.c.tenant_id).where(shredded_tenants.c.tenant_id == tenant_id)
        return (await self.conn.execute(stmt)).first() is not None

    async def add(self, tenant_id: UUID, version: int, wrapped_key: str) -> None:
        """A new current version; the one it replaces is marked superseded now."""
        await self.conn.execute(
            update(tenant_data_keys)
            .where(
                tenant_data_keys.c.tenant_id == tenant_id,
                tenant_data_keys.c.superseded_at.is_(None),
            )
            .values(superseded_at=func.now())
        )
        await self.conn.execute(
            insert(tenant_data_keys).values(
                tenant_id=tenant_id, version=version, wrapped_key=wrapped_key
            )
        )

    async def shred(self, tenant_id: UUID) -> int:
        await self.conn.execute(
            insert(shredded_tenants).values(tenant_id=tenant_id).on_conflict_do_nothing()
        )
        result = await self.conn.execute(
            delete(tenant_data_keys).where(tenant_data_keys.c.tenant_id == tenant_id)
        )
        return result.rowcount

    async def all_keys(self) -> list[Row[Any]]:
        stmt = select(tenant_data_keys).order_by(
            tenant_data_keys.c.tenant_id, tenant_data_keys.c.version
        )
        return list((await self.conn.execute(stmt)).all())

    async def rewrap(self, tenant_id: UUID, version: int, wrapped_key: str) -> None:
        await self.conn.execute(
            update(tenant_data_keys)
            .where(tenant_data_keys.c.tenant_id == tenant_id, tenant_data_keys.c.version == version)
            .values(wrapped_key=wrapped_key)
        )

    async def retire(self, tenant_id: UUID, versions: list[int]) -> int:
        """Delete superseded versions (never the current one)."""
        result = await self.conn.execute(
            delete(tenant_data_keys).where(
                tenant_data_keys.c.tenant_id == tenant_id,
                tenant_data_keys.c.version.in_(versions),
                tenant_data_keys.c.superseded_at.is_not(None),
            )
        )
        return result.rowcount
