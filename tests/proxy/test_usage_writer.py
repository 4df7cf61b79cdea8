"""Batched usage rows: each call stored and counted once, failures retried, nothing lost."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import redis.asyncio as aioredis
from sqlalchemy import text

from plugins.contracts import UsageRecord
from policies.limits import year_month
from policies.redis_keys import monthly_spend_key
from proxy.core.db.engine import Database
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings
from proxy.features.usage.writer import UsageWriter
from tests.conftest import Services, Tenant, make_tenant

pytestmark = pytest.mark.integration


def record(tenant: Tenant, call_id: str, cost: str = "0.001") -> UsageRecord:
    return UsageRecord(
        tenant_id=tenant.id,
        call_id=call_id,
        model_group="konstruct-fast",
        model="openai/fake",
        prompt_tokens=7,
        completion_tokens=3,
        cost_usd=Decimal(cost),
        agent_id=None,
        key_id=None,
    )


def runtime_for(services: Services, database_url: str | None = None) -> Runtime:
    return Runtime(
        Settings(database_url=database_url or services.app_url, redis_url=services.redis_url)  # type: ignore[call-arg]
    )


async def rows_of(owner_db: Database, tenant: Tenant) -> list[tuple[str, Decimal]]:
    async with owner_db.platform_transaction() as conn:
        result = await conn.execute(
            text(
                "select call_id, cost_usd from usage_events where tenant_id = :t order by call_id"
            ),
            {"t": tenant.id},
        )
        return [(row.call_id, row.cost_usd) for row in result]


async def test_batches_store_each_call_once_per_tenant_and_count_spend_once(
    services: Services, owner_db: Database, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    runtime = runtime_for(services)
    redis = aioredis.Redis.from_url(services.redis_url)
    counter_a = monthly_spend_key(tenant_a.id, year_month(datetime.now(UTC)))
    await redis.set(counter_a, 0)
    writer = UsageWriter(runtime)
    try:
        for i in range(3):
            writer.submit(record(tenant_a, f"a-{i}", "0.25"))
        writer.submit(record(tenant_a, "a-1", "0.25"))  # the same call reported twice
        writer.submit(record(tenant_b, "b-0"))
        await writer.flush()
        writer.submit(record(tenant_a, "a-2", "0.25"))  # and again in a later batch
        await writer.close()
        assert await rows_of(owner_db, tenant_a) == [
            (f"a-{i}", Decimal("0.250000")) for i in range(3)
        ]
        assert [c for c, _ in await rows_of(owner_db, tenant_b)] == ["b-0"]
        assert int(await redis.get(counter_a) or 0) == 750_000  # micro-USD, three calls
    finally:
        await redis.aclose()
        await runtime.close()


async def test_a_failed_flush_keeps_its_records_for_the_next_one(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    down = runtime_for(services, "postgresql://konstruct_app:konstruct_app@127.0.0.1:1/nowhere")
    writer = UsageWriter(down)
    writer.submit(record(tenant_a, "kept-0"))
    await writer.flush()  # Postgres unreachable: nothing written, nothing dropped
    assert await rows_of(owner_db, tenant_a) == []
    up = runtime_for(services)
    writer.runtime = up
    try:
        await writer.close()
        assert [c for c, _ in await rows_of(owner_db, tenant_a)] == ["kept-0"]
    finally:
        await down.close()
        await up.close()


async def test_records_of_a_deleted_tenant_are_dropped_not_retried_forever(
    services: Services, db: Database, owner_db: Database, tenant_a: Tenant
) -> None:
    gone = await make_tenant(db, "Gone")
    async with owner_db.platform_transaction() as conn:
        await conn.execute(text("delete from tenants where id = :t"), {"t": gone.id})
    runtime = runtime_for(services)
    writer = UsageWriter(runtime)
    try:
        writer.submit(record(gone, f"gone-{uuid.uuid4()}"))
        writer.submit(record(tenant_a, "alive-0"))
        await writer.flush()
        await writer.flush()
        assert [c for c, _ in await rows_of(owner_db, tenant_a)] == ["alive-0"]
        assert writer._buffer == []
    finally:
        await runtime.close()
