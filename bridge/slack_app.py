"""The bolt app of the web process: authorize a workspace, accept an event, acknowledge it."""

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import Iterator
from typing import Any, Final

from redis import Redis as SyncRedis
from redis.asyncio import Redis
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from bridge.proxy_api import ProxyAPI
from bridge.queue import accept_event
from bridge.settings import Settings
from bridge.tracing import TENANT_CONTEXT_KEY, accepted_event_span
from bridge.verification import SLACK_ID
from bridge.workspaces import remembered_workspace
from policies.threads import Wake, decide_wake

log = logging.getLogger(__name__)

_ANSWERED_EVENTS = frozenset({"app_mention", "message"})
_BOLT_OAUTH_ENV: Final = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


def could_wake(event: dict[str, Any], bot_user_id: str) -> bool:
    """Whether the event could wake the agent in the most willing thread state (engaged, not
    escalated); the worker decides for real, this only keeps obvious noise out of the queue."""
    if event.get("type") not in _ANSWERED_EVENTS:
        return False
    wake = decide_wake(event, bot_user_id=bot_user_id, thread_engaged=True, thread_escalated=False)
    return wake is not Wake.IGNORE


@contextlib.contextmanager
def _without_bolt_oauth_env() -> Iterator[None]:
    """Bolt switches on its own file-based OAuth stores when it finds the client id and secret
    in the environment; installs go through bridge/install.py and the proxy instead."""
    hidden = {name: os.environ.pop(name) for name in _BOLT_OAUTH_ENV if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(hidden)


def build_app(
    settings: Settings, redis: Redis, sync_redis: SyncRedis, proxy_api: ProxyAPI
) -> AsyncApp:
    async def authorize(
        team_id: Any, context: AsyncBoltContext, **_: Any
    ) -> AuthorizeResult | None:
        if not isinstance(team_id, str) or not SLACK_ID.fullmatch(team_id):
            return None
        workspace = await remembered_workspace(redis, proxy_api, settings, team_id)
        if workspace is None or not workspace.active:
            return None
        context[TENANT_CONTEXT_KEY] = str(workspace.tenant_id)
        return AuthorizeResult(
            enterprise_id=None,
            team_id=team_id,
            bot_token=workspace.bot_token,
            bot_user_id=workspace.bot_user_id,
        )

    with _without_bolt_oauth_env():
        app = AsyncApp(
            signing_secret=settings.slack_signing_secret.get_secret_value(),
            authorize=authorize,  # type: ignore[arg-type]  # bolt treats None as "not installed"
            client=AsyncWebClient(base_url=settings.slack_api_url),
            # The listener only enqueues; acking after it returns makes the hand-off durable.
            process_before_response=True,
            raise_error_for_unhandled_request=False,
            logger=log,
        )

    @app.event(re.compile(r".+"))
    async def enqueue(body: dict[str, Any], context: AsyncBoltContext) -> None:
        event = body["event"]
        if could_wake(event, context.bot_user_id or ""):
            team_id, event_id = str(context.team_id), body["event_id"]
            # The job's meta carries this span (to_thread runs accept_event in its context).
            with accepted_event_span(team_id, event_id, event, context.get(TENANT_CONTEXT_KEY)):
                await asyncio.to_thread(
                    accept_event,
                    sync_redis,
                    settings,
                    team_id=team_id,
                    event_id=event_id,
                    event=event,
                )

    return app
