"""One row in every tenant table for a tenant, through the repositories, under its RLS."""

import uuid
from dataclasses import dataclass

from proxy.core.db.engine import Database
from proxy.features.agents.repository import AgentRepository
from proxy.features.audit.repository import AuditRepository
from proxy.features.connections.repository import ConnectionRepository
from proxy.features.conversations.repository import ConversationRepository
from proxy.features.keys.repository import KeyRepository
from proxy.features.limits.repository import LimitsRepository
from proxy.features.responses.repository import ResponseRepository
from proxy.features.usage.repository import UsageRepository


@dataclass(frozen=True)
class Seeded:
    agent_id: uuid.UUID
    key_id: uuid.UUID
    connection_id: uuid.UUID
    conversation_id: uuid.UUID


async def seed_tenant(db: Database, tenant_id: uuid.UUID) -> Seeded:
    tag = uuid.uuid4().hex[:10]
    async with db.tenant_transaction(tenant_id) as conn:
        agent = await AgentRepository(conn).create(
            tenant_id=tenant_id, slug=f"agent-{tag}", name="Ada", role="Support"
        )
        key = await KeyRepository(conn).create(
            tenant_id=tenant_id, key_hash=f"hash-{tag}", name="ci", prefix="sk-kon-test"
        )
        await LimitsRepository(conn).upsert(tenant_id=tenant_id, monthly_budget_usd=10)
        connection = await ConnectionRepository(conn).create(
            tenant_id=tenant_id,
            workspace_id=f"T{tag.upper()}",
            encrypted_bot_token="v1:dev:opaque",
            bot_user_id="UBOT",
            default_agent_id=agent.id,
        )
        await ConnectionRepository(conn).replace_overrides(
            tenant_id=tenant_id, connection_id=connection.id, channel_agents={"C1": agent.id}
        )
        conversations = ConversationRepository(conn)
        conversation_id = await conversations.ensure(
            tenant_id=tenant_id, channel_type="slack", channel_id="C1", thread_id=f"1.{tag}"
        )
        await conversations.add_message(
            tenant_id=tenant_id,
            conversation_id=conversation_id,
            role="user",
            text="hello",
            source_event_id=f"Ev{tag}",
        )
        await UsageRepository(conn).record(
            tenant_id=tenant_id,
            call_id=f"call-{tag}",
            model_group="konstruct-fast",
            model="openai/fake",
            prompt_tokens=3,
            completion_tokens=4,
            cost_usd=0,
            agent_id=agent.id,
            key_id=key.id,
        )
        await AuditRepository(conn).add(tenant_id=tenant_id, actor="test", action="seed")
        await ResponseRepository(conn).record(tenant_id=tenant_id, response_id=f"resp_{tag}")
    return Seeded(agent.id, key.id, connection.id, conversation_id)
