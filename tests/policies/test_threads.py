"""Which Slack events wake the agent, and which thread it answers in."""

from typing import Any

import pytest

from policies.threads import ENGAGEMENT_TTL_SECONDS, Wake, decide_wake, reply_thread_ts

pytestmark = pytest.mark.unit

BOT = "U0BOT"


def mention(**extra: Any) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": f"<@{BOT}> what is our refund policy?",
        "ts": "1700000000.000100",
        "channel": "C0GENERAL",
        **extra,
    }


def channel_message(**extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "channel",
        "user": "U0ALICE",
        "text": "and for annual plans?",
        "ts": "1700000050.000200",
        "thread_ts": "1700000000.000100",
        "channel": "C0GENERAL",
        **extra,
    }


def dm(**extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U0ALICE",
        "text": "hi there",
        "ts": "1700000000.000300",
        "channel": "D0ALICE",
        **extra,
    }


def wake(event: dict[str, Any], *, engaged: bool = False, escalated: bool = False) -> Wake:
    return decide_wake(event, bot_user_id=BOT, thread_engaged=engaged, thread_escalated=escalated)


def test_engagement_ttl_is_half_an_hour() -> None:
    assert ENGAGEMENT_TTL_SECONDS == 1800


def test_mention_wakes() -> None:
    assert wake(mention()) is Wake.MENTION


def test_mention_wakes_even_in_an_escalated_thread() -> None:
    event = mention(thread_ts="1699999999.000100")
    assert wake(event, engaged=True, escalated=True) is Wake.MENTION


def test_dm_wakes_directly() -> None:
    assert wake(dm()) is Wake.DIRECT
    assert wake(dm(thread_ts="1699999999.000100"), engaged=True) is Wake.DIRECT


def test_dm_in_an_escalated_thread_wakes_only_when_mentioned() -> None:
    in_thread = dm(thread_ts="1699999999.000100")
    assert wake(in_thread, escalated=True) is Wake.IGNORE
    mentioned = dm(thread_ts="1699999999.000100", text=f"<@{BOT}> back to you")
    assert wake(mentioned, escalated=True) is Wake.DIRECT


def test_follow_up_in_an_engaged_thread_wakes() -> None:
    assert wake(channel_message(), engaged=True) is Wake.ENGAGED_THREAD


def test_follow_up_in_a_thread_the_agent_is_not_in_is_ignored() -> None:
    assert wake(channel_message(), engaged=False) is Wake.IGNORE


def test_escalated_thread_stays_quiet_for_plain_messages() -> None:
    assert wake(channel_message(), engaged=True, escalated=True) is Wake.IGNORE


def test_top_level_channel_message_is_ignored_even_if_flagged_engaged() -> None:
    event = channel_message()
    del event["thread_ts"]
    assert wake(event, engaged=True) is Wake.IGNORE


@pytest.mark.parametrize("text", [f"<@{BOT}> and this?", f"hey <@{BOT}|konstruct> more"])
def test_channel_message_mentioning_the_bot_is_left_to_app_mention(text: str) -> None:
    # Slack sends the same message as app_mention too; answering both would answer twice.
    assert wake(channel_message(text=text), engaged=True) is Wake.IGNORE


def test_channel_message_mentioning_someone_else_still_follows_up() -> None:
    event = channel_message(text="<@U0BOTLIKE> can you check?")
    assert wake(event, engaged=True) is Wake.ENGAGED_THREAD


@pytest.mark.parametrize(
    "subtype",
    ["bot_message", "message_changed", "message_deleted", "channel_join", "thread_broadcast_x"],
)
def test_subtypes_are_ignored(subtype: str) -> None:
    assert wake(dm(subtype=subtype)) is Wake.IGNORE
    assert wake(channel_message(subtype=subtype), engaged=True) is Wake.IGNORE


def test_file_share_and_thread_broadcast_are_answered() -> None:
    shared = dm(subtype="file_share", text="", files=[{"id": "F1"}])
    assert wake(shared) is Wake.DIRECT
    broadcast = channel_message(subtype="thread_broadcast")
    assert wake(broadcast, engaged=True) is Wake.ENGAGED_THREAD


def test_bot_messages_are_ignored() -> None:
    assert wake(mention(bot_id="B0OTHER")) is Wake.IGNORE
    assert wake(dm(bot_id="B0OTHER")) is Wake.IGNORE


def test_own_messages_are_ignored() -> None:
    assert wake(mention(user=BOT)) is Wake.IGNORE
    assert wake(channel_message(user=BOT), engaged=True) is Wake.IGNORE


@pytest.mark.parametrize("event", [dm(user=None), {k: v for k, v in dm().items() if k != "user"}])
def test_events_without_a_user_are_ignored(event: dict[str, Any]) -> None:
    assert wake(event) is Wake.IGNORE


@pytest.mark.parametrize("text", ["", "   \n", None])
def test_events_without_text_or_files_are_ignored(text: str | None) -> None:
    assert wake(dm(text=text)) is Wake.IGNORE
    assert wake(dm(text=text, files=[{"id": "F1"}])) is Wake.DIRECT


def test_other_event_types_are_ignored() -> None:
    assert wake(dm(type="reaction_added")) is Wake.IGNORE


def test_reply_thread_ts() -> None:
    assert reply_thread_ts({"ts": "2.0", "thread_ts": "1.0"}) == "1.0"
    assert reply_thread_ts({"ts": "2.0"}) == "2.0"
    assert reply_thread_ts({"ts": "2.0", "thread_ts": None}) == "2.0"


def test_reply_thread_ts_needs_a_ts() -> None:
    with pytest.raises(ValueError, match="thread_ts"):
        reply_thread_ts({"channel": "C1"})
