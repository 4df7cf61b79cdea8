"""One Slack message answered by the proxy's agent runtime, rendered into its thread.

The bridge makes one streaming call per message (`POST /internal/tenants/{id}/agent-turns`,
bridge key only: the bridge never holds a tenant's key) and turns the runtime's events
into Slack: the answer's text as progress on the reply (its first words as soon as they
can be shown, then at most once per `BRIDGE_STREAM_UPDATE_SECONDS`), a status line while a
tool runs ("Looking up the order…"), Approve / Deny buttons when a call must be approved
first (bridge/approvals.py), and the final text, or what the agent says instead when no
answer came (budget used up, busy, an apology). The runtime stores the thread's messages
and runs a turn once per Slack event: a re-run of this job after the answer was stored gets
the stored answer back, not a new one.
"""

import contextlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import aiohttp
import httpx
from redis.asyncio import Redis
from slack_sdk.errors import SlackApiError

from bridge import approvals
from bridge.proxy_api import ProxyAPI, ProxyError
from bridge.settings import Settings
from bridge.streaming import MODE_PLACEHOLDER, Answer, Place, ThreadReply
from policies.messages import KonstructMessage
from policies.mrkdwn import APOLOGY_TEXT
from policies.turns import error_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnRequest:
    """The message, and whose agent answers it."""

    tenant_id: UUID
    agent_id: UUID
    agent_name: str
    message: KonstructMessage
    event_id: str
    bot_user_id: str


def _body(turn: TurnRequest) -> dict[str, Any]:
    message = turn.message
    return {
        "agent_id": str(turn.agent_id),
        "channel_type": "slack",
        "channel_id": message.channel_id,
        "thread_id": message.thread_id,
        "text": message.text,
        "sender_id": message.sender.id[:64],
        "source_event_id": turn.event_id,
        "bot_user_id": turn.bot_user_id[:64],
    }


async def _show_status(place: Place, reply: ThreadReply, status: str, *, has_text: bool) -> None:
    """What the agent is doing, in the thread's status line (assistant threads show one);
    a placeholder that shows no answer yet says it too."""
    with contextlib.suppress(SlackApiError, aiohttp.ClientError, TimeoutError):
        await place.slack.assistant_threads_setStatus(
            channel_id=place.channel, thread_ts=place.thread_ts, status=status
        )
    if reply.mode == MODE_PLACEHOLDER and not has_text:
        await place.update(reply.ts, f"_{status}_")


async def answer_in_slack(
    api: ProxyAPI, settings: Settings, redis: Redis, reply: ThreadReply, turn: TurnRequest
) -> Answer:
    """Run the turn, showing it in `reply` as it goes; the answer to finish the reply with."""
    place = reply.place
    text = ""
    # When the reply last showed more of the answer: never yet, so the first words show at
    # once, and later ones at most once per BRIDGE_STREAM_UPDATE_SECONDS.
    last_update: float | None = None
    try:
        async for line in api.agent_turn(
            turn.tenant_id, _body(turn), read_timeout=settings.bridge_model_timeout_seconds
        ):
            event = json.loads(line)
            kind = event.get("type")
            if kind == "text":
                text += str(event.get("delta") or "")
                # Slack's chat.update allows about one edit a second per message.
                pause = settings.bridge_stream_update_seconds
                due = last_update is None or time.monotonic() - last_update >= pause
                if due and await reply.progress(text):
                    last_update = time.monotonic()
            elif kind == "tool_started":
                status = str(event.get("status_text") or f"Using {event.get('name')}…")
                await _show_status(place, reply, status, has_text=bool(text.strip()))
            elif kind == "approval_needed":
                await approvals.ask(place, redis, turn.tenant_id, event, agent_name=turn.agent_name)
            elif kind == "approval_resolved":
                await approvals.resolved(place, redis, turn.tenant_id, event)
            elif kind == "done":
                shown = str(event.get("text") or "") or error_text(str(event.get("error")))
                return Answer(shown, from_model=bool(event.get("from_model")))
    except (ProxyError, httpx.HTTPError, json.JSONDecodeError) as error:
        # The reply must not stay "Thinking..." forever: one final message, always.
        log.warning("the agent turn failed: %s", type(error).__name__)
    return Answer(APOLOGY_TEXT, from_model=False)
