"""Slack connection rules: tokens checked with Slack and encrypted at rest, one workspace per
tenant, disabled on Slack's word, the bridge told of every change."""

import hashlib
import secrets
from typing import Any, Final
from uuid import UUID

from sqlalchemy import func
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
    SlackChannel,
    SlackChannelList,
    SlackConnection,
)
from proxy.features.connections.slack_check import list_channels, verify_bot_token
from proxy.gateway.cache import signal_workspace_change

OAUTH_STATE_SECONDS = 600
OAUTH_STATE_CONTEXT = "oauth_state"
OPERATOR_DISABLED: Final = "operator"


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
    await verify_bot_token(
        runtime.settings.slack_api_url,
        body.bot_token,
        workspace_id=body.workspace_id,
        bot_user_id=body.bot_user_id,
    )
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
    await signal_workspace_change(runtime.redis, tenant_id)
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
    if body.bot_token is not None or body.bot_user_id is not None:
        await _verify_change(runtime, tenant_id, connection_id, body)
    if body.bot_token is not None:
        values["encrypted_bot_token"] = runtime.secrets.encrypt(
            body.bot_token, context=bot_token_context(tenant_id)
        )
    if values.get("status") == "disabled":
        values.update(disabled_reason=OPERATOR_DISABLED, disabled_at=func.now())
    elif values.get("status") == "active":
        values.update(disabled_reason=None, disabled_at=None)
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
    await signal_workspace_change(runtime.redis, tenant_id)
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
    await signal_workspace_change(runtime.redis, tenant_id)


async def install_link(runtime: Runtime, principal: Principal, tenant_id: UUID) -> InstallLink:
    """A one-time, expiring state bound to this tenant, for the bridge's OAuth install."""
    state = secrets.token_urlsafe(24)
    sealed = runtime.secrets.encrypt(str(tenant_id), context=OAUTH_STATE_CONTEXT)
    await runtime.redis.set(oauth_state_key(state), sealed, ex=OAUTH_STATE_SECONDS)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        await record(conn, principal, "slack.install_link", tenant_id=tenant_id)
    return InstallLink(url=f"{runtime.settings.konstruct_bridge_url}/slack/install?state={state}")


async def channels(runtime: Runtime, tenant_id: UUID, connection_id: UUID) -> SlackChannelList:
    """The connection's workspace channels, listed by Slack with its own bot token, by name."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ConnectionRepository(conn).get(connection_id)
    if row is None:
        raise NotFound("No such Slack connection.")
    token = runtime.secrets.decrypt(row.encrypted_bot_token, context=bot_token_context(tenant_id))
    found, truncated = await list_channels(runtime.settings.slack_api_url, token)
    items = [
        SlackChannel(
            id=str(channel["id"]),
            name=str(channel.get("name") or channel["id"]),
            is_private=bool(channel.get("is_private")),
            is_member=bool(channel.get("is_member")),
        )
        for channel in found
        if channel.get("id")
    ]
    return SlackChannelList(items=sorted(items, key=lambda c: c.name), truncated=truncated)


async def _verify_change(
    runtime: Runtime, tenant_id: UUID, connection_id: UUID, body: ConnectionUpdate
) -> None:
    """A new token or bot user is checked with Slack against what the connection keeps."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ConnectionRepository(conn).get(connection_id)
    if row is None:
        raise NotFound("No such Slack connection.")
    token = body.bot_token or runtime.secrets.decrypt(
        row.encrypted_bot_token, context=bot_token_context(tenant_id)
    )
    await verify_bot_token(
        runtime.settings.slack_api_url,
        token,
        workspace_id=row.workspace_id,
        bot_user_id=body.bot_user_id or row.bot_user_id,
    )


def token_fingerprint(token: str) -> str:
    """What the bridge names a token by when it reports Slack refused it (never the token)."""
    return hashlib.sha256(token.encode()).hexdigest()


async def disable_by_slack(
    runtime: Runtime,
    principal: Principal,
    tenant_id: UUID,
    connection_id: UUID,
    *,
    reason: str,
    token_sha256: str,
) -> bool:
    """Slack uninstalled the app or refused its token: stop using it. Only the token Slack
    refused is disabled: a reinstall since then (a new token) stays active. True if disabled."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ConnectionRepository(conn)
        row = await repo.get(connection_id)
        if row is None:
            raise NotFound("No such Slack connection.")
        current = runtime.secrets.decrypt(
            row.encrypted_bot_token, context=bot_token_context(tenant_id)
        )
        if row.status != "active" or token_fingerprint(current) != token_sha256:
            return False
        await repo.update(
            connection_id,
            status="disabled",
            disabled_reason=reason,
            disabled_at=func.now(),
            last_error=reason,
            last_error_at=func.now(),
        )
        await record(
            conn,
            principal,
            "slack.disabled",
            tenant_id=tenant_id,
            target=row.workspace_id,
            detail={"reason": reason},
        )
    await signal_workspace_change(runtime.redis, tenant_id)
    return True


async def report_health(
    runtime: Runtime, tenant_id: UUID, connection_id: UUID, *, error: str | None
) -> None:
    """The bridge's last Slack call with this connection's token worked (no error) or not."""
    values: dict[str, Any] = (
        {"last_ok_at": func.now()}
        if error is None
        else {"last_error": error, "last_error_at": func.now()}
    )
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        if await ConnectionRepository(conn).touch(connection_id, **values) is None:
            raise NotFound("No such Slack connection.")
