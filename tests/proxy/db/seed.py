"""One row in every tenant table for a tenant, through the repositories, under its RLS."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from proxy.core.db.engine import Database
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings
from proxy.features.agents.repository import AgentRepository
from proxy.features.audit.repository import AuditRepository
from proxy.features.connections.repository import ConnectionRepository
from proxy.features.conversations.repository import ConversationRepository
from proxy.features.feedback.repository import FeedbackRepository
from proxy.features.keys.repository import KeyRepository
from proxy.features.limits.repository import LimitsRepository
from proxy.features.responses.repository import ResponseRepository
from proxy.features.runtime.repository import ApprovalRepository, ToolCallRepository
from proxy.features.tools.repository import ToolRepository
from proxy.features.usage.repository import UsageRepository
from tests.conftest import APP_URL, TEST_REDIS_URL
from tests.proxy.crypto.helpers import DEV_KEY


@dataclass(frozen=True)
class Seeded:
    agent_id: uuid.UUID
    key_id: uuid.UUID
    connection_id: uuid.UUID
    conversation_id: uuid.UUID
    mcp_server_id: uuid.UUID


async def seed_tenant(db: Database, tenant_id: uuid.UUID) -> Seeded:
    # Tool calls and approvals are sealed with the tenant's data key (from the test key store).
    runtime = Runtime(
        Settings(
            database_url=APP_URL,
            redis_url=TEST_REDIS_URL,
            konstruct_secret_key=DEV_KEY,  # type: ignore[arg-type]
        )
    )
    try:
        return await _seed(db, tenant_id, runtime)
    finally:
        await runtime.close()


async def _seed(db: Database, tenant_id: uuid.UUID, runtime: Runtime) -> Seeded:
    tag = uuid.uuid4().hex[:10]
    keys = runtime.data_keys.of(tenant_id)
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
        tools = ToolRepository(conn)
        server = await tools.create_mcp_server(
            tenant_id=tenant_id, name=f"mcp-{tag}", url="https://mcp.example/mcp"
        )
        http_tool = await tools.create_http_tool(
            tenant_id=tenant_id,
            name=f"tool_{tag}",
            parameters={"type": "object"},
            method="GET",
            url="https://api.example/x",
        )
        await tools.replace_assignments(
            tenant_id=tenant_id,
            agent_id=agent.id,
            rows=[
                {
                    "name": "seeded_tool",
                    "http_tool_id": http_tool.id,
                    "mcp_server_id": None,
                    "mcp_tool_name": None,
                    "policy": "ask",
                }
            ],
        )
        approval = await ApprovalRepository(conn, keys).ensure(
            tenant_id=tenant_id,
            turn_id=f"turn-{tag}",
            agent_id=agent.id,
            tool_name="seeded_tool",
            arguments={"order_id": "A-1"},
            status_text="Seeding…",
            expires_at=datetime.now(UTC) + timedelta(minutes=10),
        )
        await ToolCallRepository(conn, keys).add(
            [
                {
                    "tenant_id": tenant_id,
                    "agent_id": agent.id,
                    "turn_id": f"turn-{tag}",
                    "tool_name": "seeded_tool",
                    "arguments": {"order_id": "A-1"},
                    "outcome": "ok",
                    "approval_id": approval.id,
                }
            ]
        )
        await FeedbackRepository(conn).upsert(
            tenant_id=tenant_id,
            agent_id=agent.id,
            channel_id="C1",
            message_ts=f"1.{tag}",
            user_id="U1",
            rating=1,
        )
    return Seeded(agent.id, key.id, connection.id, conversation_id, server.id)
