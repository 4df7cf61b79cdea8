"""Connections to Postgres and the one place where the current tenant is set.

Every tenant-owned row is guarded by row-level security keyed on the transaction-local
setting `app.current_tenant`. It is written only by `Database.tenant_transaction`, with
`set_config(..., true)`, so it ends with the transaction and a pooled connection never
carries a tenant into the next one.
"""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

current_tenant: ContextVar[UUID | None] = ContextVar("current_tenant", default=None)

_SET_TENANT = text("select set_config('app.current_tenant', :tenant_id, true)")


class NoTenantError(RuntimeError):
    """A tenant transaction was asked for outside any tenant scope."""


def async_url(url: str) -> str:
    """The SQLAlchemy asyncpg form of a plain `postgresql://` URL."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("database URLs must start with postgresql://")


@contextmanager
def tenant_scope(tenant_id: UUID) -> Iterator[None]:
    """Set the current tenant for the duration of an entry point (request, job)."""
    token = current_tenant.set(tenant_id)
    try:
        yield
    finally:
        current_tenant.reset(token)


class Database:
    def __init__(self, url: str, *, pool_size: int = 10, **engine_options: object) -> None:
        self.engine: AsyncEngine = create_async_engine(
            async_url(url), pool_size=pool_size, pool_pre_ping=True, **engine_options
        )

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def tenant_transaction(
        self, tenant_id: UUID | None = None
    ) -> AsyncIterator[AsyncConnection]:
        """A transaction that sees exactly one tenant's rows (the current one by default)."""
        tenant = tenant_id if tenant_id is not None else current_tenant.get()
        if tenant is None:
            raise NoTenantError("no tenant in scope for a tenant transaction")
        async with self.engine.begin() as conn:
            await conn.execute(_SET_TENANT, {"tenant_id": str(tenant)})
            yield conn

    @asynccontextmanager
    async def platform_transaction(self) -> AsyncIterator[AsyncConnection]:
        """A transaction with no tenant set: platform tables only; tenant tables show no rows."""
        async with self.engine.begin() as conn:
            yield conn
