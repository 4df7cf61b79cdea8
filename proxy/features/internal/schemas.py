"""Internal API models (bridge ↔ proxy)."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import StringConstraints

from proxy.features.api.schemas import Input, Output, SlackId


class AgentSummary(Output):
    id: UUID
    slug: str
    name: str
    escalation_rules: list[dict[str, Any]]
    is_active: bool
    is_default: bool


class WorkspaceLimits(Output):
    tenant_messages_per_minute: int
    channel_messages_per_minute: int


class Workspace(Output):
    tenant_id: UUID
    tenant_status: str
    connection_id: UUID
    status: str
    bot_token: str
    bot_user_id: str
    default_agent_id: UUID | None
    channel_agents: dict[str, UUID]
    agents: list[AgentSummary]
    limits: WorkspaceLimits


class BridgeKey(Output):
    key: str


class ThreadMessageIn(Input):
    role: Literal["user", "assistant"]
    text: Annotated[str, StringConstraints(max_length=100_000)]
    sender_id: Annotated[str, StringConstraints(max_length=64)] = ""
    source_event_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    agent_id: UUID | None = None


class ThreadMessage(Output):
    role: Literal["user", "assistant"]
    text: str
    sender_id: str
    agent_id: UUID | None
    created_at: datetime


class StoredMessage(Output):
    stored: bool


class OAuthState(Output):
    tenant_id: UUID


class InstallationIn(Input):
    tenant_id: UUID
    workspace_id: SlackId
    workspace_name: Annotated[str, StringConstraints(max_length=200)] = ""
    bot_token: Annotated[
        str, StringConstraints(min_length=10, max_length=255, pattern=r"^xox[bp]-\S+$")
    ]
    bot_user_id: SlackId
