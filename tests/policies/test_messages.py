"""KonstructMessage: the model's guarantees and normalization of real-shaped Slack events."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from pydantic import ValidationError

from policies.messages import (
    Attachment,
    ChannelType,
    KonstructMessage,
    Sender,
    extract_mentions,
    from_slack_event,
    strip_mention,
)

pytestmark = pytest.mark.unit

TENANT = UUID("3f2504e0-4f89-11d3-9a0c-0305e82c3301")
BOT = "U07BOT"

CHANNEL_MENTION = {
    "type": "app_mention",
    "user": "U061ALICE",
    "text": f"<@{BOT}> can you summarize the Q3 numbers for <@U062BOB>?",
    "ts": "1732500000.123456",
    "client_msg_id": "3c0e5b4e-8a2b-4a3f-9d7e-2b4f1e7c9a10",
    "team": "T05ACME",
    "channel": "C05GENERAL",
    "event_ts": "1732500000.123456",
    "blocks": [{"type": "rich_text", "block_id": "x", "elements": []}],
}

DIRECT_MESSAGE = {
    "type": "message",
    "user": "U061ALICE",
    "text": "What's on my calendar?",
    "ts": "1732500100.000200",
    "team": "T05ACME",
    "channel": "D05ALICE",
    "event_ts": "1732500100.000200",
    "channel_type": "im",
    "user_profile": {"display_name": "alice", "real_name": "Alice Liddell"},
}

THREADED_REPLY = {
    "type": "message",
    "user": "U062BOB",
    "text": "and the churn numbers too <@U061ALICE> <@U061ALICE>",
    "ts": "1732500200.000300",
    "thread_ts": "1732500000.123456",
    "parent_user_id": "U061ALICE",
    "team": "T05ACME",
    "channel": "C05GENERAL",
    "event_ts": "1732500200.000300",
    "channel_type": "channel",
}

FILE_SHARE = {
    "type": "message",
    "subtype": "file_share",
    "user": "U061ALICE",
    "text": "",
    "ts": "1732500300.000400",
    "channel": "D05ALICE",
    "channel_type": "im",
    "files": [
        {
            "id": "F05REPORT",
            "name": "report.pdf",
            "title": "Q3 report",
            "mimetype": "application/pdf",
            "filetype": "pdf",
            "size": 48213,
            "url_private": "https://files.slack.com/files-pri/T05ACME-F05REPORT/report.pdf",
        },
        {"id": "F05HIDDEN", "mode": "hidden_by_limit"},
    ],
}


def normalize(event: dict[str, Any], event_id: str = "Ev05ABC") -> KonstructMessage:
    return from_slack_event(
        event, tenant_id=TENANT, team_id="T05ACME", event_id=event_id, bot_user_id=BOT
    )


def sample() -> KonstructMessage:
    return KonstructMessage(
        tenant_id=TENANT,
        channel_type=ChannelType.SLACK,
        workspace_id="T05ACME",
        channel_id="C05GENERAL",
        thread_id="1732500000.123456",
        message_id="1732500200.000300",
        sender=Sender(id="U061ALICE", display_name="alice"),
        text="hello",
        mentions=("U062BOB",),
        attachments=(Attachment(id="F1", name="a.txt", mime_type="text/plain", size_bytes=3),),
        timestamp=datetime(2026, 11, 5, 9, 30, tzinfo=UTC),
        source_event_id="Ev05ABC",
    )


def test_json_round_trip() -> None:
    message = sample()
    assert KonstructMessage.model_validate_json(message.model_dump_json()) == message


def test_json_round_trip_of_a_normalized_slack_event() -> None:
    message = normalize(FILE_SHARE)
    assert KonstructMessage.model_validate_json(message.model_dump_json()) == message


def test_message_is_frozen() -> None:
    message = sample()
    with pytest.raises(ValidationError):
        message.text = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        message.sender.id = "U0EVE"  # type: ignore[misc]


def test_unknown_fields_are_rejected() -> None:
    data = sample().model_dump()
    data["slack_blocks"] = []
    with pytest.raises(ValidationError, match="slack_blocks"):
        KonstructMessage.model_validate(data)


def test_naive_timestamp_is_rejected() -> None:
    data = sample().model_dump()
    data["timestamp"] = datetime(2026, 11, 5, 9, 30)
    with pytest.raises(ValidationError, match="timezone"):
        KonstructMessage.model_validate(data)


def test_aware_timestamp_in_any_zone_is_accepted() -> None:
    data = sample().model_dump()
    data["timestamp"] = datetime(2026, 11, 5, 9, 30, tzinfo=timezone(timedelta(hours=9)))
    assert KonstructMessage.model_validate(data).timestamp.utcoffset() == timedelta(hours=9)


def test_channel_type_is_slack() -> None:
    assert ChannelType("slack") is ChannelType.SLACK
    assert [member.value for member in ChannelType] == ["slack"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"<@{BOT}> hello", "hello"),
        (f"<@{BOT}|konstruct> hello", "hello"),
        (f"hello <@{BOT}>", "hello"),
        (f"hey <@{BOT}>   can you help", "hey can you help"),
        (f"<@{BOT}><@{BOT}> twice", "twice"),
        (
            f"<@{BOT}>\nline one\n  indented <@{BOT}>\nline three",
            "line one\n  indented\nline three",
        ),
        (f"ask <@U0OTHER> not <@{BOT}>", "ask <@U0OTHER> not"),
        (f"<@{BOT}>", ""),
        ("no mention here", "no mention here"),
    ],
)
def test_strip_mention(text: str, expected: str) -> None:
    assert strip_mention(text, BOT) == expected


def test_strip_mention_only_matches_the_exact_bot_id() -> None:
    assert strip_mention(f"<@{BOT}X> hi", BOT) == f"<@{BOT}X> hi"


def test_extract_mentions_in_order_without_repeats() -> None:
    text = "<@U2> then <@U1|alice> and <@U2> again, not <#C1> or <!here>"
    assert extract_mentions(text) == ("U2", "U1")
    assert extract_mentions("nobody") == ()


def test_channel_mention() -> None:
    message = normalize(CHANNEL_MENTION)
    assert message.tenant_id == TENANT
    assert message.channel_type is ChannelType.SLACK
    assert message.workspace_id == "T05ACME"
    assert message.channel_id == "C05GENERAL"
    assert message.thread_id == "1732500000.123456"
    assert message.message_id == "1732500000.123456"
    assert message.sender == Sender(id="U061ALICE")
    assert message.text == "can you summarize the Q3 numbers for <@U062BOB>?"
    assert message.mentions == ("U062BOB",)
    assert message.attachments == ()
    assert message.timestamp == datetime(2024, 11, 25, 2, 0, 0, 123456, tzinfo=UTC)
    assert message.source_event_id == "Ev05ABC"
    assert message.is_direct is False


def test_direct_message() -> None:
    message = normalize(DIRECT_MESSAGE)
    assert message.is_direct is True
    assert message.thread_id == message.message_id == "1732500100.000200"
    assert message.sender == Sender(id="U061ALICE", display_name="alice")
    assert message.text == "What's on my calendar?"


def test_threaded_reply_keeps_the_parent_thread() -> None:
    message = normalize(THREADED_REPLY)
    assert message.thread_id == "1732500000.123456"
    assert message.message_id == "1732500200.000300"
    assert message.mentions == ("U061ALICE",)
    assert message.sender.id == "U062BOB"


def test_file_share() -> None:
    message = normalize(FILE_SHARE)
    assert message.text == ""
    assert message.is_direct is True
    assert message.attachments == (
        Attachment(
            id="F05REPORT",
            name="report.pdf",
            mime_type="application/pdf",
            size_bytes=48213,
            url="https://files.slack.com/files-pri/T05ACME-F05REPORT/report.pdf",
        ),
        Attachment(id="F05HIDDEN", name="F05HIDDEN"),
    )


def test_bot_sender() -> None:
    event = {**THREADED_REPLY, "user": None, "bot_id": "B0HELPER", "username": "helper"}
    assert normalize(event).sender == Sender(id="B0HELPER", display_name="helper", is_bot=True)


def test_missing_text_is_empty() -> None:
    event = {key: value for key, value in DIRECT_MESSAGE.items() if key != "text"}
    assert normalize(event).text == ""


@pytest.mark.parametrize("field", ["channel", "ts"])
def test_missing_required_field_is_named(field: str) -> None:
    event = {key: value for key, value in CHANNEL_MENTION.items() if key != field}
    with pytest.raises(ValueError, match=f"'{field}'"):
        normalize(event)


def test_missing_sender_is_refused() -> None:
    event = {key: value for key, value in CHANNEL_MENTION.items() if key != "user"}
    with pytest.raises(ValueError, match="no sender"):
        normalize(event)


@pytest.mark.parametrize("ts", ["yesterday", "nan", "1e400"])
def test_malformed_ts_is_refused(ts: str) -> None:
    with pytest.raises(ValueError, match="malformed 'ts'"):
        normalize({**CHANNEL_MENTION, "ts": ts})


def test_file_without_id_is_refused() -> None:
    with pytest.raises(ValueError, match="'id'"):
        normalize({**FILE_SHARE, "files": [{"name": "x.txt"}]})
