"""The Slack Web API calls the proxy makes: `auth.test`, to check a bot token typed in by
hand really is the named workspace's bot before it is stored, and `conversations.list`, so
the portal can offer channels by name."""

from typing import Any, Final

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from proxy.core.errors import Invalid, TooManyRequests, Unavailable

# conversations.list pages (Slack recommends no more than 200 per page); the cap keeps one
# portal request bounded on a huge workspace, which then shows the first CHANNEL_CAP.
CHANNEL_PAGE: Final = 200
CHANNEL_PAGES: Final = 10
_REFUSED_TOKEN: Final = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)


async def verify_bot_token(
    api_url: str, token: str, *, workspace_id: str, bot_user_id: str
) -> None:
    """Raise Invalid unless Slack says `token` is `bot_user_id`'s in `workspace_id` (for an
    org-wide install, `workspace_id` is the enterprise id)."""
    client = AsyncWebClient(token=token, base_url=api_url, timeout=10)
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        refusal = str(error.response.get("error") or "unknown_error")
        raise Invalid(
            f"Slack refused this bot token ({refusal}); copy it again from the app's "
            "OAuth & Permissions page."
        ) from error
    except (aiohttp.ClientError, TimeoutError) as error:
        raise Unavailable(
            "Slack could not be reached to check the bot token; try again."
        ) from error
    team_id = str(answer.get("team_id") or "")
    enterprise_id = str(answer.get("enterprise_id") or "")
    if workspace_id not in {team_id, enterprise_id} - {""}:
        raise Invalid(
            f"This bot token belongs to Slack workspace {team_id or enterprise_id}, "
            f"not {workspace_id}."
        )
    if str(answer.get("user_id") or "") != bot_user_id:
        raise Invalid(f"This bot token is bot user {answer.get('user_id')}'s, not {bot_user_id}'s.")


async def list_channels(api_url: str, token: str) -> tuple[list[dict[str, Any]], bool]:
    """The workspace's public and private channels the bot can list (not archived), and
    whether there were more than the cap. Slack's refusals become our errors, in words."""
    client = AsyncWebClient(token=token, base_url=api_url, timeout=10)
    channels: list[dict[str, Any]] = []
    cursor = ""
    try:
        for _ in range(CHANNEL_PAGES):
            answer = await client.conversations_list(
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=CHANNEL_PAGE,
                cursor=cursor or None,
            )
            channels.extend(answer.get("channels") or [])
            cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return channels, False
    except SlackApiError as error:
        raise _channels_error(error) from error
    except (aiohttp.ClientError, TimeoutError) as error:
        raise Unavailable("Slack could not be reached to list the channels; try again.") from error
    return channels, True


def _channels_error(error: SlackApiError) -> Exception:
    refusal = str(error.response.get("error") or "unknown_error")
    if error.response.status_code == 429 or refusal == "ratelimited":
        retry = str(error.response.headers.get("Retry-After") or "")
        wait = retry if retry.isdigit() else "a few"
        return TooManyRequests(
            f"Slack is rate limiting the channel list; try again in {wait} seconds.",
            headers={"Retry-After": retry} if retry.isdigit() else None,
        )
    if refusal in _REFUSED_TOKEN:
        return Invalid(
            f"Slack refused this workspace's bot token ({refusal}); reconnect the workspace "
            "or paste a new bot token."
        )
    if refusal == "missing_scope":
        return Invalid(
            "The Slack app may not list channels (missing_scope: channels:read, groups:read); "
            "add those scopes from the manifest and reinstall the app, or paste channel links."
        )
    return Unavailable(f"Slack could not list the channels ({refusal}); try again.")
