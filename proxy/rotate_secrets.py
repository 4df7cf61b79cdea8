"""`python -m proxy.rotate_secrets [--new-data-keys]`: re-encrypt under the current keys.

Platform key: put the new key first in KONSTRUCT_SECRET_KEY and keep the old one after it
(`new:…,old:…`), run this, then drop the old key. It re-seals every stored secret (Slack
bot tokens, bridge keys, tools' bearer tokens and secret headers) and
re-wraps every tenant's data keys in the key store; each tenant is done in its own
transaction, so a failure leaves everything readable under one of the two keys. OAuth
install states live ten minutes in Redis and are not rotated. Tenant content still in
clear or under the platform key from before it was sealed with data keys (messages before
#18, tool calls and approvals before migration 0008) is sealed with the tenant's data key.

Data keys: `--new-data-keys` gives every tenant a new current data key version. Processes
pick it up within KONSTRUCT_DATA_KEY_CACHE_SECONDS (until then they still seal under the
old one, which stays valid), so the job waits that long, then re-seals every row sealed
under an older version (or still in clear) in small batches — messages, agents, tool calls
and approvals — and destroys the versions nothing is sealed under any more. Nothing stops
serving meanwhile.
"""

import argparse
import asyncio
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from proxy.core.crypto import DecryptionError, SecretBox
from proxy.core.runtime import Runtime
from proxy.core.settings import get_settings
from proxy.features.agents.repository import AgentRepository
from proxy.features.connections.repository import ConnectionRepository
from proxy.features.connections.service import bot_token_context
from proxy.features.conversations import service as conversations
from proxy.features.keys.repository import KeyRepository
from proxy.features.keys.service import bridge_key_context
from proxy.features.runtime.repository import ApprovalRepository, ToolCallRepository
from proxy.features.tenants.repository import TenantRepository
from proxy.features.tools.credentials import (
    http_headers_context,
    mcp_bearer_context,
    mcp_headers_context,
)
from proxy.features.tools.repository import ToolRepository
from proxy.gateway.cache import signal_workspace_change

# Tool calls and approvals re-sealed per transaction (as messages are: writers barely wait).
RESEAL_BATCH = 500


@dataclass
class Rotation:
    tenants: int = 0
    resealed: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)
    data_keys_rewrapped: int = 0
    data_keys_created: int = 0
    data_keys_retired: int = 0
    content_resealed: int = 0

    def reseal(self, box: SecretBox, sealed: str, *, context: str, what: str) -> str | None:
        """The ciphertext under the current key, or None when it is current or unreadable
        (a value that is no Konstruct ciphertext at all is reported, not fatal)."""
        try:
            if not box.needs_rotation(sealed):
                self.current += 1
                return None
            fresh = box.rotate(sealed, context=context)
        except DecryptionError as exc:
            self.unreadable.append(f"{what}: {exc}")
            return None
        self.resealed += 1
        return fresh


async def rotate(runtime: Runtime, *, new_data_keys: bool = False) -> Rotation:
    done = await _reseal_secrets(runtime)
    rewrap = await runtime.data_keys.rewrap_all()
    done.data_keys_rewrapped = rewrap.rewrapped
    done.unreadable.extend(rewrap.unreadable)
    async with runtime.db.platform_transaction() as conn:
        tenant_ids = [tenant.id for tenant in await TenantRepository(conn).list_all()]
    if new_data_keys:
        for tenant_id in tenant_ids:
            try:
                version = await runtime.data_keys.rotate(tenant_id)
            except DecryptionError as exc:  # shredded: its deletion is under way
                done.unreadable.append(f"tenant {tenant_id} data keys: {exc}")
                continue
            done.data_keys_created += version is not None
            # Bridges drop their workspace view: the queue key of the new version seals next.
            await signal_workspace_change(runtime.redis, tenant_id)
        # Every process's cached keyring expires within the TTL: after it, nothing is
        # sealed under the old versions any more, so what the re-seal leaves is final.
        await asyncio.sleep(runtime.settings.konstruct_data_key_cache_seconds)
    for tenant_id in tenant_ids:
        await _reseal_content(runtime, tenant_id, done)
    return done


async def _reseal_content(runtime: Runtime, tenant_id: UUID, done: Rotation) -> None:
    """Re-seal a tenant's content under its current data key, then retire the versions that
    were superseded before every process's cache could last and now seal nothing."""
    keys = runtime.data_keys
    started = await keys.now()
    if await _versions_in_use(runtime, tenant_id):
        try:
            keys.forget(tenant_id)
            keyring = await keys.keyring(tenant_id)
        except DecryptionError as exc:
            done.unreadable.append(f"tenant {tenant_id} data keys: {exc}")
            return
        resealed = await conversations.reseal_messages(runtime, keyring)
        done.content_resealed += resealed.resealed
        done.unreadable.extend(f"tenant {tenant_id} {problem}" for problem in resealed.unreadable)
        try:
            async with runtime.db.tenant_transaction(tenant_id) as conn:
                done.content_resealed += await AgentRepository(
                    conn, keys.of(tenant_id)
                ).reseal_all()
        except DecryptionError as exc:
            done.unreadable.append(f"tenant {tenant_id} agents: {exc}")
        for repository in (ToolCallRepository, ApprovalRepository):
            await _reseal_batches(runtime, tenant_id, repository, done)
    still_used = await _versions_in_use(runtime, tenant_id)
    horizon = started - timedelta(seconds=runtime.settings.konstruct_data_key_cache_seconds)
    retirable = [
        version
        for version, superseded_at in (await keys.superseded(tenant_id)).items()
        if superseded_at <= horizon and version not in still_used
    ]
    done.data_keys_retired += await keys.retire(tenant_id, retirable)


async def _reseal_batches(
    runtime: Runtime,
    tenant_id: UUID,
    repository: type[ToolCallRepository] | type[ApprovalRepository],
    done: Rotation,
) -> None:
    """Re-seal one of the runtime's tables for a tenant, a batch per transaction."""
    after: UUID | None = None
    while True:
        try:
            async with runtime.db.tenant_transaction(tenant_id) as conn:
                batch = await repository(conn, runtime.data_keys.of(tenant_id)).reseal_batch(
                    after=after, limit=RESEAL_BATCH
                )
        except DecryptionError as exc:
            done.unreadable.append(f"tenant {tenant_id} {repository.__name__}: {exc}")
            return
        done.content_resealed += batch.resealed
        done.unreadable.extend(f"tenant {tenant_id} {problem}" for problem in batch.unreadable)
        if batch.next_after is None:
            return
        after = batch.next_after


async def _versions_in_use(runtime: Runtime, tenant_id: UUID) -> set[int | None]:
    """The data key versions some of the tenant's content is sealed under (None: in clear)."""
    in_use = await conversations.data_key_versions(runtime, tenant_id)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        return (
            in_use
            | await AgentRepository(conn).data_key_versions()
            | await ToolCallRepository(conn).data_key_versions()
            | await ApprovalRepository(conn).data_key_versions()
        )


async def _reseal_secrets(runtime: Runtime) -> Rotation:
    box = runtime.secrets
    done = Rotation()
    async with runtime.db.platform_transaction() as conn:
        tenant_ids = [tenant.id for tenant in await TenantRepository(conn).list_all()]
    for tenant_id in tenant_ids:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            connections = ConnectionRepository(conn)
            for row in await connections.list_all():
                sealed = done.reseal(
                    box,
                    row.encrypted_bot_token,
                    context=bot_token_context(tenant_id),
                    what=f"tenant {tenant_id} Slack connection {row.id}",
                )
                if sealed is not None:
                    await connections.update(row.id, encrypted_bot_token=sealed)
            keys = KeyRepository(conn)
            for key in await keys.list_all(kind="bridge"):
                if key.encrypted_secret is None:
                    continue
                sealed = done.reseal(
                    box,
                    key.encrypted_secret,
                    context=bridge_key_context(tenant_id),
                    what=f"tenant {tenant_id} bridge key {key.id}",
                )
                if sealed is not None:
                    await keys.reseal(key.id, sealed)
            await _reseal_tool_credentials(box, ToolRepository(conn), tenant_id, done)
        done.tenants += 1
    return done


async def _reseal_tool_credentials(
    box: SecretBox, tools: ToolRepository, tenant_id: UUID, done: Rotation
) -> None:
    """MCP servers' bearer tokens and secret headers, HTTP tools' secret headers."""
    for server in await tools.list_mcp_servers():
        changes: dict[str, str] = {}
        for column, context in (
            ("encrypted_bearer_token", mcp_bearer_context(tenant_id, server.id)),
            ("encrypted_headers", mcp_headers_context(tenant_id, server.id)),
        ):
            sealed_value = getattr(server, column)
            if sealed_value:
                what = f"tenant {tenant_id} MCP server {server.id} {column}"
                sealed = done.reseal(box, sealed_value, context=context, what=what)
                if sealed is not None:
                    changes[column] = sealed
        if changes:
            await tools.update_mcp_server(server.id, **changes)
    for tool in await tools.list_http_tools():
        if not tool.encrypted_headers:
            continue
        sealed = done.reseal(
            box,
            tool.encrypted_headers,
            context=http_headers_context(tenant_id, tool.id),
            what=f"tenant {tenant_id} HTTP tool {tool.id} encrypted_headers",
        )
        if sealed is not None:
            await tools.update_http_tool(tool.id, encrypted_headers=sealed)


async def _main(new_data_keys: bool) -> None:
    runtime = Runtime(get_settings())
    try:
        done = await rotate(runtime, new_data_keys=new_data_keys)
    finally:
        await runtime.close()
    sys.stdout.write(
        f"rotate_secrets: {done.tenants} tenants, {done.resealed} secrets re-encrypted under "
        f"key {runtime.secrets.current_kid!r}, {done.current} already current; "
        f"{done.data_keys_rewrapped} data keys re-wrapped, {done.data_keys_created} created, "
        f"{done.data_keys_retired} retired; {done.content_resealed} messages, agents, tool calls "
        "and approvals re-sealed\n"
    )
    for problem in done.unreadable:
        sys.stderr.write(f"rotate_secrets: cannot decrypt {problem}\n")
    if done.unreadable:
        sys.stderr.write(
            "rotate_secrets: keep every old key in KONSTRUCT_SECRET_KEY until these are fixed\n"
        )
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m proxy.rotate_secrets", description=__doc__)
    parser.add_argument(
        "--new-data-keys",
        action="store_true",
        help="give every tenant a new data key and re-seal its content under it",
    )
    asyncio.run(_main(parser.parse_args().new_data_keys))
