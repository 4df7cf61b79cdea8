"""Slack's word on a workspace's token: an uninstall, a revocation, a Web API refusal, or a
call that worked, turned into the connection's status and health at the proxy.

`app_uninstalled`, `tokens_revoked` (naming the bot) and the Web API errors `invalid_auth`,
`account_inactive` and `token_revoked` all mean the token is gone for good: the proxy
disables the connection (only while it still holds that token: a reinstall since then
stays active) and signals the change, which empties every bridge process's cache; this
process also drops its Slack client for the token at once. Reinstalling stores a new token
and re-enables the connection. A call that worked is reported at most once per
BRIDGE_HEALTH_REPORT_SECONDS per connection (health: last successful call, last error).
"""

import contextlib
import logging
import time
from typing import Any, Final
from uuid import UUID

import httpx
from slack_sdk.errors import SlackApiError

from bridge.clients import Clients
from bridge.proxy_api import ProxyError, Workspace

log = logging.getLogger(__name__)

LIFECYCLE_EVENTS: Final = frozenset({"app_uninstalled", "tokens_revoked"})
TOKEN_GONE: Final = frozenset({"invalid_auth", "account_inactive", "token_revoked"})

# connection id -> when this process last reported a working call
_reported: dict[UUID, float] = {}


def is_lifecycle_event(event: dict[str, Any]) -> bool:
    return event.get("type") in LIFECYCLE_EVENTS


async def handle_lifecycle_event(
    clients: Clients, workspace: Workspace, event: dict[str, Any]
) -> str:
    if event.get("type") == "tokens_revoked":
        tokens = event.get("tokens")
        bots = tokens.get("bot") if isinstance(tokens, dict) else None
        # Revoked user tokens (people who signed in with Slack) leave the bot's alone.
        if not isinstance(bots, list) or workspace.bot_user_id not in bots:
            return "ignored"
    await _disable(clients, workspace, str(event["type"]))
    return "disabled"


async def slack_refused(clients: Clients, workspace: Workspace, error: SlackApiError) -> bool:
    """True if Slack refused the token for good (the connection is then disabled)."""
    code = str(error.response.get("error") or "")
    if code in TOKEN_GONE:
        await _disable(clients, workspace, code)
        return True
    with contextlib.suppress(ProxyError, httpx.HTTPError):
        await clients.proxy_api.report_health(workspace, code or "slack_error")
    return False


async def slack_worked(clients: Clients, workspace: Workspace) -> None:
    now = time.monotonic()
    last = _reported.get(workspace.connection_id)
    if last is not None and now - last < clients.settings.bridge_health_report_seconds:
        return
    _reported[workspace.connection_id] = now
    try:
        await clients.proxy_api.report_health(workspace, None)
    except (ProxyError, httpx.HTTPError) as failure:
        log.info("connection health not reported (%s)", type(failure).__name__)


async def _disable(clients: Clients, workspace: Workspace, reason: str) -> None:
    clients.forget_token(workspace.bot_token)
    clients.workspaces.forget_tenant(workspace.tenant_id)
    disabled = await clients.proxy_api.disable(workspace, reason)
    log.warning(
        "Slack connection %s of tenant %s: %s (%s)",
        workspace.connection_id,
        workspace.tenant_id,
        reason,
        "disabled" if disabled else "already disabled or reinstalled",
    )
