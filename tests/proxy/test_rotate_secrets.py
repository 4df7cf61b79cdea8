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
from proxy.features.tools.credentials import (
    http_headers_context,
    mcp_bearer_context,
    mcp_headers_context,
    open_headers,
    seal_headers,
)
from proxy.features.tools.repository import ToolRepository
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


@pytest.mark.parametrize(
    ("stored", "reported"),
    [
        pytest.param("v1:gone:AAAA", "unknown key id 'gone'", id="a-key-no-longer-held"),
        pytest.param("not-sealed-at-all", "not a Konstruct ciphertext", id="no-ciphertext"),
    ],
)
async def test_unreadable_secrets_are_reported_not_fatal(
    services: Services, db: Database, tenant_a: Tenant, stored: str, reported: str
) -> None:
    async with db.tenant_transaction(tenant_a.id) as conn:
        await ConnectionRepository(conn).create(
            tenant_id=tenant_a.id,
            workspace_id=f"TX{tenant_a.id.hex[:8].upper()}",
            encrypted_bot_token=stored,
            bot_user_id="UBOT",
        )
    runtime = runtime_with(services, generate_key_spec("fresh"))
    done = await rotate(runtime)
    await runtime.close()
    mine = [p for p in done.unreadable if p.startswith(f"tenant {tenant_a.id}")]
    assert len(mine) == 1
    assert reported in mine[0]


async def test_rotation_reseals_tool_credentials(
    services: Services, db: Database, tenant_a: Tenant
) -> None:
    """MCP bearer tokens and secret headers, HTTP tools' secret headers: readable under the
    new key alone once rotated (else dropping the old key would cut every tool off)."""
    old_spec, new_spec = generate_key_spec("old"), generate_key_spec("new")
    old = SecretBox.from_spec(old_spec)
    tid = tenant_a.id
    async with db.tenant_transaction(tid) as conn:
        tools = ToolRepository(conn)
        server = await tools.create_mcp_server(
            tenant_id=tid, name="orders", url="https://mcp.example.com/mcp"
        )
        await tools.update_mcp_server(
            server.id,
            encrypted_bearer_token=old.encrypt(
                "mcp-bearer-secret", context=mcp_bearer_context(tid, server.id)
            ),
            encrypted_headers=seal_headers(
                old, {"X-Api-Key": "mcp-header-secret"}, context=mcp_headers_context(tid, server.id)
            ),
        )
        tool = await tools.create_http_tool(
            tenant_id=tid,
            name="lookup",
            description="Look up",
            parameters={"type": "object"},
            method="GET",
            url="https://tools.example.com/lookup",
            status_text="Looking up…",
        )
        await tools.update_http_tool(
            tool.id,
            encrypted_headers=seal_headers(
                old, {"X-Secret": "http-header-secret"}, context=http_headers_context(tid, tool.id)
            ),
        )

    rotated = runtime_with(services, f"{new_spec},{old_spec}")
    done = await rotate(rotated)
    await rotated.close()
    assert not [p for p in done.unreadable if p.startswith(f"tenant {tid}")]

    new_only = SecretBox.from_spec(new_spec)
    async with db.tenant_transaction(tid) as conn:
        tools = ToolRepository(conn)
        server_row = await tools.get_mcp_server(server.id)
        tool_row = await tools.get_http_tool(tool.id)
    assert server_row is not None
    assert tool_row is not None
    assert new_only.decrypt(
        server_row.encrypted_bearer_token, context=mcp_bearer_context(tid, server.id)
    ) == ("mcp-bearer-secret")
    assert open_headers(
        new_only, server_row.encrypted_headers, context=mcp_headers_context(tid, server.id)
    ) == {"X-Api-Key": "mcp-header-secret"}
    assert open_headers(
        new_only, tool_row.encrypted_headers, context=http_headers_context(tid, tool.id)
    ) == {"X-Secret": "http-header-secret"}
