"""What the bridge may know: a workspace's tenant, token and agents; thread history."""

import base64
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from policies.redis_keys import oauth_state_key
from proxy.core.errors import Conflict, NotFound
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.agents.repository import AgentRepository
from proxy.features.audit.service import record
from proxy.features.connections.repository import ConnectionRepository, TeamRouteRepository
from proxy.features.connections.service import OAUTH_STATE_CONTEXT, bot_token_context
from proxy.features.conversations import service as conversations
from proxy.features.internal.schemas import (
    AgentSummary,
    InstallationIn,
    ThreadMessage,
    ThreadMessageIn,
    Workspace,
    WorkspaceLimits,
)
from proxy.features.limits.repository import LimitsRepository
from proxy.features.limits.schemas import LimitsIn
from proxy.features.tenants.repository import TenantRepository
from proxy.gateway.cache import signal_workspace_change

BRIDGE = Principal(role="bridge", actor="slack-bridge")
# What the queue keys are derived for (TenantKeyring.derive): never the data key itself.
QUEUE_KEY_PURPOSE = "bridge-queue"


async def workspace(runtime: Runtime, team_id: str, enterprise_id: str | None = None) -> Workspace:
    """The workspace events of `team_id` belong to: its own install, else its Enterprise
    Grid org's org-wide install."""
    async with runtime.db.platform_transaction() as conn:
        route = await TeamRouteRepository(conn).resolve(team_id, enterprise_id)
    if route is None:
        raise NotFound("No tenant has connected this Slack workspace.")
    tenant_id, routed_id = route
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        connections = ConnectionRepository(conn)
        connection = await connections.get_by_workspace(routed_id)
        tenant = await TenantRepository(conn).get(tenant_id)
        agents = await AgentRepository(conn).list_all()
        limits = await LimitsRepository(conn).get()
        if connection is None or tenant is None:
            raise NotFound("No tenant has connected this Slack workspace.")
        overrides = (await connections.overrides([connection.id]))[connection.id]
    default_agent = connection.default_agent_id or next(
        (agent.id for agent in agents if agent.is_default and agent.is_active), None
    )
    defaults = LimitsIn()
    keyring = await runtime.data_keys.keyring(tenant_id)
    return Workspace(
        tenant_id=tenant_id,
        tenant_status=tenant.status,
        connection_id=connection.id,
        workspace_id=connection.workspace_id,
        enterprise_id=connection.enterprise_id,
        is_enterprise_install=connection.is_enterprise_install,
        status=connection.status,
        bot_token=runtime.secrets.decrypt(
            connection.encrypted_bot_token, context=bot_token_context(tenant_id)
        ),
        bot_user_id=connection.bot_user_id,
        default_agent_id=default_agent,
        channel_agents=overrides,
        agents=[AgentSummary.model_validate(agent) for agent in agents],
        limits=WorkspaceLimits(
            tenant_messages_per_minute=limits.tenant_messages_per_minute
            if limits
            else defaults.tenant_messages_per_minute,
            channel_messages_per_minute=limits.channel_messages_per_minute
            if limits
            else defaults.channel_messages_per_minute,
        ),
        queue_keys={
            version: base64.b64encode(keyring.derive(QUEUE_KEY_PURPOSE, version=version)).decode()
            for version in keyring.keys
        },
        queue_key_version=keyring.current,
    )


async def thread_messages(
    runtime: Runtime, tenant_id: UUID, channel_id: str, thread_id: str, limit: int
) -> list[ThreadMessage]:
    items = await conversations.thread_history(
        runtime,
        tenant_id,
        channel_type="slack",
        channel_id=channel_id,
        thread_id=thread_id,
        limit=limit,
    )
    return [ThreadMessage.model_validate(item, from_attributes=True) for item in items]


async def store_message(
    runtime: Runtime, tenant_id: UUID, channel_id: str, thread_id: str, body: ThreadMessageIn
) -> bool:
    return await conversations.store_message(
        runtime,
        tenant_id,
        channel_type="slack",
        channel_id=channel_id,
        thread_id=thread_id,
        **body.model_dump(),
    )


async def peek_oauth_state(runtime: Runtime, state: str) -> UUID:
    """The tenant an install link was made for, while it is still waiting to be used."""
    sealed = await runtime.redis.get(oauth_state_key(state))
    if not sealed:
        raise NotFound("This install link has expired or was already used; start again.")
    return UUID(runtime.secrets.decrypt(str(sealed), context=OAUTH_STATE_CONTEXT))


async def consume_oauth_state(runtime: Runtime, state: str) -> UUID:
    sealed = await runtime.redis.getdel(oauth_state_key(state))
    if not sealed:
        raise NotFound("This install link has expired or was already used; start again.")
    return UUID(runtime.secrets.decrypt(str(sealed), context=OAUTH_STATE_CONTEXT))


async def install(runtime: Runtime, body: InstallationIn) -> UUID:
    """Store (or refresh, re-enabling it) a workspace's bot token after the OAuth install;
    the install link's state is used up here and names the tenant."""
    tenant_id = await consume_oauth_state(runtime, body.state)
    sealed = runtime.secrets.encrypt(body.bot_token, context=bot_token_context(tenant_id))
    values: dict[str, Any] = {
        "workspace_name": body.workspace_name,
        "encrypted_bot_token": sealed,
        "bot_user_id": body.bot_user_id,
        "enterprise_id": body.enterprise_id,
        "is_enterprise_install": body.is_enterprise_install,
        "status": "active",
        "disabled_reason": None,
        "disabled_at": None,
    }
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            if await TenantRepository(conn).get(tenant_id) is None:
                raise NotFound("No such tenant.")
            repo = ConnectionRepository(conn)
            existing = await repo.get_by_workspace(body.workspace_id)
            row = (
                await repo.create(tenant_id=tenant_id, workspace_id=body.workspace_id, **values)
                if existing is None
                else await repo.update(existing.id, **values)
            )
            await record(
                conn, BRIDGE, "slack.install", tenant_id=tenant_id, target=body.workspace_id
            )
    except IntegrityError as exc:
        raise Conflict("This Slack workspace is connected to another tenant.") from exc
    await signal_workspace_change(runtime.redis, tenant_id)
    assert row is not None
    connection_id: UUID = row.id
    return connection_id
