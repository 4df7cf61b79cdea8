"""Agents' persona and instructions are sealed with the tenant's data key, in Postgres and in
the gateway's Redis copy of the agent card."""

import pytest
import redis.asyncio as aioredis
from sqlalchemy import text

from policies.redis_keys import tenant_key
from proxy.core.crypto import DecryptionError
from proxy.core.db.engine import Database
from proxy.core.principal import PLATFORM_ADMIN, Principal
from proxy.features.agents import service as agents
from proxy.features.agents.repository import AgentRepository, SealedFieldError
from proxy.features.agents.schemas import AgentCreate, AgentUpdate
from proxy.gateway.services import GatewayServices
from proxy.rotate_secrets import rotate
from tests.conftest import Services, Tenant
from tests.proxy.crypto.helpers import key_rows, runtime_with

pytestmark = pytest.mark.integration

ADMIN = Principal(role=PLATFORM_ADMIN, actor="test-admin")
FIELDS = {
    "persona": "Warm, precise; never promises refunds over 500 EUR",
    "system_prompt": "Escalate anything about the Initech merger",
    "job_description": "Tier-1 support for the Acme Rocket line",
    "statement_of_work": "Answer within 2 minutes; log every order number",
}


async def _stored(owner_db: Database, agent_id: object) -> dict[str, object]:
    async with owner_db.platform_transaction() as conn:
        row = (
            await conn.execute(
                text(
                    "select tenant_id, persona, system_prompt, job_description,"
                    " statement_of_work, data_key_version from agents where id = :id"
                ),
                {"id": agent_id},
            )
        ).one()
    return dict(row._mapping)


async def test_agent_text_is_sealed_at_rest_and_served_in_clear(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        created = await agents.create(
            runtime, ADMIN, tenant_a.id, AgentCreate(name="Ada", role="Support", **FIELDS)
        )
        assert {name: getattr(created, name) for name in FIELDS} == FIELDS
        stored = await _stored(owner_db, created.id)
        assert stored["data_key_version"] == 1
        for name, plain in FIELDS.items():
            assert plain not in str(stored[name])
            assert stored[name] != plain

        # One field changed: all four are re-sealed together and all still open.
        await agents.update(
            runtime, ADMIN, tenant_a.id, created.id, AgentUpdate(persona="Brief and kind")
        )
        fresh = runtime_with(services)  # another process, cold cache
        got = await agents.get(fresh, tenant_a.id, created.id)
        assert got.persona == "Brief and kind"
        assert got.statement_of_work == FIELDS["statement_of_work"]
        await fresh.close()

        # A caller that passes no data keys can use the agent's name, never its ciphertext.
        async with runtime.db.tenant_transaction(tenant_a.id) as conn:
            row = await AgentRepository(conn).get(created.id)
        assert row is not None
        assert row.name == "Ada"
        with pytest.raises(SealedFieldError):
            _ = row.persona
    finally:
        await runtime.close()


async def test_agent_text_copied_into_another_tenant_does_not_open(
    services: Services, owner_db: Database, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        ours = await agents.create(runtime, ADMIN, tenant_a.id, AgentCreate(name="Ada", **FIELDS))
        theirs = await agents.create(runtime, ADMIN, tenant_b.id, AgentCreate(name="Bob"))
        stored = await _stored(owner_db, ours.id)
        async with owner_db.platform_transaction() as conn:
            await conn.execute(
                text(
                    "update agents set persona = :p, system_prompt = :s, job_description = :j,"
                    " statement_of_work = :w, data_key_version = :v where id = :id"
                ),
                {
                    "p": stored["persona"],
                    "s": stored["system_prompt"],
                    "j": stored["job_description"],
                    "w": stored["statement_of_work"],
                    "v": stored["data_key_version"],
                    "id": theirs.id,
                },
            )
        with pytest.raises(DecryptionError, match="wrong tenant, field or key"):
            await agents.get(runtime, tenant_b.id, theirs.id)
    finally:
        await runtime.close()


async def test_the_gateway_caches_the_agent_card_sealed_in_redis(
    services: Services, tenant_a: Tenant
) -> None:
    runtime = runtime_with(services)
    client = aioredis.Redis.from_url(services.redis_url)
    try:
        created = await agents.create(
            runtime, ADMIN, tenant_a.id, AgentCreate(name="Ada", slug="ada-sealed", **FIELDS)
        )
        first = GatewayServices(runtime)
        card = await first.agent(tenant_a.id, "ada-sealed")
        await first.close()
        assert card is not None
        assert FIELDS["persona"] in card.system_prompt
        cached = await client.get(tenant_key(tenant_a.id, "agent-card", "ada-sealed"))
        assert cached is not None
        for plain in FIELDS.values():
            assert plain.encode() not in cached
        # A second worker (no local copy) opens Redis's copy.
        second = GatewayServices(runtime)
        assert await second.agent(tenant_a.id, "ada-sealed") == card
        await second.close()
        assert created.slug == "ada-sealed"
    finally:
        await client.aclose()
        await runtime.close()


async def test_data_key_rotation_reseals_agents_and_the_cached_card_is_rebuilt(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    writer = runtime_with(services, cache_seconds=0.3)
    rotator = runtime_with(services, cache_seconds=0.3)
    client = aioredis.Redis.from_url(services.redis_url)
    try:
        created = await agents.create(
            writer, ADMIN, tenant_a.id, AgentCreate(name="Ada", slug="ada-rotate", **FIELDS)
        )
        gateway = GatewayServices(writer)
        assert await gateway.agent(tenant_a.id, "ada-rotate") is not None
        await gateway.close()
        card_key = tenant_key(tenant_a.id, "agent-card", "ada-rotate")
        assert (await client.get(card_key) or b"").startswith(b"1.")  # sealed under v1
        done = await rotate(rotator, new_data_keys=True)
        assert not [p for p in done.unreadable if p.startswith(f"tenant {tenant_a.id}")]
        assert (await _stored(owner_db, created.id))["data_key_version"] == 2
        assert [row.version for row in await key_rows(rotator, tenant_a.id)] == [2]
        got = await agents.get(writer, tenant_a.id, created.id)
        assert {name: getattr(got, name) for name in FIELDS} == FIELDS
        # Version 1 is gone; the Redis card sealed under it is rebuilt, not an error.
        fresh = GatewayServices(writer)
        card = await fresh.agent(tenant_a.id, "ada-rotate")
        await fresh.close()
        assert card is not None
        assert FIELDS["persona"] in card.system_prompt
        assert (await client.get(card_key) or b"").startswith(b"2.")
    finally:
        await client.aclose()
        await writer.close()
        await rotator.close()
