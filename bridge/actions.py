"""The worker's job for one Block Kit action, dispatched by its action_id's prefix:
`feedback:` records a 👍/👎 on an answer (the control under each answer, built here),
`approval:` goes to the agent runtime's approvals (bridge/approvals.py)."""

import contextlib
import logging
from typing import Any, Final
from uuid import UUID

from slack_sdk.errors import SlackApiError

from bridge import approvals, warm
from bridge.clients import Clients
from bridge.settings import get_settings
from policies.approvals import ACTION_PREFIX as APPROVAL_ACTIONS

log = logging.getLogger(__name__)

FEEDBACK_PREFIX: Final = "feedback:"
APPROVAL_PREFIX: Final = APPROVAL_ACTIONS
ACTION_PREFIXES: Final = (FEEDBACK_PREFIX, APPROVAL_PREFIX)
FEEDBACK_UP: Final = f"{FEEDBACK_PREFIX}up"
FEEDBACK_DOWN: Final = f"{FEEDBACK_PREFIX}down"
_RATINGS: Final = {FEEDBACK_UP: 1, FEEDBACK_DOWN: -1}
THANKS_TEXT: Final = "Thanks for the feedback."


def feedback_block(agent_id: UUID) -> dict[str, Any]:
    """The 👍/👎 control under an answer; the buttons carry the agent that answered."""
    return {
        "type": "actions",
        "block_id": "konstruct_feedback",
        "elements": [
            {
                "type": "button",
                "action_id": action_id,
                "text": {"type": "plain_text", "text": emoji, "emoji": True},
                "value": str(agent_id),
                "accessibility_label": label,
            }
            for action_id, emoji, label in (
                (FEEDBACK_UP, "👍", "Good answer"),
                (FEEDBACK_DOWN, "👎", "Bad answer"),
            )
        ],
    }


def handle_action(*, team_id: str, enterprise_id: str | None, action: dict[str, str]) -> str:
    """RQ entry point for an action accepted by the web process."""
    return warm.run(
        lambda clients: _handle(clients, team_id, enterprise_id, action),
        get_settings().bridge_job_timeout_seconds,
    )


async def _handle(
    clients: Clients, team_id: str, enterprise_id: str | None, action: dict[str, str]
) -> str:
    workspace = await clients.workspaces.get(team_id, enterprise_id)
    if workspace is None or not workspace.active:
        return "no_workspace"
    action_id = action.get("action_id", "")
    if action_id.startswith(APPROVAL_PREFIX):
        return await approvals.handle_action(clients, workspace, action)
    rating = _RATINGS.get(action_id)
    if rating is None:
        return "unknown_action"
    try:
        agent_id = UUID(action.get("value", ""))
    except ValueError:
        return "malformed"
    channel, message_ts, user = (action.get(k) for k in ("channel_id", "message_ts", "user_id"))
    if not channel or not message_ts or not user:
        return "malformed"
    if agent_id not in {agent.id for agent in workspace.agents}:
        return "unknown_agent"
    await clients.proxy_api.record_feedback(
        workspace.tenant_id,
        agent_id=agent_id,
        channel_id=channel,
        message_ts=message_ts,
        user_id=user,
        rating=rating,
    )
    # Only the person who clicked sees the thanks.
    with contextlib.suppress(SlackApiError):
        await clients.slack(workspace.bot_token).chat_postEphemeral(
            channel=channel, user=user, text=THANKS_TEXT, thread_ts=action.get("thread_ts")
        )
    return "feedback"
