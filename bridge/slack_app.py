"""The bolt app of the web process: bolt verifies every request, runs the OAuth install, and
authorizes events from this process's workspace cache; listeners only enqueue.

- Events: anything that could wake the agent, and Slack's lifecycle events
  (`app_uninstalled`, `tokens_revoked`), go to the worker's queue before the ack.
- Interactivity: Block Kit actions whose action_id starts with a known prefix
  (`feedback:`, `approval:`) go to the queue the same way (bridge/actions.py runs them).
- OAuth: bolt's AsyncOAuthFlow with stores backed by the proxy's internal API
  (bridge/install.py).
"""

import asyncio
import logging
import re
from typing import Any, Final

from redis import Redis as SyncRedis
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.web.async_client import AsyncWebClient

from bridge import install
from bridge.actions import ACTION_PREFIXES
from bridge.clients import Clients
from bridge.lifecycle import LIFECYCLE_EVENTS
from bridge.proxy_api import Workspace
from bridge.queue import accept_action, accept_event
from bridge.sealed_events import seal_event
from bridge.tracing import TENANT_CONTEXT_KEY, accepted_event_span
from bridge.verification import SLACK_ID
from policies.threads import Wake, decide_wake

log = logging.getLogger(__name__)

_ANSWERED_EVENTS: Final = frozenset({"app_mention", "message"})
_ACTION_ID: Final = re.compile(rf"^({'|'.join(re.escape(p) for p in ACTION_PREFIXES)})")


def could_wake(event: dict[str, Any], bot_user_id: str) -> bool:
    """Whether the event could wake the agent in the most willing thread state (engaged, not
    escalated); the worker decides for real, this only keeps obvious noise out of the queue."""
    if event.get("type") not in _ANSWERED_EVENTS:
        return False
    wake = decide_wake(event, bot_user_id=bot_user_id, thread_engaged=True, thread_escalated=False)
    return wake is not Wake.IGNORE


class WorkspaceAuthorize(AsyncAuthorize):
    """A workspace's bot from this process's cache (no auth.test per request): its own
    install, or its Enterprise Grid org's org-wide one (`team_id` is None for those)."""

    def __init__(self, clients: Clients) -> None:
        self._clients = clients

    async def __call__(
        self,
        *,
        context: AsyncBoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        del user_id, actor_enterprise_id, actor_team_id, actor_user_id
        routed = team_id or enterprise_id
        if not isinstance(routed, str) or not SLACK_ID.fullmatch(routed):
            return None
        if enterprise_id is not None and not SLACK_ID.fullmatch(enterprise_id):
            return None
        workspace = await self._clients.workspaces.get(routed, enterprise_id)
        if workspace is None or not workspace.active:
            return None
        context[TENANT_CONTEXT_KEY] = str(workspace.tenant_id)
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=workspace.bot_token,
            bot_user_id=workspace.bot_user_id,
        )


def _routing(body: dict[str, Any], context: AsyncBoltContext) -> tuple[str, str | None]:
    """The team the job resolves (the installed workspace; for an org-wide install, where
    the event happened) and the Enterprise Grid org."""
    team_id = context.team_id or body.get("team_id") or context.enterprise_id
    return str(team_id), context.enterprise_id


def build_app(clients: Clients, sync_redis: SyncRedis) -> AsyncApp:
    settings = clients.settings
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # bolt takes an AsyncAuthorize instance too (its type hint names only functions).
        authorize=WorkspaceAuthorize(clients),  # type: ignore[arg-type]
        client=AsyncWebClient(base_url=settings.slack_api_url),
        oauth_flow=install.oauth_flow(clients),
        # The listener only enqueues; acking after it returns makes the hand-off durable.
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        # Bolt logs a bad request's body at INFO: never bodies (they hold people's words).
        logger=_quiet_bolt_logger(),
    )

    @app.event(re.compile(r".+"))
    async def enqueue(body: dict[str, Any], context: AsyncBoltContext) -> None:
        event = body["event"]
        lifecycle = event.get("type") in LIFECYCLE_EVENTS
        if not lifecycle and not could_wake(event, context.bot_user_id or ""):
            return
        team_id, enterprise_id = _routing(body, context)
        event_id = body["event_id"]
        queued = event
        if not lifecycle:  # lifecycle events carry no one's words, and may outlive the keys
            workspace = await clients.workspaces.get(team_id, enterprise_id)
            queued = _sealed(workspace, event_id, event)
        # The job's meta carries this span (to_thread runs accept_event in its context).
        with accepted_event_span(team_id, event_id, event, context.get(TENANT_CONTEXT_KEY)):
            await asyncio.to_thread(
                accept_event,
                sync_redis,
                settings,
                team_id=team_id,
                enterprise_id=enterprise_id,
                event_id=event_id,
                event=queued,
            )

    @app.action(_ACTION_ID)
    async def enqueue_action(ack: Any, body: dict[str, Any], context: AsyncBoltContext) -> None:
        team_id, enterprise_id = _routing(body, context)
        await asyncio.to_thread(
            accept_action,
            sync_redis,
            settings,
            team_id=team_id,
            enterprise_id=enterprise_id,
            payload=body,
        )
        await ack()

    @app.action(re.compile(r".*"))
    async def ignore_action(ack: Any) -> None:
        # Not ours to handle (another app's element, a stale message): acked, nothing queued.
        await ack()

    return app


def _sealed(workspace: Workspace | None, event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """The event as it is queued: its words sealed under the tenant's queue key. Without a
    key nothing is queued (Slack gets a 5xx and delivers again), never the words in clear."""
    key = workspace.queue_keys.get(workspace.queue_key_version) if workspace else None
    if workspace is None or key is None:
        raise RuntimeError("no queue key for this workspace: the event was not queued")
    return seal_event(
        event,
        key=key,
        version=workspace.queue_key_version,
        tenant_id=workspace.tenant_id,
        event_id=event_id,
    )


def _quiet_bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bridge.bolt")
    logger.setLevel(logging.WARNING)
    return logger
