"""'Add to Slack': send the installer to Slack, then store the bot token for their tenant."""

import html
import logging
import re
from typing import Final
from urllib.parse import urlencode

from redis.asyncio import Redis
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bridge.proxy_api import ProxyAPI
from bridge.settings import Settings
from policies.redis_keys import oauth_state_key

log = logging.getLogger(__name__)

# Keep in step with slack-app-manifest.yaml.
BOT_SCOPES: Final = (
    "app_mentions:read",
    "chat:write",
    "im:history",
    "im:read",
    "channels:history",
    "groups:history",
    "assistant:write",
    "users:read",
)
REDIRECT_PATH: Final = "/slack/oauth_redirect"
# The proxy issues states with secrets.token_urlsafe; its consume endpoint accepts this shape.
_STATE = re.compile(r"[\w-]{8,64}")


def _page(status: int, title: str, message: str) -> HTMLResponse:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )
    return HTMLResponse(body, status_code=status)


def _expired() -> HTMLResponse:
    return _page(
        400,
        "This install link has expired",
        "Install links work once and for ten minutes. "
        "Open the Konstruct portal and click 'Add to Slack' again.",
    )


def redirect_uri(settings: Settings) -> str:
    return f"{settings.konstruct_bridge_url.rstrip('/')}{REDIRECT_PATH}"


def authorize_url(settings: Settings, state: str) -> str:
    query = urlencode(
        {
            "client_id": settings.slack_client_id,
            "scope": ",".join(BOT_SCOPES),
            "state": state,
            "redirect_uri": redirect_uri(settings),
        }
    )
    return f"{settings.slack_authorize_url}?{query}"


async def start_install(settings: Settings, redis: Redis, state: str | None) -> Response:
    """Redirect to Slack's consent screen, if the portal's state is still waiting to be used."""
    if not state or not _STATE.fullmatch(state) or not await redis.exists(oauth_state_key(state)):
        return _expired()
    return RedirectResponse(authorize_url(settings, state), status_code=302)


async def finish_install(
    settings: Settings,
    proxy_api: ProxyAPI,
    *,
    code: str | None,
    state: str | None,
    error: str | None,
) -> Response:
    """Slack sent the installer back: trade the code for a bot token and store it."""
    if error:
        return _page(400, "Slack was not connected", "The install was cancelled in Slack.")
    if not state or not _STATE.fullmatch(state) or not code or len(code) > 256:
        return _expired()
    tenant_id = await proxy_api.consume_oauth_state(state)
    if tenant_id is None:
        return _expired()
    client = AsyncWebClient(base_url=settings.slack_api_url)
    try:
        answer = await client.oauth_v2_access(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            code=code,
            redirect_uri=redirect_uri(settings),
        )
    except SlackApiError as exc:
        log.warning("oauth.v2.access failed: %s", exc.response.get("error"))
        return _page(
            400, "Slack was not connected", "Slack did not accept the install; please try again."
        )
    team = answer.get("team") or {}
    if answer.get("is_enterprise_install") or not team.get("id"):
        # An org-wide Enterprise Grid install names no workspace (`team` is null), and a
        # tenant is connected to workspaces: storing one would map events to no one.
        return _page(
            400,
            "Slack was not connected",
            "Konstruct is added to one workspace at a time. Install it to a workspace of "
            "your organization rather than to the whole organization.",
        )
    stored = await proxy_api.install(
        tenant_id=tenant_id,
        workspace_id=str(team.get("id") or ""),
        workspace_name=str(team.get("name") or ""),
        bot_token=str(answer.get("access_token") or ""),
        bot_user_id=str(answer.get("bot_user_id") or ""),
    )
    if stored.status_code == 409:
        return _page(
            409,
            "Slack was not connected",
            "This Slack workspace is already connected to another Konstruct account.",
        )
    if not stored.is_success:
        log.warning("storing the installation failed with %s", stored.status_code)
        return _page(502, "Slack was not connected", "Something went wrong; please try again.")
    return _page(
        200,
        "Slack is connected",
        f"Konstruct is now in {team.get('name') or 'your workspace'}. You can close this tab.",
    )
