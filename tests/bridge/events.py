"""Slack events as a workspace would send them, with the user's message seeded in the fake
(and the app installed in that workspace there: the fake knows only tokens Slack issued)."""

from typing import Any

from tests.bridge.conftest import Connected
from tests.fakes.slack import SlackFake


def installed(slack: SlackFake, conn: Connected) -> None:
    """Slack issued the connection's bot token for its workspace."""
    slack.install_workspace(conn.team_id, conn.bot_token, conn.bot_user_id)


def mention(
    slack: SlackFake, conn: Connected, channel: str, text: str = "hello", **extra: Any
) -> dict[str, Any]:
    """`app_mention`: someone wrote `<@bot> text` in a channel (in a thread with thread_ts)."""
    full = f"<@{conn.bot_user_id}> {text}"
    installed(slack, conn)
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
    installed(slack, conn)
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


def slack_connect_mention(
    slack: SlackFake, conn: Connected, channel: str, partner_team: str, text: str = "hello"
) -> dict[str, Any]:
    """`app_mention` in a Slack Connect channel shared with `partner_team`, by one of the
    partner's people: the event's `team`/`user_team` are the partner's, only
    `authorizations` names the workspace that installed the app (deliver it with
    `Bridge.deliver(partner_team, event, installed_team=conn.team_id)`)."""
    installed(slack, conn)
    slack.share_channel(channel, conn.team_id, partner_team)
    full = f"<@{conn.bot_user_id}> {text}"
    ts = slack.add_message(channel, full, user="U0PARTNER", team_id=partner_team)
    return {
        "type": "app_mention",
        "user": "U0PARTNER",
        "text": full,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": partner_team,
        "user_team": partner_team,
        "source_team": partner_team,
    }
