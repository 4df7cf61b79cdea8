"""Slack connection rules: tokens encrypted at rest, one workspace per tenant, caches forgotten."""

import secrets
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from policies.redis_keys import oauth_state_key
from proxy.core.errors import Conflict, Invalid, NotFound
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.audit.service import record
from proxy.features.connections.repository import ConnectionRepository
from proxy.features.connections.schemas import (
    ConnectionCreate,
    ConnectionUpdate,
    InstallLink,
    SlackConnection,
)
from proxy.gateway.cache import forget_workspace

OAUTH_STATE_SECONDS = 600
OAUTH_STATE_CONTEXT = "oauth_state"


def bot_token_context(tenant_id: UUID) -> str:
    return f"slack_bot_token:{tenant_id}"


def _out(row: Any, channel_agents: dict[str, UUID]) -> SlackConnection:
    return SlackConnection.model_validate({**row._mapping, "channel_agents": channel_agents})


async def list_connections(runtime: Runtime, tenant_id: UUID) -> list[SlackConnection]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ConnectionRepository(conn)
        rows = await repo.list_all()
        overrides = await repo.overrides([row.id for row in rows])
    return [_out(row, overrides[row.id]) for row in rows]


async def create(
    runtime: Runtime, principal: Principal, tenant_id: UUID, body: ConnectionCreate
) -> SlackConnection:
    values = body.model_dump(exclude={"bot_token", "channel_agents"})
    sealed = runtime.secrets.encrypt(body.bot_token, context=bot_token_context(tenant_id))
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            repo = ConnectionRepository(conn)
            row = await repo.create(tenant_id=tenant_id, encrypted_bot_token=sealed, **values)
            await repo.replace_overrides(
                tenant_id=tenant_id, connection_id=row.id, channel_agents=body.channel_agents
            )
            await record(
                conn, principal, "slack.connect", tenant_id=tenant_id, target=body.workspace_id
            )
    except IntegrityError as exc:
        raise _integrity(exc, body.workspace_id) from exc
    await forget_workspace(runtime.redis, tenant_id, [body.workspace_id])
    return _out(row, body.channel_agents)


def _integrity(exc: IntegrityError, workspace_id: str) -> Exception:
    if "foreign key" in str(exc.orig).lower():
        return Invalid("default_agent_id and channel_agents must name agents of this tenant.")
    return Conflict(f"Slack workspace {workspace_id} is already connected.")


async def update(
    runtime: Runtime,
    principal: Principal,
    tenant_id: UUID,
    connection_id: UUID,
    body: ConnectionUpdate,
) -> SlackConnection:
    values = body.model_dump(exclude_unset=True, exclude={"bot_token", "channel_agents"})
    if body.bot_token is not None:
        values["encrypted_bot_token"] = runtime.secrets.encrypt(
            body.bot_token, context=bot_token_context(tenant_id)
        )
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            repo = ConnectionRepository(conn)
            row = (
                await repo.update(connection_id, **values)
                if values
                else await repo.get(connection_id)
            )
            if row is None:
                raise NotFound("No such Slack connection.")
            if body.channel_agents is not None:
                await repo.replace_overrides(
                    tenant_id=tenant_id,
                    connection_id=connection_id,
                    channel_agents=body.channel_agents,
                )
            overrides = (await repo.overrides([connection_id]))[connection_id]
            await record(
                conn,
                principal,
                "slack.update",
                tenant_id=tenant_id,
                target=row.workspace_id,
                detail={"fields": sorted(body.model_dump(exclude_unset=True))},
            )
    except IntegrityError as exc:
        raise _integrity(exc, "") from exc
    await forget_workspace(runtime.redis, tenant_id, [row.workspace_id])
    return _out(row, overrides)


async def delete(
    runtime: Runtime, principal: Principal, tenant_id: UUID, connection_id: UUID
) -> None:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ConnectionRepository(conn).delete(connection_id)
        if row is None:
            raise NotFound("No such Slack connection.")
        await record(
            conn, principal, "slack.disconnect", tenant_id=tenant_id, target=row.workspace_id
        )
    await forget_workspace(runtime.redis, tenant_id, [row.workspace_id])


async def install_link(runtime: Runtime, principal: Principal, tenant_id: UUID) -> InstallLink:
    """A one-time, expiring state bound to this tenant, for the bridge's OAuth install."""
    state = secrets.token_urlsafe(24)
    sealed = runtime.secrets.encrypt(str(tenant_id), context=OAUTH_STATE_CONTEXT)
    await runtime.redis.set(oauth_state_key(state), sealed, ex=OAUTH_STATE_SECONDS)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        await record(conn, principal, "slack.install_link", tenant_id=tenant_id)
    return InstallLink(url=f"{runtime.settings.konstruct_bridge_url}/slack/install?state={state}")
