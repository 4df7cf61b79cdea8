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
    # The connection's own id: the team's, or for an org-wide install the enterprise's.
    workspace_id: str
    enterprise_id: str | None
    is_enterprise_install: bool
    status: str
    bot_token: str
    bot_user_id: str
    default_agent_id: UUID | None
    channel_agents: dict[str, UUID]
    agents: list[AgentSummary]
    limits: WorkspaceLimits
    # The tenant's queue keys by data key version (base64; HKDF of each data key still kept)
    # and the version to seal with: queued Slack events carry their words sealed
    # (bridge/sealed_events.py), and shredding the tenant's data keys covers them too.
    queue_keys: dict[int, str]
    queue_key_version: int


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
    # The portal's one-time install state: used up here, it names the tenant.
    state: Annotated[str, StringConstraints(min_length=8, max_length=64, pattern=r"^[\w-]+$")]
    # The team's id, or for an org-wide install the enterprise's.
    workspace_id: SlackId
    enterprise_id: SlackId | None = None
    is_enterprise_install: bool = False
    workspace_name: Annotated[str, StringConstraints(max_length=200)] = ""
    bot_token: Annotated[
        str, StringConstraints(min_length=10, max_length=255, pattern=r"^xox[bp]-\S+$")
    ]
    bot_user_id: SlackId


SlackRefusal = Literal[
    "app_uninstalled", "tokens_revoked", "invalid_auth", "account_inactive", "token_revoked"
]


class DisableIn(Input):
    reason: SlackRefusal
    # sha256 of the token Slack refused: a newer token (a reinstall) is left alone.
    token_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Disabled(Output):
    disabled: bool


class HealthIn(Input):
    # None: a Slack call with the token worked; else the error code Slack (or the network) gave.
    error: Annotated[str, StringConstraints(max_length=100)] | None = None
