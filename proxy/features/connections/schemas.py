"""Admin API models for Slack channel connections (the bot token never leaves the proxy)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from proxy.features.api.schemas import Input, Output, SlackId

BotToken = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=10, max_length=255, pattern=r"^xox[bp]-\S+$"
    ),
]
WorkspaceName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class ConnectionCreate(Input):
    workspace_id: SlackId
    workspace_name: WorkspaceName = ""
    bot_token: BotToken
    bot_user_id: SlackId
    default_agent_id: UUID | None = None
    channel_agents: dict[SlackId, UUID] = Field(default_factory=dict, max_length=500)


class ConnectionUpdate(Input):
    workspace_name: WorkspaceName | None = None
    bot_token: BotToken | None = None
    bot_user_id: SlackId | None = None
    default_agent_id: UUID | None = None
    channel_agents: dict[SlackId, UUID] | None = Field(default=None, max_length=500)
    status: Literal["active", "disabled"] | None = None


class SlackConnection(Output):
    id: UUID
    workspace_id: str
    workspace_name: str
    bot_user_id: str
    default_agent_id: UUID | None
    channel_agents: dict[str, UUID]
    status: Literal["active", "disabled"]
    # Why and when it stopped: "app_uninstalled", "tokens_revoked", "invalid_auth",
    # "account_inactive", "token_revoked" (from Slack) or "operator".
    disabled_reason: str | None
    disabled_at: datetime | None
    enterprise_id: str | None
    is_enterprise_install: bool
    # Health, as the bridge last reported it.
    last_ok_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    created_at: datetime


class SlackChannel(Output):
    """A channel of the workspace as Slack lists it to the bot (for picking by name)."""

    id: str
    name: str
    is_private: bool
    is_member: bool


class SlackChannelList(Output):
    items: list[SlackChannel]
    # More channels than one request lists: the rest can still be pasted as links.
    truncated: bool


class InstallLink(Output):
    url: str
