"""The bridge's pure parts: what bolt would 500 on, payload shapes, what may wake the agent."""

import json
from urllib.parse import quote

import pytest

from bridge.slack_app import could_wake
from bridge.verification import parse_interaction, parse_payload, timestamp_is_numeric

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("timestamp", "numeric"),
    [("1800000000", True), ("", False), ("1e9", False), ("12abc", False), ("1.5", False)],
)
def test_only_a_numeric_timestamp_reaches_bolt(timestamp: str, numeric: bool) -> None:
    assert timestamp_is_numeric({"x-slack-request-timestamp": timestamp}) is numeric


GOOD = {
    "type": "event_callback",
    "team_id": "T123",
    "event_id": "Ev123",
    "event": {"type": "app_mention", "user": "U1", "text": "hi", "channel": "C1", "ts": "1.1"},
}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"payload=%7B%7D",
        b"\xff\xfe",
        b"[]",
        b"{" * 10_000,
        json.dumps({**GOOD, "event": "text"}).encode(),
        json.dumps({**GOOD, "event": {**GOOD["event"], "user": 5}}).encode(),
        json.dumps({**GOOD, "event": {**GOOD["event"], "channel": {"id": 5}}}).encode(),
        json.dumps({**GOOD, "event_id": "Ev:1"}).encode(),
        json.dumps({**GOOD, "team_id": "t-lower"}).encode(),
        json.dumps({**GOOD, "authorizations": {"team_id": "T1"}}).encode(),
        json.dumps({**GOOD, "type": "block_actions"}).encode(),
        json.dumps({"type": "url_verification", "challenge": 5}).encode(),
    ],
)
def test_payloads_bolt_could_choke_on_are_refused(body: bytes) -> None:
    assert parse_payload(body) is None


def test_a_well_formed_callback_is_accepted() -> None:
    assert parse_payload(json.dumps(GOOD).encode()) == GOOD


def test_an_org_wide_installs_callback_names_the_org_and_no_team() -> None:
    """Slack's shape for an org-wide app: the authorization has `team_id: null`."""
    org_wide = {
        **GOOD,
        "enterprise_id": "E123",
        "authorizations": [
            {
                "enterprise_id": "E123",
                "team_id": None,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": True,
            }
        ],
    }
    assert parse_payload(json.dumps(org_wide).encode()) == org_wide
    nobody = {**org_wide, "authorizations": [{"team_id": None, "enterprise_id": None}]}
    assert parse_payload(json.dumps(nobody).encode()) is None


ACTION = {
    "type": "block_actions",
    "team": {"id": "T123", "domain": "acme"},
    "user": {"id": "U1", "team_id": "T123"},
    "api_app_id": "A1",
    "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1"},
    "channel": {"id": "C1", "name": "general"},
    "actions": [{"action_id": "feedback:up", "value": "x", "type": "button", "action_ts": "3.4"}],
}


def form(payload: object) -> bytes:
    return f"payload={quote(json.dumps(payload))}".encode()


def test_a_block_action_is_taken_and_odd_bodies_are_refused() -> None:
    assert parse_interaction(form(ACTION)) == ACTION
    for body in (
        b"",
        b"payload=",
        b"payload=%7B",
        form([1]),
        form({**ACTION, "type": "view_submission"}),
        form({**ACTION, "user": "U1"}),
        form({**ACTION, "actions": [{"action_id": 5}]}),
        form(ACTION) + b"&payload=x",
        json.dumps(ACTION).encode(),
    ):
        assert parse_interaction(body) is None, body


DM = {"type": "message", "user": "U1", "text": "hi", "channel": "D1", "channel_type": "im"}


@pytest.mark.parametrize(
    ("event", "wakes"),
    [
        (GOOD["event"], True),
        (DM, True),
        ({**DM, "channel": "C1", "channel_type": "channel", "thread_ts": "1.0"}, True),
        ({**DM, "channel": "C1", "channel_type": "channel"}, False),
        ({**DM, "user": "UBOT"}, False),
        ({**DM, "bot_id": "B1"}, False),
        ({**DM, "subtype": "message_changed"}, False),
        ({**DM, "type": "reaction_added"}, False),
        # A private channel is a channel; a group DM answers like a DM, except mentions
        # (Slack sends those as app_mention too, which is the one answered).
        ({**DM, "channel": "G1", "channel_type": "group"}, False),
        ({**DM, "channel": "G1", "channel_type": "group", "thread_ts": "1.0"}, True),
        ({**DM, "channel": "G2", "channel_type": "mpim"}, True),
        ({**DM, "channel": "G2", "channel_type": "mpim", "text": "<@UBOT> hi"}, False),
    ],
)
def test_only_events_that_could_wake_the_agent_are_queued(
    event: dict[str, str], wakes: bool
) -> None:
    assert could_wake(event, "UBOT") is wakes
