"""What wakes the agent in Slack (CHAN-02): mentions, DMs and follow-ups in threads it is in."""

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final

# How long a thread stays engaged after the agent last spoke in it.
ENGAGEMENT_TTL_SECONDS: Final = 1800

# A file share and a reply also sent to the channel are still a person talking to us;
# every other subtype (bot_message, message_changed, message_deleted, channel_join, ...) is not.
_ANSWERED_SUBTYPES: Final = frozenset({"file_share", "thread_broadcast"})


class Wake(StrEnum):
    MENTION = "mention"
    DIRECT = "direct"
    ENGAGED_THREAD = "engaged_thread"
    IGNORE = "ignore"


def _mentions_bot(text: str, bot_user_id: str) -> bool:
    return re.search(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", text) is not None


def decide_wake(
    event: Mapping[str, Any],
    *,
    bot_user_id: str,
    thread_engaged: bool,
    thread_escalated: bool,
) -> Wake:
    """Decide whether a Slack event should get an answer from the agent, and why."""
    subtype = event.get("subtype")
    if event.get("bot_id") or (subtype is not None and subtype not in _ANSWERED_SUBTYPES):
        return Wake.IGNORE
    user = event.get("user")
    text = event.get("text") or ""
    if not user or user == bot_user_id or (not text.strip() and not event.get("files")):
        return Wake.IGNORE

    event_type = event.get("type")
    if event_type == "app_mention":
        # A mention wakes the agent even in an escalated thread: that is how people call it back.
        return Wake.MENTION
    if event_type != "message":
        return Wake.IGNORE
    mentioned = _mentions_bot(text, bot_user_id)
    if event.get("channel_type") == "im":
        # Slack sends no app_mention in DMs, so there a mention in the text is the call back.
        return Wake.IGNORE if thread_escalated and not mentioned else Wake.DIRECT
    if mentioned:
        # Slack also delivers this message as app_mention, which is the one that gets answered.
        return Wake.IGNORE
    if event.get("channel_type") == "mpim":
        # A group DM is a conversation with the agent, like a DM; its mentions come as
        # app_mention (above), so only the rest are answered here.
        return Wake.IGNORE if thread_escalated else Wake.DIRECT
    if event.get("thread_ts") and thread_engaged and not thread_escalated:
        return Wake.ENGAGED_THREAD
    return Wake.IGNORE


def reply_thread_ts(event: Mapping[str, Any]) -> str:
    """The thread to answer in: the event's thread, or a new thread under the message itself."""
    thread_ts = event.get("thread_ts") or event.get("ts")
    if not isinstance(thread_ts, str) or not thread_ts:
        raise ValueError("Slack event has neither 'thread_ts' nor 'ts'")
    return thread_ts
