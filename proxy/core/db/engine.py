"""Connections to Postgres and the one place where the current tenant is set.

Every tenant-owned row is guarded by row-level security keyed on the transaction-local
setting `app.current_tenant`. It is written only by `Database.tenant_transaction`, with
`SET LOCAL` (the tenant rendered from a `UUID` object, so nothing else can reach the
statement; `SET LOCAL` cannot take a bind parameter), so it ends with the transaction and a
pooled connection never carries a tenant into the next one. `SET LOCAL` rather than
`SELECT set_config(..., true)`: the same effect with no result row to describe and send.

The current tenant travels in the `current_tenant` ContextVar, set only at entry points:
the admin and internal APIs' tenant dependencies (`enter_tenant`, for the rest of that
request's task) and `tenant_scope` for jobs and scripts. `tenant_transaction()` uses it;
a transaction asked for another tenant while one is in scope is refused, so a request
scoped to one tenant cannot reach another's rows even through a wrong argument.

The Database owns transaction boundaries itself: its engine runs in autocommit mode and
each transaction opens with one simple-protocol message, so beginning and setting the
tenant cost one round trip, not two. A connection whose transaction cannot be ended
cleanly is invalidated, never returned to the pool.
"""

from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from policies.tls import postgres_connection

current_tenant: ContextVar[UUID | None] = ContextVar("current_tenant", default=None)

_BEGIN = "BEGIN"
# The tenant is a UUID object rendered by uuid itself: nothing else can reach this string.
_BEGIN_AS_TENANT = "BEGIN; SET LOCAL app.current_tenant = '{tenant}'"
# A report of several queries: all of them read one snapshot, taken at the first.
_BEGIN_SNAPSHOT_AS_TENANT = (
    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL app.current_tenant = '{tenant}'"
)


class NoTenantError(RuntimeError):
    """A tenant transaction was asked for outside any tenant scope."""


class TenantMismatchError(RuntimeError):
    """A tenant transaction was asked for a tenant other than the one in scope."""


def async_url(url: str) -> str:
    """The SQLAlchemy asyncpg form of a plain `postgresql://` URL."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("database URLs must start with postgresql://")


def enter_tenant(tenant_id: UUID) -> None:
    """At an entry point (a request's tenant dependency): the rest of this task runs as
    `tenant_id`. Every request is served in a task of its own, whose context ends with it,
    so nothing carries over to the next request."""
    current_tenant.set(tenant_id)


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
        url, tls = postgres_connection(url)  # sslmode=verify-full in the URL: TLS 1.3
        self.engine: AsyncEngine = create_async_engine(
            async_url(url),
            connect_args=tls,
            pool_size=pool_size,
            pool_pre_ping=True,
            isolation_level="AUTOCOMMIT",
            # A failed statement's error (and so any log line of it) would otherwise quote its
            # parameters: password hashes, key hashes, ciphertext, message text.
            hide_parameters=True,
            **engine_options,
        )

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def tenant_transaction(
        self, tenant_id: UUID | None = None, snapshot: bool = False
    ) -> AsyncIterator[AsyncConnection]:
        """A transaction that sees exactly one tenant's rows (the current one by default).
        With `snapshot`, a read-only one whose queries all see the same committed rows (under
        read committed, each query sees what has committed by its own start)."""
        scoped = current_tenant.get()
        tenant = tenant_id if tenant_id is not None else scoped
        if tenant is None:
            raise NoTenantError("no tenant in scope for a tenant transaction")
        if scoped is not None and tenant != scoped:
            raise TenantMismatchError("a transaction for another tenant than the one in scope")
        opening = (_BEGIN_SNAPSHOT_AS_TENANT if snapshot else _BEGIN_AS_TENANT).format(
            tenant=UUID(str(tenant))
        )
        async with self._transaction(opening) as conn:
            yield conn

    @asynccontextmanager
    async def platform_transaction(self) -> AsyncIterator[AsyncConnection]:
        """A transaction with no tenant set: platform tables only; tenant tables show no rows."""
        async with self._transaction(_BEGIN) as conn:
            yield conn

    @asynccontextmanager
    async def _transaction(self, opening: str) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            assert driver is not None
            await _end_or_invalidate(conn, driver.execute(opening), undo=driver)
            try:
                yield conn
            except BaseException:
                with suppress(Exception):  # the body's exception is the one to report
                    await _end_or_invalidate(conn, driver.execute("ROLLBACK"))
                raise
            await _end_or_invalidate(conn, driver.execute("COMMIT"))


async def _end_or_invalidate(
    conn: AsyncConnection, statement: Awaitable[object], undo: Any = None
) -> None:
    """Run a transaction-control statement; on failure the connection is discarded."""
    try:
        await statement
    except BaseException:
        if undo is not None:
            with suppress(Exception):
                await undo.execute("ROLLBACK")
        await conn.invalidate()
        raise
