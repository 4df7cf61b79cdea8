"""The catalog itself proves isolation is on: RLS forced and policed on every tenant table."""

import pytest
from sqlalchemy import text

from proxy.core.db.engine import Database
from proxy.core.db.tables import PLATFORM_TABLES

pytestmark = pytest.mark.integration

UNGUARDED_TENANT_TABLES = text(
    """
    select c.relname
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    where c.relkind in ('r', 'p')
      and exists (select 1 from pg_attribute a
                  where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
      and not (c.relrowsecurity and c.relforcerowsecurity
               and exists (select 1 from pg_policies p
                           where p.schemaname = 'public' and p.tablename = c.relname))
    order by 1
    """
)

POLICIES_WITHOUT_CHECK = text(
    "select tablename from pg_policies where schemaname = 'public' "
    "and (qual is null or with_check is null)"
)


async def unguarded(conn) -> set[str]:  # type: ignore[no-untyped-def]
    rows = (await conn.execute(UNGUARDED_TENANT_TABLES)).scalars().all()
    return set(rows) - set(PLATFORM_TABLES)


async def test_every_tenant_table_has_forced_rls_and_a_policy(owner_db: Database) -> None:
    async with owner_db.platform_transaction() as conn:
        assert await unguarded(conn) == set()
        assert (await conn.execute(POLICIES_WITHOUT_CHECK)).all() == []
        policed = set((await conn.execute(text("select tablename from pg_policies"))).scalars())
    assert {"agents", "messages", "usage_events", "audit_log", "tenant_keys"} <= policed


class Undo(Exception):
    """Raised to roll a transaction back."""


async def test_a_new_tenant_table_without_rls_is_caught(owner_db: Database) -> None:
    with pytest.raises(Undo):
        async with owner_db.platform_transaction() as conn:
            await conn.execute(text("create table sneaky (id int, tenant_id uuid)"))
            assert await unguarded(conn) == {"sneaky"}
            await conn.execute(text("alter table sneaky enable row level security"))
            assert await unguarded(conn) == {"sneaky"}, "ENABLE without FORCE must still fail"
            raise Undo
    async with owner_db.platform_transaction() as conn:
        assert await unguarded(conn) == set(), "the rollback must have removed the table"


async def test_platform_tables_hold_only_their_routing_columns(owner_db: Database) -> None:
    query = text(
        "select table_name, array_agg(column_name::text order by column_name) "
        "from information_schema.columns where table_schema = 'public' "
        "and table_name in ('key_routes', 'slack_team_routes') group by table_name"
    )
    async with owner_db.platform_transaction() as conn:
        columns = dict((await conn.execute(query)).all())
    assert columns == {
        "key_routes": ["key_hash", "key_id", "tenant_id"],
        "slack_team_routes": ["team_id", "tenant_id"],
    }


async def test_app_role_cannot_bypass_rls(db: Database) -> None:
    async with db.platform_transaction() as conn:
        role = (
            await conn.execute(
                text(
                    "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles "
                    "where rolname = current_user"
                )
            )
        ).one()
        owned = (
            await conn.execute(
                text(
                    "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner "
                    "where r.rolname = current_user"
                )
            )
        ).scalar_one()
    assert tuple(role) == (False, False, False, False)
    assert owned == 0


async def test_app_role_cannot_touch_migration_bookkeeping(db: Database) -> None:
    with pytest.raises(Exception, match="permission denied"):
        async with db.platform_transaction() as conn:
            await conn.execute(text("select * from alembic_version"))
