"""KonstructMessage: the normalized inbound message every channel produces, and Slack's adapter."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict

from policies.threads import reply_thread_ts


class ChannelType(StrEnum):
    SLACK = "slack"


class Sender(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    display_name: str | None = None
    is_bot: bool = False


class Attachment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    mime_type: str | None = None
    size_bytes: int | None = None
    url: str | None = None


class KonstructMessage(BaseModel):
    """One inbound message, independent of the channel it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: UUID
    channel_type: ChannelType
    workspace_id: str
    channel_id: str
    thread_id: str
    message_id: str
    sender: Sender
    # The bot's own mention is already stripped: the agent sees what the person asked.
    text: str
    mentions: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # Naive datetimes are rejected: a message's time is compared across hosts and tenants.
    timestamp: AwareDatetime
    source_event_id: str
    is_direct: bool = False


_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def strip_mention(text: str, bot_user_id: str) -> str:
    """Remove every `<@BOT>` / `<@BOT|name>` from `text`, leaving no stray whitespace behind."""
    pattern = re.compile(rf"[ \t]*<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[ \t]*")

    def replace(match: re.Match[str]) -> str:
        before = match.string[: match.start()]
        after = match.string[match.end() :]
        # Between two words the mention becomes one space; at a line's edge it disappears,
        # so "<@BOT> hi" is "hi" and multi-line messages keep their line structure.
        at_edge = not before or before.endswith("\n") or not after or after.startswith("\n")
        return "" if at_edge else " "

    return pattern.sub(replace, text).strip()


def extract_mentions(text: str) -> tuple[str, ...]:
    """User ids mentioned as `<@U…>` in `text`, in order of first appearance, without repeats."""
    return tuple(dict.fromkeys(_MENTION.findall(text)))


def _required_str(event: Mapping[str, Any], field: str) -> str:
    value = event.get(field)
    if not isinstance(value, str) or not value:
        raise ValueError(f"Slack event is missing required field {field!r}")
    return value


def _slack_sender(event: Mapping[str, Any]) -> Sender:
    user = event.get("user")
    bot_id = event.get("bot_id")
    if not user and not bot_id:
        raise ValueError("Slack event has neither 'user' nor 'bot_id': no sender")
    profile = event.get("user_profile") or {}
    display_name = profile.get("display_name") or profile.get("real_name") or event.get("username")
    return Sender(id=str(user or bot_id), display_name=display_name or None, is_bot=bool(bot_id))


def _slack_attachment(file: Mapping[str, Any]) -> Attachment:
    file_id = _required_str(file, "id")
    return Attachment(
        id=file_id,
        # Slack omits the name of files the app may not see in full; the id still identifies it.
        name=file.get("name") or file.get("title") or file_id,
        mime_type=file.get("mimetype"),
        size_bytes=file.get("size"),
        url=file.get("url_private"),
    )


def from_slack_event(
    event: Mapping[str, Any],
    *,
    tenant_id: UUID,
    team_id: str,
    event_id: str,
    bot_user_id: str,
) -> KonstructMessage:
    """Normalize a Slack `app_mention` or `message` event; ValueError if it lacks what we need."""
    channel_id = _required_str(event, "channel")
    ts = _required_str(event, "ts")
    try:
        timestamp = datetime.fromtimestamp(float(ts), tz=UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"Slack event has a malformed 'ts': {ts!r}") from exc
    raw_text = event.get("text") or ""
    return KonstructMessage(
        tenant_id=tenant_id,
        channel_type=ChannelType.SLACK,
        workspace_id=team_id,
        channel_id=channel_id,
        thread_id=reply_thread_ts(event),
        message_id=ts,
        sender=_slack_sender(event),
        text=strip_mention(raw_text, bot_user_id),
        mentions=tuple(user for user in extract_mentions(raw_text) if user != bot_user_id),
        attachments=tuple(_slack_attachment(file) for file in event.get("files") or ()),
        timestamp=timestamp,
        source_event_id=event_id,
        is_direct=event.get("channel_type") == "im",
    )
