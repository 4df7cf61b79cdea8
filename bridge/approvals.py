"""Approvals in Slack: the Approve / Deny buttons under an agent's "ask first" tool call, and
what a click on them does (the interactivity endpoint queues every action whose id starts
with `approval:`; bridge/actions.py hands it to `handle_action`).

The proxy decides who may decide (the person who asked, or one of the agent's approvers),
records the decision in the audit log and runs the tool once; here the question is posted
once per approval (a re-run of the turn does not post it again), the decision replaces the
buttons, and a person who may not decide is told so, privately.
"""

import contextlib
import json
import logging
from typing import Any, Final, Protocol
from uuid import UUID

from redis.asyncio import Redis
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bridge.proxy_api import ProxyAPI, Workspace
from bridge.streaming import Place
from policies.approvals import APPROVE, APPROVE_ACTION, DENY, DENY_ACTION
from policies.redis_keys import approval_prompt_key

log = logging.getLogger(__name__)

# Longer than any approval waits (the proxy's KONSTRUCT_APPROVAL_TIMEOUT_SECONDS).
PROMPT_RECORD_SECONDS: Final = 86_400
ARGUMENTS_SHOWN: Final = 500
NOT_YOURS_TEXT: Final = (
    "Only the person who asked, or an approver set for this agent, can decide on this."
)
_POSTING: Final = "posting"
_OUTCOMES: Final = {
    "approved": ":white_check_mark: Approved by {who}",
    "running": ":white_check_mark: Approved by {who}",
    "done": ":white_check_mark: Approved by {who}",
    "denied": ":no_entry_sign: Declined by {who}",
    "expired": ":hourglass: Nobody approved this in time",
}


class Clients(Protocol):
    """What handling a click needs of the worker's long-lived clients."""

    proxy_api: ProxyAPI

    def slack(self, token: str) -> AsyncWebClient: ...


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _call_text(event: dict[str, Any]) -> str:
    arguments = json.dumps(event.get("arguments") or {}, ensure_ascii=False)
    if len(arguments) > ARGUMENTS_SHOWN:
        arguments = arguments[:ARGUMENTS_SHOWN] + "…"
    status = str(event.get("status_text") or event.get("name") or "a tool")
    return f"*{_escaped(status)}*\n`{_escaped(str(event.get('name')))}` {_escaped(arguments)}"


def question_blocks(event: dict[str, Any], *, agent_name: str) -> list[dict[str, Any]]:
    """The approval question: what the agent wants to do, and the two buttons."""
    approval_id = str(event["approval_id"])
    asker = str(event.get("requested_by") or "")
    who = f"<@{asker}>" if asker else "the person who asked"
    if event.get("approver_ids"):
        who += " or an approver"
    return [
        {
            "type": "section",
            "block_id": f"approval_question_{approval_id}",
            "text": {
                "type": "mrkdwn",
                "text": f"{_escaped(agent_name)} needs an approval to go ahead:\n"
                f"{_call_text(event)}\n_{who} can decide._",
            },
        },
        {
            "type": "actions",
            "block_id": f"approval_{approval_id}",
            "elements": [
                {
                    "type": "button",
                    "action_id": APPROVE_ACTION,
                    "text": {"type": "plain_text", "text": "Approve"},
                    "style": "primary",
                    "value": approval_id,
                },
                {
                    "type": "button",
                    "action_id": DENY_ACTION,
                    "text": {"type": "plain_text", "text": "Deny"},
                    "style": "danger",
                    "value": approval_id,
                },
            ],
        },
    ]


def outcome_text(status: str, decided_by: str | None, status_text: str) -> str:
    who = f"<@{decided_by}>" if decided_by else "someone"
    line = _OUTCOMES.get(status, "Decided").format(who=who)
    return f"{line}: {_escaped(status_text)}" if status_text else line


async def ask(
    place: Place, redis: Redis, tenant_id: UUID, event: dict[str, Any], *, agent_name: str
) -> None:
    """Post the approval question in the thread, once per approval."""
    key = approval_prompt_key(tenant_id, str(event["approval_id"]))
    if not await redis.set(key, _POSTING, nx=True, ex=PROMPT_RECORD_SECONDS):
        return
    posted = await place.slack.chat_postMessage(
        channel=place.channel,
        thread_ts=place.thread_ts,
        text=f"{agent_name} needs an approval to go ahead: {event.get('status_text') or ''}",
        blocks=question_blocks(event, agent_name=agent_name),
    )
    await redis.set(key, str(posted["ts"]), ex=PROMPT_RECORD_SECONDS)


async def _show_outcome(
    slack: AsyncWebClient, channel: str, ts: str, status: str, who: str | None, what: str
) -> None:
    text = outcome_text(status, who, what)
    with contextlib.suppress(SlackApiError):
        await slack.chat_update(
            channel=channel,
            ts=ts,
            text=text,
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        )


async def resolved(place: Place, redis: Redis, tenant_id: UUID, event: dict[str, Any]) -> None:
    """The question's buttons give way to the decision (or to its expiry)."""
    ts = await redis.get(approval_prompt_key(tenant_id, str(event["approval_id"])))
    if ts and ts != _POSTING:
        status = str(event.get("status") or "")
        who = event.get("decided_by")
        await _show_outcome(place.slack, place.channel, str(ts), status, who, "")


async def handle_action(clients: Clients, workspace: Workspace, action: dict[str, str]) -> str:
    """A click on Approve or Deny: the decision goes to the proxy (a retried click changes
    nothing there), and the question shows it."""
    decision = {APPROVE_ACTION: APPROVE, DENY_ACTION: DENY}.get(action.get("action_id", ""))
    user, channel = action.get("user_id", ""), action.get("channel_id", "")
    try:
        approval_id = UUID(action.get("value", ""))
    except ValueError:
        return "malformed"
    if decision is None or not user or not channel:
        return "malformed"
    status, body = await clients.proxy_api.decide_approval(
        workspace.tenant_id, approval_id, decision=decision, user_id=user
    )
    slack = clients.slack(workspace.bot_token)
    if status == 403:
        with contextlib.suppress(SlackApiError):
            await slack.chat_postEphemeral(
                channel=channel, user=user, text=NOT_YOURS_TEXT, thread_ts=action.get("thread_ts")
            )
        return "not_allowed"
    if status != 200:
        log.warning("the proxy answered %s to an approval decision", status)
        return "unknown_approval" if status == 404 else "failed"
    message_ts = action.get("message_ts")
    if message_ts:
        await _show_outcome(
            slack,
            channel,
            message_ts,
            str(body.get("status")),
            body.get("decided_by"),
            str(body.get("status_text") or ""),
        )
    return f"approval_{body.get('status')}"
