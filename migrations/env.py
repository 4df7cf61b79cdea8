"""Alembic environment: migrations run as the owner role from DATABASE_ADMIN_URL."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from policies.tls import postgres_connection
from proxy.core.db.engine import async_url
from proxy.core.settings import get_settings


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    url = context.config.attributes.get("database_admin_url") or get_settings().database_admin_url
    url, tls = postgres_connection(url)
    engine = create_async_engine(async_url(url), connect_args=tls)
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


asyncio.run(_main())
