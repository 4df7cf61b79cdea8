"""What the bridge may know: a workspace's tenant, token and agents; thread history."""

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
from proxy.features.conversations.repository import ConversationRepository
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
from proxy.gateway.cache import forget_workspace

BRIDGE = Principal(role="bridge", actor="slack-bridge")


async def workspace(runtime: Runtime, team_id: str) -> Workspace:
    async with runtime.db.platform_transaction() as conn:
        tenant_id = await TeamRouteRepository(conn).resolve(team_id)
    if tenant_id is None:
        raise NotFound("No tenant has connected this Slack workspace.")
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        connections = ConnectionRepository(conn)
        connection = await connections.get_by_workspace(team_id)
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
    return Workspace(
        tenant_id=tenant_id,
        tenant_status=tenant.status,
        connection_id=connection.id,
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
    )


async def thread_messages(
    runtime: Runtime, tenant_id: UUID, channel_id: str, thread_id: str, limit: int
) -> list[ThreadMessage]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ConversationRepository(conn)
        conversation = await repo.find(
            channel_type="slack", channel_id=channel_id, thread_id=thread_id
        )
        rows = await repo.newest_messages(conversation, limit) if conversation else []
    return [ThreadMessage.model_validate(row) for row in rows]


async def store_message(
    runtime: Runtime, tenant_id: UUID, channel_id: str, thread_id: str, body: ThreadMessageIn
) -> bool:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ConversationRepository(conn)
        conversation = await repo.ensure(
            tenant_id=tenant_id, channel_type="slack", channel_id=channel_id, thread_id=thread_id
        )
        return await repo.add_message(
            tenant_id=tenant_id, conversation_id=conversation, **body.model_dump()
        )


async def consume_oauth_state(runtime: Runtime, state: str) -> UUID:
    sealed = await runtime.redis.getdel(oauth_state_key(state))
    if not sealed:
        raise NotFound("This install link has expired or was already used; start again.")
    return UUID(runtime.secrets.decrypt(str(sealed), context=OAUTH_STATE_CONTEXT))


async def install(runtime: Runtime, body: InstallationIn) -> UUID:
    """Store (or refresh) a workspace's bot token after the OAuth install."""
    tenant_id = body.tenant_id
    sealed = runtime.secrets.encrypt(body.bot_token, context=bot_token_context(tenant_id))
    values: dict[str, Any] = {
        "workspace_name": body.workspace_name,
        "encrypted_bot_token": sealed,
        "bot_user_id": body.bot_user_id,
        "status": "active",
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
    await forget_workspace(runtime.redis, tenant_id, [body.workspace_id])
    assert row is not None
    connection_id: UUID = row.id
    return connection_id
