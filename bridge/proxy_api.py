"""The proxy's internal API as the bridge sees it: workspaces, bridge keys, thread history."""

from types import TracebackType
from typing import Any, Literal, Self
from uuid import UUID

import httpx
from pydantic import BaseModel, ConfigDict

from bridge.settings import Settings
from bridge.tracing import send_traceparent
from policies.tls import http_verify


class AgentSummary(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: UUID
    slug: str
    name: str
    escalation_rules: list[dict[str, Any]] = []
    is_active: bool = True


class WorkspaceLimits(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenant_messages_per_minute: int = 60
    channel_messages_per_minute: int = 20


class Workspace(BaseModel):
    """A connected Slack workspace: whose it is, its bot, which agent speaks where."""

    model_config = ConfigDict(extra="ignore")

    tenant_id: UUID
    tenant_status: str
    connection_id: UUID
    status: str = "active"
    bot_token: str
    bot_user_id: str
    default_agent_id: UUID | None
    channel_agents: dict[str, UUID] = {}
    agents: list[AgentSummary] = []
    limits: WorkspaceLimits = WorkspaceLimits()

    @property
    def active(self) -> bool:
        return self.tenant_status == "active" and self.status == "active"

    def agent_for(self, channel_id: str) -> AgentSummary | None:
        """The channel's own agent, else the connection's default; only active agents speak."""
        agent_id = self.channel_agents.get(channel_id) or self.default_agent_id
        agent = next((agent for agent in self.agents if agent.id == agent_id), None)
        return agent if agent is not None and agent.is_active else None


class HistoryMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["user", "assistant"]
    text: str


class ProxyError(Exception):
    """The proxy answered something the bridge cannot work with."""


class ProxyAPI:
    """A client of `/internal/*`, authenticated with the bridge key."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self._http = httpx.AsyncClient(
            base_url=settings.konstruct_proxy_url,
            headers={"Authorization": f"Bearer {settings.konstruct_bridge_key.get_secret_value()}"},
            timeout=15,
            transport=transport,
            event_hooks={"request": [send_traceparent]},
            verify=http_verify(settings.konstruct_tls_ca_file),
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = await self._http.request(method, path, **kwargs)
        if response.status_code >= 500:
            raise ProxyError(f"{method} {path} answered {response.status_code}")
        return response

    @staticmethod
    def _checked(response: httpx.Response) -> Any:
        if not response.is_success:
            # The proxy's error bodies carry no secrets; the URL may, so only the status is kept.
            raise ProxyError(f"internal API answered {response.status_code}")
        return response.json()

    async def workspace(self, team_id: str) -> Workspace | None:
        response = await self._send("GET", f"/internal/slack/workspaces/{team_id}")
        if response.status_code in (404, 422):
            return None
        return Workspace.model_validate(self._checked(response))

    async def bridge_key(self, tenant_id: UUID) -> str:
        response = await self._send("GET", f"/internal/tenants/{tenant_id}/bridge-key")
        return str(self._checked(response)["key"])

    async def thread_messages(
        self, tenant_id: UUID, channel_id: str, thread_id: str, limit: int = 50
    ) -> list[HistoryMessage]:
        response = await self._send(
            "GET",
            f"/internal/tenants/{tenant_id}/threads/{channel_id}/{thread_id}/messages",
            params={"limit": limit},
        )
        items = self._checked(response)["items"]
        return [HistoryMessage.model_validate(item) for item in items]

    async def store_message(
        self,
        tenant_id: UUID,
        channel_id: str,
        thread_id: str,
        *,
        role: Literal["user", "assistant"],
        text: str,
        sender_id: str,
        source_event_id: str,
        agent_id: UUID | None = None,
    ) -> None:
        body: dict[str, Any] = {
            "role": role,
            "text": text,
            "sender_id": sender_id[:64],
            "source_event_id": source_event_id,
        }
        if agent_id is not None:
            body["agent_id"] = str(agent_id)
        response = await self._send(
            "POST",
            f"/internal/tenants/{tenant_id}/threads/{channel_id}/{thread_id}/messages",
            json=body,
        )
        self._checked(response)

    async def consume_oauth_state(self, state: str) -> UUID | None:
        """The tenant an install link was made for; None once used, expired or never issued."""
        response = await self._send("POST", f"/internal/slack/oauth-states/{state}/consume")
        if response.status_code in (404, 422):
            return None
        return UUID(str(self._checked(response)["tenant_id"]))

    async def install(
        self,
        *,
        tenant_id: UUID,
        workspace_id: str,
        workspace_name: str,
        bot_token: str,
        bot_user_id: str,
    ) -> httpx.Response:
        """Store the workspace's bot token; the caller reads 201 / 409 from the response."""
        return await self._send(
            "POST",
            "/internal/slack/installations",
            json={
                "tenant_id": str(tenant_id),
                "workspace_id": workspace_id,
                "workspace_name": workspace_name,
                "bot_token": bot_token,
                "bot_user_id": bot_user_id,
            },
        )
