"""'Add to Slack' through bolt's OAuth flow, with its stores backed by the proxy.

The portal asks the proxy for an install link: `/slack/install?state=…`, a one-time state
the proxy bound to the tenant (10 minutes). Bolt's flow then runs as bolt runs it: the
install path redirects to Slack's consent screen with that state and sets bolt's state
cookie in the browser; the redirect path checks the cookie and the state, trades the code
(`oauth.v2.access`, then `auth.test`), and saves the installation. Two differences from
bolt's defaults, both forced by the tenant binding:

- the state is the portal's, not a new one (`issue_new_state`), and `ProxyStateStore`
  only checks it is still waiting: the proxy uses it up when it stores the installation,
  in the same step that names the tenant, so a state is never spent without an install;
- `ProxyInstallationStore.async_save` sends that state with the installation. An org-wide
  Enterprise Grid install (`team: null`) is stored under its enterprise id.
"""

import html
import logging
import re
from typing import Any, Final

from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bridge.clients import Clients
from bridge.proxy_api import ProxyAPI
from bridge.settings import Settings

log = logging.getLogger(__name__)

# Keep in step with slack-app-manifest.yaml.
BOT_SCOPES: Final = (
    "app_mentions:read",
    "chat:write",
    "im:history",
    "im:read",
    "channels:history",
    "channels:read",
    "groups:history",
    "groups:read",
    "mpim:history",
    "assistant:write",
    "users:read",
)
INSTALL_PATH: Final = "/slack/install"
REDIRECT_PATH: Final = "/slack/oauth_redirect"
_STATE_PARAMETER: Final = "konstruct_state"
# The proxy issues states with secrets.token_urlsafe; its endpoints accept this shape.
_STATE = re.compile(r"[\w-]{8,64}")


def redirect_uri(settings: Settings) -> str:
    return f"{settings.konstruct_bridge_url.rstrip('/')}{REDIRECT_PATH}"


def _page(status: int, title: str, message: str) -> BoltResponse:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )
    return BoltResponse(
        status=status, body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )


def not_configured() -> BoltResponse:
    return _page(
        404,
        "Slack installs are not set up here",
        "This Konstruct has no Slack app configured (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET).",
    )


def _expired() -> BoltResponse:
    return _page(
        400,
        "This install link has expired",
        "Install links work once and for ten minutes, in the browser that opened them. "
        "Open the Konstruct portal and click 'Add to Slack' again.",
    )


def _state_of(request: AsyncBoltRequest) -> str | None:
    values = request.query.get("state") or []
    state = values[0] if values else None
    return state if isinstance(state, str) and _STATE.fullmatch(state) else None


class InstallRefused(BoltError):
    """The proxy did not store the installation; `status` is what the installer sees."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ProxyStateStore(AsyncOAuthStateStore):
    """States are the portal's install links, issued (and used up) by the proxy."""

    def __init__(self, api: ProxyAPI) -> None:
        self._api = api

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        del args, kwargs
        raise BoltError("install states come from the portal's install link")

    async def async_consume(self, state: str) -> bool:
        return bool(_STATE.fullmatch(state or "")) and await self._api.oauth_state_waiting(state)


class ProxyInstallationStore(AsyncInstallationStore):
    def __init__(self, api: ProxyAPI) -> None:
        self._api = api

    async def async_save(self, installation: Installation) -> None:
        org_wide = bool(installation.is_enterprise_install)
        workspace_id = installation.enterprise_id if org_wide else installation.team_id
        if not workspace_id or not installation.bot_token or not installation.bot_user_id:
            raise InstallRefused(400, "Slack named no workspace and bot for this install.")
        stored = await self._api.install(
            state=str(installation.custom_values.get(_STATE_PARAMETER) or ""),
            workspace_id=workspace_id,
            workspace_name=str(
                (installation.enterprise_name if org_wide else installation.team_name) or ""
            ),
            bot_token=installation.bot_token,
            bot_user_id=installation.bot_user_id,
            enterprise_id=installation.enterprise_id,
            is_enterprise_install=org_wide,
        )
        if stored.status_code == 404:
            raise InstallRefused(400, "expired")
        if stored.status_code == 409:
            raise InstallRefused(
                409, "This Slack workspace is already connected to another Konstruct account."
            )
        if not stored.is_success:
            log.warning("storing the installation failed with %s", stored.status_code)
            raise InstallRefused(502, "Something went wrong; please try again.")


class KonstructOAuthFlow(AsyncOAuthFlow):
    async def handle_installation(self, request: AsyncBoltRequest) -> BoltResponse:
        state = _state_of(request)
        if state is None or not await self.settings.state_store.async_consume(state):
            return _expired()
        return await super().handle_installation(request)

    async def issue_new_state(self, request: AsyncBoltRequest) -> str:
        # Checked by handle_installation just before.
        return str(_state_of(request))

    async def store_installation(
        self, request: AsyncBoltRequest, installation: Installation
    ) -> None:
        installation.set_custom_value(_STATE_PARAMETER, _state_of(request))
        await super().store_installation(request, installation)


async def _success(args: AsyncSuccessArgs) -> BoltResponse:
    installation = args.installation
    name = installation.enterprise_name if installation.is_enterprise_install else None
    name = name or installation.team_name or "your workspace"
    return _page(200, "Slack is connected", f"Konstruct is now in {name}. You can close this tab.")


async def _failure(args: AsyncFailureArgs) -> BoltResponse:
    if isinstance(args.error, InstallRefused):
        if args.error.message == "expired":
            return _expired()
        return _page(args.error.status, "Slack was not connected", args.error.message)
    if args.reason in ("invalid_state", "invalid_browser"):
        return _expired()
    if args.reason == "invalid_code":
        return _page(
            400, "Slack was not connected", "Slack did not accept the install; please try again."
        )
    if args.reason == "access_denied":
        return _page(400, "Slack was not connected", "The install was cancelled in Slack.")
    log.warning("Slack install failed: %s", args.reason)
    return _page(400, "Slack was not connected", "The install did not finish; please try again.")


def oauth_flow(clients: Clients) -> KonstructOAuthFlow | None:
    """Bolt's OAuth flow, or None where no Slack app is configured (no client id/secret)."""
    settings = clients.settings
    if not settings.slack_client_id or not settings.slack_client_secret.get_secret_value():
        return None
    return KonstructOAuthFlow(
        client=AsyncWebClient(base_url=settings.slack_api_url),
        logger=log,
        settings=AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=list(BOT_SCOPES),
            redirect_uri=redirect_uri(settings),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            install_page_rendering_enabled=False,
            authorization_url=settings.slack_authorize_url,
            installation_store=ProxyInstallationStore(clients.proxy_api),
            state_store=ProxyStateStore(clients.proxy_api),
            callback_options=AsyncCallbackOptions(success=_success, failure=_failure),
            logger=log,
        ),
    )
