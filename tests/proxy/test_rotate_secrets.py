"""Rotating the encryption key re-seals every stored secret without losing one."""

import pytest
from sqlalchemy import text

from proxy.core.crypto import SecretBox, generate_key_spec
from proxy.core.db.engine import Database
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings
from proxy.features.connections.repository import ConnectionRepository
from proxy.features.connections.service import bot_token_context
from proxy.features.keys.service import bridge_key
from proxy.rotate_secrets import rotate
from tests.conftest import Services, Tenant

pytestmark = pytest.mark.integration


def runtime_with(services: Services, spec: str) -> Runtime:
    return Runtime(
        Settings(
            database_url=services.app_url, redis_url=services.redis_url, konstruct_secret_key=spec
        )  # type: ignore[arg-type]
    )


async def test_rotation_reseals_bot_tokens_and_bridge_keys(
    services: Services, db: Database, owner_db: Database, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    old_spec, new_spec = generate_key_spec("old"), generate_key_spec("new")
    old = runtime_with(services, old_spec)
    tokens = {}
    for tenant in (tenant_a, tenant_b):
        token = f"xoxb-rotate-{tenant.slug}"
        async with db.tenant_transaction(tenant.id) as conn:
            await ConnectionRepository(conn).create(
                tenant_id=tenant.id,
                workspace_id=f"TR{tenant.id.hex[:8].upper()}",
                encrypted_bot_token=old.secrets.encrypt(
                    token, context=bot_token_context(tenant.id)
                ),
                bot_user_id="UBOT",
            )
        tokens[tenant.id] = (token, await bridge_key(old, tenant.id))
    await old.close()

    rotated = runtime_with(services, f"{new_spec},{old_spec}")
    first = await rotate(rotated)
    second = await rotate(rotated)
    await rotated.close()
    assert first.resealed >= 4
    assert second.resealed == 0
    ours = (str(tenant_a.id), str(tenant_b.id))
    assert not [p for p in first.unreadable if p.startswith(tuple(f"tenant {t}" for t in ours))]

    new_only = SecretBox.from_spec(new_spec)
    for tenant in (tenant_a, tenant_b):
        async with owner_db.platform_transaction() as conn:
            sealed_token = (
                await conn.execute(
                    text(
                        "select encrypted_bot_token from channel_connections where tenant_id = :t"
                    ),
                    {"t": tenant.id},
                )
            ).scalar_one()
            sealed_key = (
                await conn.execute(
                    text(
                        "select encrypted_secret from tenant_keys"
                        " where tenant_id = :t and kind = 'bridge'"
                    ),
                    {"t": tenant.id},
                )
            ).scalar_one()
        token, key = tokens[tenant.id]
        assert sealed_token.startswith("v1:new:")
        assert new_only.decrypt(sealed_token, context=bot_token_context(tenant.id)) == token
        assert new_only.decrypt(sealed_key, context=f"bridge_key:{tenant.id}") == key


async def test_unreadable_secrets_are_reported_not_fatal(
    services: Services, db: Database, tenant_a: Tenant
) -> None:
    async with db.tenant_transaction(tenant_a.id) as conn:
        await ConnectionRepository(conn).create(
            tenant_id=tenant_a.id,
            workspace_id=f"TX{tenant_a.id.hex[:8].upper()}",
            encrypted_bot_token="v1:gone:AAAA",
            bot_user_id="UBOT",
        )
    runtime = runtime_with(services, generate_key_spec("fresh"))
    done = await rotate(runtime)
    await runtime.close()
    mine = [p for p in done.unreadable if p.startswith(f"tenant {tenant_a.id}")]
    assert len(mine) == 1
    assert "unknown key id 'gone'" in mine[0]
