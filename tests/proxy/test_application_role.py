"""The running proxy talks to Postgres only as the application role, and RLS binds that role.

The proxy is handed DATABASE_ADMIN_URL too (for migrations): a connection opened with it, or
an application role that is superuser, BYPASSRLS or owner of a table, would skip row-level
security without any test noticing. This looks at what the proxy's processes really hold."""

from pathlib import Path

import pytest
from sqlalchemy import text

from proxy.core.db.engine import Database
from proxy.core.keystore import keystore_url
from tests.conftest import Services
from tests.stack import ProxyServer, TenantWorld

pytestmark = pytest.mark.e2e

APP_ROLE = "konstruct_app"
POSTGRES_PORT = 5432


def process_group(leader: int) -> list[int]:
    """The proxy's processes: its session leader and every worker it started."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == leader:  # the process group id
            pids.append(int(stat.parent.name))
    return pids


def postgres_client_ports(pids: list[int]) -> set[int]:
    """Local ports of the TCP connections these processes hold to Postgres."""
    inodes: set[str] = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = fd.readlink().name
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == POSTGRES_PORT:
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


async def test_every_connection_the_proxy_holds_is_the_application_role(
    proxy: ProxyServer, world_a: TenantWorld, services: Services, owner_db: Database
) -> None:
    assert proxy.process.proc is not None
    pids = process_group(proxy.process.proc.pid)
    assert len(pids) >= 3, "the proxy runs a supervisor and two workers"
    ports = postgres_client_ports(pids)
    assert ports, "the proxy holds no connection to Postgres after serving admin calls"
    async with owner_db.platform_transaction() as conn:
        rows = (
            await conn.execute(
                text(
                    "select client_port, usename, datname from pg_stat_activity"
                    " where client_port = any(:ports)"
                ),
                {"ports": sorted(ports)},
            )
        ).all()
    database = services.app_url.rsplit("/", 1)[1]
    assert {row.client_port for row in rows} == ports
    # The main database and the key store of tenants' data keys (world_a's sealed agent
    # fields needed its key), both as the application role, never the owner.
    assert {(row.usename, row.datname) for row in rows} == {
        (APP_ROLE, database),
        (APP_ROLE, f"{database}_keys"),
    }


async def test_the_application_role_only_reads_and_writes_rows_in_the_key_store(
    world_a: TenantWorld, services: Services
) -> None:
    """The key store has no RLS (it holds only wrapped keys, read by explicit tenant id), so
    least privilege there is the role's grants: rows only, no ownership, no DDL."""
    owner_keys = Database(keystore_url(services.admin_url), pool_size=1)
    try:
        async with owner_keys.platform_transaction() as conn:
            owned = (
                await conn.execute(
                    text(
                        "select (select count(*) from pg_class where relowner = r.oid)"
                        " + (select count(*) from pg_namespace where nspowner = r.oid)"
                        " + (select count(*) from pg_database where datdba = r.oid)"
                        " from pg_roles r where r.rolname = :r"
                    ),
                    {"r": APP_ROLE},
                )
            ).scalar_one()
            can_create = (
                await conn.execute(
                    text("select has_schema_privilege(:r, 'public', 'create')"), {"r": APP_ROLE}
                )
            ).scalar_one()
            grants = (
                await conn.execute(
                    text(
                        "select table_name, privilege_type from information_schema.table_privileges"
                        " where grantee = :r order by 1, 2"
                    ),
                    {"r": APP_ROLE},
                )
            ).all()
            keys = (await conn.execute(text("select count(*) from tenant_data_keys"))).scalar()
    finally:
        await owner_keys.dispose()
    assert keys, "world_a's sealed agent fields made it a data key"
    assert owned == 0
    assert can_create is False
    rows_only = {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert {(t, p) for t, p in grants} == {
        (table, privilege)
        for table in ("shredded_tenants", "tenant_data_keys")
        for privilege in rows_only
    }


async def test_row_level_security_binds_the_application_role(
    world_a: TenantWorld, owner_db: Database, db: Database
) -> None:
    async with owner_db.platform_transaction() as conn:
        role = (
            await conn.execute(
                text("select rolsuper, rolbypassrls from pg_roles where rolname = :r"),
                {"r": APP_ROLE},
            )
        ).one()
        owned = (
            await conn.execute(
                text(
                    "select (select count(*) from pg_class where relowner = r.oid)"
                    " + (select count(*) from pg_namespace where nspowner = r.oid)"
                    " + (select count(*) from pg_database where datdba = r.oid)"
                    " from pg_roles r where r.rolname = :r"
                ),
                {"r": APP_ROLE},
            )
        ).scalar_one()
        agents_seen_by_owner = (await conn.execute(text("select count(*) from agents"))).scalar()
    assert (role.rolsuper, role.rolbypassrls) == (False, False)
    assert owned == 0
    assert agents_seen_by_owner, "world_a made an agent"
    # The application role with no tenant set sees no tenant's rows at all.
    async with db.platform_transaction() as conn:
        assert (await conn.execute(text("select current_user"))).scalar() == APP_ROLE
        assert (await conn.execute(text("select count(*) from agents"))).scalar() == 0
