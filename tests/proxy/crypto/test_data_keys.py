"""Messages are stored sealed with their tenant's data key, kept in the key store, cached."""

import asyncio

import pytest
from sqlalchemy import text

from proxy.core.crypto import DecryptionError
from proxy.core.datakeys import TenantShreddedError
from proxy.core.db.engine import Database
from tests.conftest import Services, Tenant
from tests.proxy.crypto.helpers import history, key_rows, runtime_with, store, stored_rows

pytestmark = pytest.mark.integration

TEXTS = ["My card ending 4242 was charged twice", "I have refunded the second charge."]


async def test_text_is_sealed_at_rest_and_read_back_in_clear(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        await store(runtime, tenant_a.id, "T-sealed", TEXTS)
        rows = await stored_rows(owner_db, tenant_a.id, "T-sealed")
        assert [row.data_key_version for row in rows] == [1, 1]
        for row, plain in zip(rows, TEXTS, strict=True):
            assert row.text is None
            assert plain.encode() not in row.sealed_text
            assert b"4242" not in row.sealed_text
            assert len(row.sealed_text) == 12 + len(plain.encode()) + 16  # nonce, text, tag
        assert await history(runtime, tenant_a.id, "T-sealed") == TEXTS
        # A process that has never seen the tenant (cold cache) reads it too.
        fresh = runtime_with(services)
        assert await history(fresh, tenant_a.id, "T-sealed") == TEXTS
        await fresh.close()
    finally:
        await runtime.close()


async def test_the_data_key_lives_wrapped_in_the_key_store_not_the_main_database(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        await store(runtime, tenant_a.id, "T-where", TEXTS[:1])
        keys = await key_rows(runtime, tenant_a.id)
        assert [row.version for row in keys] == [1]
        assert keys[0].wrapped_key.startswith("v1:dev:")  # wrapped by the platform key
        async with owner_db.platform_transaction() as conn:
            tables = (
                await conn.execute(
                    text(
                        "select table_name from information_schema.tables"
                        " where table_schema = 'public' and table_name like '%key%'"
                    )
                )
            ).scalars()
            assert "tenant_data_keys" not in set(tables)
        assert runtime.keystore is not runtime.db
        assert runtime.settings.keystore_url.endswith("_keys")
    finally:
        await runtime.close()


async def test_a_row_copied_into_another_tenant_does_not_open_there(
    services: Services, owner_db: Database, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        await store(runtime, tenant_a.id, "T-copy", TEXTS[:1])
        await store(runtime, tenant_b.id, "T-copy", ["Globex's own message"])
        [row] = await stored_rows(owner_db, tenant_a.id, "T-copy")
        async with owner_db.platform_transaction() as conn:
            # An attacker with write access to the database moves A's row into B's thread.
            await conn.execute(
                text(
                    "insert into messages (tenant_id, conversation_id, role, sender_id,"
                    " sealed_text, source_event_id, data_key_version)"
                    " select :b, c.id, 'user', 'U1', :sealed, 'Ev-stolen', :version"
                    " from conversations c where c.tenant_id = :b and c.thread_id = 'T-copy'"
                ),
                {"b": tenant_b.id, "sealed": row.sealed_text, "version": row.data_key_version},
            )
        with pytest.raises(DecryptionError, match="wrong tenant, field or key"):
            await history(runtime, tenant_b.id, "T-copy")
        assert await history(runtime, tenant_a.id, "T-copy") == TEXTS[:1]
    finally:
        await runtime.close()


async def test_rows_stored_in_clear_before_sealing_are_still_read(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        await store(runtime, tenant_a.id, "T-legacy", TEXTS[:1])
        async with owner_db.platform_transaction() as conn:
            await conn.execute(
                text(
                    "insert into messages (tenant_id, conversation_id, role, text,"
                    " source_event_id) select :a, c.id, 'assistant', 'from before #18',"
                    " 'Ev-legacy' from conversations c"
                    " where c.tenant_id = :a and c.thread_id = 'T-legacy'"
                ),
                {"a": tenant_a.id},
            )
        assert await history(runtime, tenant_a.id, "T-legacy") == [TEXTS[0], "from before #18"]
    finally:
        await runtime.close()


async def test_keys_are_cached_per_process_for_the_ttl_and_dropped_on_shred(
    services: Services, tenant_a: Tenant
) -> None:
    cached = runtime_with(services, cache_seconds=60)
    short = runtime_with(services, cache_seconds=0.2)
    try:
        await store(cached, tenant_a.id, "T-cache", TEXTS)
        assert await history(short, tenant_a.id, "T-cache") == TEXTS
        # The key store loses the keys behind both processes' backs (not through shred):
        async with cached.keystore.platform_transaction() as conn:
            await conn.execute(
                text("delete from tenant_data_keys where tenant_id = :t"), {"t": tenant_a.id}
            )
            await conn.execute(
                text("insert into shredded_tenants (tenant_id) values (:t)"), {"t": tenant_a.id}
            )
        # ...the one within its TTL still reads from memory, without the key store;
        assert await history(cached, tenant_a.id, "T-cache") == TEXTS
        # the one whose TTL ran out asks the key store again and finds nothing.
        await asyncio.sleep(0.3)
        with pytest.raises(TenantShreddedError):
            await history(short, tenant_a.id, "T-cache")
        # Shredding through the process drops its copy at once.
        await cached.data_keys.shred(tenant_a.id)
        with pytest.raises(TenantShreddedError):
            await history(cached, tenant_a.id, "T-cache")
        # A shredded tenant never gets a new key (a late write fails instead of sealing).
        with pytest.raises(TenantShreddedError):
            await store(cached, tenant_a.id, "T-cache-late", ["late"])
        assert await key_rows(cached, tenant_a.id) == []
    finally:
        await cached.close()
        await short.close()
