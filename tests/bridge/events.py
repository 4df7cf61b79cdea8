"""Slack events as a workspace would send them, with the user's message seeded in the fake."""

from typing import Any

from tests.bridge.conftest import Connected
from tests.fakes.slack import SlackFake


def mention(
    slack: SlackFake, conn: Connected, channel: str, text: str = "hello", **extra: Any
) -> dict[str, Any]:
    """`app_mention`: someone wrote `<@bot> text` in a channel (in a thread with thread_ts)."""
    full = f"<@{conn.bot_user_id}> {text}"
    ts = slack.add_message(
        channel,
        full,
        user=extra.get("user", "U0USER"),
        thread_ts=extra.get("thread_ts"),
        team_id=conn.team_id,
    )
    return {
        "type": "app_mention",
        "user": "U0USER",
        "text": full,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": conn.team_id,
        **extra,
    }


def message(
    slack: SlackFake,
    conn: Connected,
    channel: str,
    text: str,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    """`message.channels` / `message.im`: a plain message, maybe in a thread (thread_ts)."""
    ts = slack.add_message(
        channel,
        text,
        user=extra.get("user", "U0USER"),
        thread_ts=extra.get("thread_ts"),
        team_id=conn.team_id,
    )
    return {
        "type": "message",
        "user": "U0USER",
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
        "team": conn.team_id,
        **extra,
    }
