"""`make migrate`: create the database if missing, upgrade the schema, then set up the app role.

Runs as the owner role (DATABASE_ADMIN_URL). The application role named in DATABASE_URL
is created or updated to be a plain login role — not superuser, no BYPASSRLS, owner of
nothing — with exactly the privileges the proxy needs. The key store of tenants' data keys
(proxy/core/keystore.py, a database of its own) is created and granted the same way.
"""

import asyncio
import sys
from urllib.parse import unquote, urlsplit

import asyncpg
from alembic import command
from alembic.config import Config

from policies.tls import postgres_connection
from proxy.core import keystore
from proxy.core.settings import get_settings

APP_TABLE_PRIVILEGES = "select, insert, update, delete"


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def connect(url: str) -> asyncpg.Connection:
    """One connection, over TLS 1.3 when the URL asks for it (sslmode=verify-full)."""
    dsn, tls = postgres_connection(_plain(url))
    return await asyncpg.connect(dsn, **tls)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def ensure_database(admin_url: str) -> None:
    parts = urlsplit(_plain(admin_url))
    dbname = unquote(parts.path.lstrip("/"))
    maintenance = parts._replace(path="/postgres").geturl()
    conn = await connect(maintenance)
    try:
        if not await conn.fetchval("select 1 from pg_database where datname = $1", dbname):
            await conn.execute(f"create database {_quote_ident(dbname)}")
    finally:
        await conn.close()


async def drop_database(admin_url: str) -> None:
    """Drop a (scratch) database, disconnecting its sessions: tests and benchmarks only."""
    parts = urlsplit(_plain(admin_url))
    dbname = unquote(parts.path.lstrip("/"))
    conn = await connect(parts._replace(path="/postgres").geturl())
    try:
        await conn.execute(f"drop database if exists {_quote_ident(dbname)} with (force)")
    finally:
        await conn.close()


async def ensure_app_role(admin_url: str, app_url: str) -> str:
    """The application role and its grants (idempotent). The role is the cluster's, shared by
    every database on it: migrations of two databases at once (parallel test workers, two
    deployments on one server) may alter it together, and Postgres then fails one of them
    with "tuple concurrently updated"; that one is tried again."""
    for attempt in range(_ROLE_ATTEMPTS):
        try:
            return await _ensure_app_role(admin_url, app_url)
        except asyncpg.InternalServerError as exc:
            if "tuple concurrently updated" not in str(exc) or attempt == _ROLE_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


_ROLE_ATTEMPTS = 8


async def _ensure_app_role(admin_url: str, app_url: str) -> str:
    parts = urlsplit(_plain(app_url))
    role = unquote(parts.username or "")
    if not role:
        raise SystemExit("DATABASE_URL names no user: the app role cannot be set up")
    password = unquote(parts.password or "")
    dbname = unquote(urlsplit(_plain(admin_url)).path.lstrip("/"))
    conn = await connect(admin_url)
    try:
        async with conn.transaction():
            options = "login nosuperuser nobypassrls nocreatedb nocreaterole noinherit"
            if password:
                options += f" password {_quote_literal(password)}"
            exists = await conn.fetchval("select 1 from pg_roles where rolname = $1", role)
            verb = "alter" if exists else "create"
            await conn.execute(f"{verb} role {_quote_ident(role)} with {options}")
            ident = _quote_ident(role)
            await conn.execute(f"grant connect on database {_quote_ident(dbname)} to {ident}")
            await conn.execute(f"grant usage on schema public to {ident}")
            await conn.execute(
                f"grant {APP_TABLE_PRIVILEGES} on all tables in schema public to {ident}"
            )
            if await conn.fetchval("select to_regclass('alembic_version') is not null"):
                await conn.execute(f"revoke all on table alembic_version from {ident}")
            await conn.execute(f"grant usage on all sequences in schema public to {ident}")
    finally:
        await conn.close()
    return role


def upgrade(admin_url: str) -> None:
    config = Config("alembic.ini")
    config.attributes["database_admin_url"] = admin_url
    command.upgrade(config, "head")


async def ensure_keystore(admin_url: str, app_url: str) -> None:
    """The key store's database and tables (idempotent), and the app role's grants on it."""
    await ensure_database(admin_url)
    conn = await connect(admin_url)
    try:
        await conn.execute(keystore.SCHEMA)
    finally:
        await conn.close()
    await ensure_app_role(admin_url, app_url)


def migrate(
    admin_url: str,
    app_url: str,
    *,
    keystore_admin_url: str | None = None,
    keystore_app_url: str | None = None,
) -> str:
    """Both databases; the key store defaults to `<name>_keys` beside the main database."""
    asyncio.run(ensure_database(admin_url))
    upgrade(admin_url)
    role = asyncio.run(ensure_app_role(admin_url, app_url))
    asyncio.run(
        ensure_keystore(
            keystore_admin_url or keystore.keystore_url(_plain(admin_url)),
            keystore_app_url or keystore.keystore_url(_plain(app_url)),
        )
    )
    return role


def main() -> None:
    settings = get_settings()
    try:
        role = migrate(
            settings.database_admin_url,
            settings.database_url,
            keystore_admin_url=settings.keystore_admin_url,
            keystore_app_url=settings.keystore_url,
        )
    except (OSError, asyncpg.PostgresError) as exc:
        sys.stderr.write(
            f"migrate: cannot reach Postgres ({exc.__class__.__name__}: {exc}).\n"
            "Start it (locally: pg_ctlcluster 15 main start) or set DATABASE_ADMIN_URL.\n"
        )
        raise SystemExit(2) from exc
    sys.stdout.write(f"migrate: schema at head, key store ready; app role {role!r} ready\n")


if __name__ == "__main__":
    main()
