"""The proxy's internal API as the bridge sees it: workspaces, installs, connection health
and Slack's refusals, answer feedback, agent turns and approvals, thread history."""

import hashlib
from collections.abc import AsyncIterator
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
    # The team's id, or for an org-wide Enterprise Grid install the enterprise's.
    workspace_id: str = ""
    enterprise_id: str | None = None
    is_enterprise_install: bool = False
    status: str = "active"
    bot_token: str
    bot_user_id: str
    default_agent_id: UUID | None
    channel_agents: dict[str, UUID] = {}
    agents: list[AgentSummary] = []
    limits: WorkspaceLimits = WorkspaceLimits()
    # The tenant's queue keys by version (base64) and the one to seal with: queued events
    # carry their words sealed (bridge/sealed_events.py).
    queue_keys: dict[int, str] = {}
    queue_key_version: int = 0

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

    async def workspace(self, team_id: str, enterprise_id: str | None = None) -> Workspace | None:
        """The workspace `team_id`'s events belong to (its own install, else its org's)."""
        params = {"enterprise_id": enterprise_id} if enterprise_id else None
        response = await self._send("GET", f"/internal/slack/workspaces/{team_id}", params=params)
        if response.status_code in (404, 422):
            return None
        return Workspace.model_validate(self._checked(response))

    async def agent_turn(
        self, tenant_id: UUID, turn: dict[str, Any], *, read_timeout: float
    ) -> AsyncIterator[str]:
        """Run one agent turn in the proxy's runtime: its NDJSON events, a line each, as
        they happen (the model is asked there, with the tenant's key the proxy keeps)."""
        path = f"/internal/tenants/{tenant_id}/agent-turns"
        timeout = httpx.Timeout(15, read=read_timeout)
        async with self._http.stream("POST", path, json=turn, timeout=timeout) as response:
            if not response.is_success:
                raise ProxyError(f"internal API answered {response.status_code}")
            async for line in response.aiter_lines():
                if line.strip():
                    yield line

    async def decide_approval(
        self, tenant_id: UUID, approval_id: UUID, *, decision: str, user_id: str
    ) -> tuple[int, dict[str, Any]]:
        """A Slack user's Approve / Deny: the proxy's status (200, 403 not theirs to decide,
        404 unknown) and its answer."""
        response = await self._send(
            "POST",
            f"/internal/tenants/{tenant_id}/approvals/{approval_id}/decision",
            json={"decision": decision, "user_id": user_id},
        )
        body = response.json() if response.content else {}
        return response.status_code, body if isinstance(body, dict) else {}

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

    async def oauth_state_waiting(self, state: str) -> bool:
        """Whether an install link's state was issued and is not used up or expired yet."""
        response = await self._send("GET", f"/internal/slack/oauth-states/{state}")
        if response.status_code in (404, 422):
            return False
        self._checked(response)
        return True

    async def install(
        self,
        *,
        state: str,
        workspace_id: str,
        workspace_name: str,
        bot_token: str,
        bot_user_id: str,
        enterprise_id: str | None,
        is_enterprise_install: bool,
    ) -> httpx.Response:
        """Store the bot token for the tenant `state` was issued to (using the state up);
        the caller reads 201 / 404 (state gone) / 409 (another tenant's) from the response."""
        return await self._send(
            "POST",
            "/internal/slack/installations",
            json={
                "state": state,
                "workspace_id": workspace_id,
                "workspace_name": workspace_name,
                "bot_token": bot_token,
                "bot_user_id": bot_user_id,
                "enterprise_id": enterprise_id,
                "is_enterprise_install": is_enterprise_install,
            },
        )

    async def disable(self, workspace: Workspace, reason: str) -> bool:
        """Slack uninstalled the app or refused the token this view holds: disable it."""
        response = await self._send(
            "POST",
            f"/internal/tenants/{workspace.tenant_id}/slack-connections/"
            f"{workspace.connection_id}/disable",
            json={
                "reason": reason,
                "token_sha256": hashlib.sha256(workspace.bot_token.encode()).hexdigest(),
            },
        )
        return bool(self._checked(response)["disabled"])

    async def report_health(self, workspace: Workspace, error: str | None) -> None:
        response = await self._send(
            "POST",
            f"/internal/tenants/{workspace.tenant_id}/slack-connections/"
            f"{workspace.connection_id}/health",
            json={"error": error},
        )
        if not response.is_success:
            raise ProxyError(f"internal API answered {response.status_code}")

    async def record_feedback(
        self,
        tenant_id: UUID,
        *,
        agent_id: UUID,
        channel_id: str,
        message_ts: str,
        user_id: str,
        rating: int,
    ) -> None:
        response = await self._send(
            "POST",
            f"/internal/tenants/{tenant_id}/feedback",
            json={
                "agent_id": str(agent_id),
                "channel_id": channel_id,
                "message_ts": message_ts,
                "user_id": user_id,
                "rating": rating,
            },
        )
        if not response.is_success:
            raise ProxyError(f"internal API answered {response.status_code}")
