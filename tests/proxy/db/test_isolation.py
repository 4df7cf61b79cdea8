"""Cross-tenant matrix: under tenant A, tenant B's rows cannot be read, changed or forged."""

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from proxy.core.db.engine import Database, NoTenantError, TenantMismatchError, tenant_scope
from proxy.core.db.tables import PLATFORM_TABLES
from tests.conftest import Services, Tenant
from tests.proxy.db.seed import Seeded, seed_tenant

pytestmark = pytest.mark.integration

TENANT_TABLES = (
    "agents",
    "tenant_keys",
    "tenant_limits",
    "channel_connections",
    "channel_agent_overrides",
    "conversations",
    "messages",
    "usage_events",
    "gateway_responses",
    "audit_log",
    "mcp_servers",
    "http_tools",
    "agent_tool_assignments",
    "tool_calls",
    "approvals",
    "answer_feedback",
)


def forged_inserts(b: uuid.UUID, seeded: Seeded) -> dict[str, tuple[str, dict[str, object]]]:
    """An insert per tenant table that claims tenant B (with B's real parents)."""
    tag = uuid.uuid4().hex[:8]
    p = {"t": b}
    return {
        "agents": (
            "insert into agents (tenant_id, slug, name) values (:t, :s, 'x')",
            {**p, "s": f"f{tag}"},
        ),
        "tenant_keys": (
            "insert into tenant_keys (tenant_id, name, key_hash, prefix) values (:t, 'x', :s, 'x')",
            {**p, "s": tag},
        ),
        "tenant_limits": ("insert into tenant_limits (tenant_id) values (:t)", p),
        "channel_connections": (
            "insert into channel_connections (tenant_id, workspace_id, encrypted_bot_token,"
            " bot_user_id) values (:t, :s, 'x', 'U')",
            {**p, "s": tag},
        ),
        "channel_agent_overrides": (
            "insert into channel_agent_overrides (tenant_id, connection_id, channel_id, agent_id)"
            " values (:t, :c, :s, :a)",
            {**p, "c": seeded.connection_id, "a": seeded.agent_id, "s": tag},
        ),
        "conversations": (
            "insert into conversations (tenant_id, channel_id, thread_id) values (:t, 'C', :s)",
            {**p, "s": tag},
        ),
        "messages": (
            "insert into messages (tenant_id, conversation_id, role, text, source_event_id)"
            " values (:t, :c, 'user', 'x', :s)",
            {**p, "c": seeded.conversation_id, "s": tag},
        ),
        "usage_events": (
            "insert into usage_events (tenant_id, call_id, model_group, model, prompt_tokens,"
            " completion_tokens) values (:t, :s, 'g', 'm', 1, 1)",
            {**p, "s": tag},
        ),
        "gateway_responses": (
            "insert into gateway_responses (tenant_id, response_id) values (:t, :s)",
            {**p, "s": f"resp_{tag}"},
        ),
        "audit_log": ("insert into audit_log (tenant_id, actor, action) values (:t, 'x', 'x')", p),
        "mcp_servers": (
            "insert into mcp_servers (tenant_id, name, url) values (:t, :s, 'https://x.example')",
            {**p, "s": tag},
        ),
        "http_tools": (
            "insert into http_tools (tenant_id, name, parameters, method, url)"
            " values (:t, :s, '{}'::jsonb, 'GET', 'https://x.example')",
            {**p, "s": tag},
        ),
        "agent_tool_assignments": (
            "insert into agent_tool_assignments (tenant_id, agent_id, name, mcp_server_id,"
            " mcp_tool_name, policy) values (:t, :a, :s, :m, :s, 'auto')",
            {**p, "a": seeded.agent_id, "m": seeded.mcp_server_id, "s": f"f{tag}"},
        ),
        "tool_calls": (
            "insert into tool_calls (tenant_id, agent_id, turn_id, tool_name, outcome,"
            " sealed_arguments, data_key_version) values (:t, :a, :s, 'x', 'ok', 'x', 1)",
            {**p, "a": seeded.agent_id, "s": tag},
        ),
        "approvals": (
            "insert into approvals (tenant_id, agent_id, turn_id, call_key, tool_name,"
            " sealed_arguments, data_key_version, expires_at)"
            " values (:t, :a, :s, 'c', 'x', 'x', 1, now())",
            {**p, "a": seeded.agent_id, "s": tag},
        ),
        "answer_feedback": (
            "insert into answer_feedback (tenant_id, agent_id, channel_id, message_ts, user_id,"
            " rating) values (:t, :a, 'C1', :s, 'U1', 1)",
            {**p, "a": seeded.agent_id, "s": tag},
        ),
    }


async def test_the_matrix_covers_every_table_with_a_tenant(owner_db: Database) -> None:
    async with owner_db.platform_transaction() as conn:
        found = (
            await conn.execute(
                text(
                    "select table_name from information_schema.columns "
                    "where table_schema = 'public' and column_name = 'tenant_id'"
                )
            )
        ).scalars()
        with_tenant = set(found) - set(PLATFORM_TABLES)
    assert with_tenant == set(TENANT_TABLES)


async def count_rows(owner_db: Database, table: str, tenant_id: uuid.UUID) -> int:
    async with owner_db.platform_transaction() as conn:
        query = text(f"select count(*) from {table} where tenant_id = :t")
        count: int = (await conn.execute(query, {"t": tenant_id})).scalar_one()
        return count


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_tenant_a_cannot_see_change_or_forge_b_rows(
    db: Database, owner_db: Database, tenant_a: Tenant, tenant_b: Tenant, table: str
) -> None:
    await seed_tenant(db, tenant_a.id)
    seeded_b = await seed_tenant(db, tenant_b.id)
    b_rows_before = await count_rows(owner_db, table, tenant_b.id)
    assert b_rows_before >= 1, "the seed must give B a row, or this test proves nothing"

    async with db.tenant_transaction(tenant_a.id) as conn:
        visible = (await conn.execute(text(f"select tenant_id from {table}"))).scalars().all()
        assert visible
        assert set(visible) == {tenant_a.id}
        params = {"b": tenant_b.id}
        where_b = f"{table} where tenant_id = :b"
        assert (
            await conn.execute(text(f"select count(*) from {where_b}"), params)
        ).scalar_one() == 0
        touched = await conn.execute(
            text(f"update {table} set tenant_id = tenant_id where tenant_id = :b"), params
        )
        assert touched.rowcount == 0
        assert (await conn.execute(text(f"delete from {where_b}"), params)).rowcount == 0

    sql, forged_params = forged_inserts(tenant_b.id, seeded_b)[table]
    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.tenant_transaction(tenant_a.id) as conn:
            await conn.execute(text(sql), forged_params)

    with pytest.raises(DBAPIError, match="row-level security"):
        async with db.tenant_transaction(tenant_a.id) as conn:
            await conn.execute(text(f"update {table} set tenant_id = :b"), {"b": tenant_b.id})

    assert await count_rows(owner_db, table, tenant_b.id) == b_rows_before


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_no_tenant_set_sees_zero_rows_even_on_a_reused_connection(
    services: Services, tenant_a: Tenant, table: str
) -> None:
    single = Database(services.app_url, pool_size=1, max_overflow=0)
    try:
        await seed_tenant(single, tenant_a.id)
        async with single.tenant_transaction(tenant_a.id) as conn:
            assert (await conn.execute(text(f"select count(*) from {table}"))).scalar_one() > 0
        async with single.platform_transaction() as conn:
            setting = (
                await conn.execute(text("select current_setting('app.current_tenant', true)"))
            ).scalar_one()
            assert setting in ("", None)
            query = text(f"select count(*) from {table} where tenant_id is not null")
            assert (await conn.execute(query)).scalar_one() == 0
    finally:
        await single.dispose()


async def test_tenant_transaction_needs_a_tenant_in_scope(db: Database, tenant_a: Tenant) -> None:
    with pytest.raises(NoTenantError):
        async with db.tenant_transaction():
            pass
    with tenant_scope(tenant_a.id):
        async with db.tenant_transaction() as conn:
            current = (
                await conn.execute(text("select current_setting('app.current_tenant')"))
            ).scalar_one()
    assert current == str(tenant_a.id)


async def test_interleaved_transactions_on_a_tiny_pool_never_mix_tenants(
    services: Services, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    # 1,000 tasks queue for two connections: a long wait for one is expected, not a failure.
    pool = Database(services.app_url, pool_size=2, max_overflow=0, pool_timeout=300)
    try:
        await seed_tenant(pool, tenant_a.id)
        await seed_tenant(pool, tenant_b.id)

        async def one(i: int) -> set[uuid.UUID]:
            tenant = tenant_a.id if i % 2 else tenant_b.id
            async with pool.tenant_transaction(tenant) as conn:
                seen = set((await conn.execute(text("select tenant_id from messages"))).scalars())
                seen |= set((await conn.execute(text("select tenant_id from agents"))).scalars())
            assert seen == {tenant}, f"transaction {i} for {tenant} saw {seen}"
            return seen

        results = await asyncio.gather(*(one(i) for i in range(1000)))
        assert len(results) == 1000
    finally:
        await pool.dispose()


async def test_a_failed_transaction_rolls_back_and_leaves_no_tenant_behind(
    services: Services, tenant_a: Tenant
) -> None:
    single = Database(services.app_url, pool_size=1, max_overflow=0)
    try:
        with pytest.raises(DBAPIError):
            async with single.tenant_transaction(tenant_a.id) as conn:
                await conn.execute(
                    text("insert into agents (tenant_id, slug, name) values (:t, 'ghost', 'x')"),
                    {"t": tenant_a.id},
                )
                await conn.execute(text("select 1/0"))
        async with single.tenant_transaction(tenant_a.id) as conn:
            ghosts = await conn.execute(text("select count(*) from agents where slug = 'ghost'"))
            assert ghosts.scalar_one() == 0
        async with single.platform_transaction() as conn:
            state = await conn.execute(text("select current_setting('app.current_tenant', true)"))
            assert state.scalar_one() in ("", None)
    finally:
        await single.dispose()


async def test_a_transaction_for_another_tenant_than_the_one_in_scope_is_refused(
    db: Database, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    with tenant_scope(tenant_a.id):
        with pytest.raises(TenantMismatchError):
            async with db.tenant_transaction(tenant_b.id):
                pass
        async with db.tenant_transaction(tenant_a.id) as conn:  # naming the same one is fine
            current = (
                await conn.execute(text("select current_setting('app.current_tenant')"))
            ).scalar_one()
    assert current == str(tenant_a.id)


@pytest.mark.parametrize("snapshot", [True, False])
async def test_a_snapshot_transaction_reads_one_snapshot_and_writes_nothing(
    db: Database, tenant_a: Tenant, snapshot: bool
) -> None:
    """What the usage report reads in: its queries all see the rows committed before its
    first, not a row another transaction commits between two of them (as read committed
    shows, the `False` case)."""

    async def agents(conn: Any) -> int:
        return int((await conn.execute(text("select count(*) from agents"))).scalar_one())

    async with db.tenant_transaction(tenant_a.id, snapshot=snapshot) as report:
        before = await agents(report)
        async with db.tenant_transaction(tenant_a.id) as writer:
            await writer.execute(
                text("insert into agents (tenant_id, slug, name) values (:t, :s, 'x')"),
                {"t": tenant_a.id, "s": f"late-{uuid.uuid4().hex[:8]}"},
            )
        after = await agents(report)
    assert after == (before if snapshot else before + 1)
    if snapshot:
        with pytest.raises(DBAPIError, match="read-only transaction"):
            async with db.tenant_transaction(tenant_a.id, snapshot=True) as conn:
                await conn.execute(
                    text("insert into agents (tenant_id, slug, name) values (:t, 'no', 'x')"),
                    {"t": tenant_a.id},
                )
