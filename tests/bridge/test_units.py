"""The bridge's pure parts: request signatures, payload shapes, what may wake the agent."""

import hashlib
import hmac
import json

import pytest

from bridge.install import BOT_SCOPES, authorize_url
from bridge.settings import Settings
from bridge.slack_app import could_wake
from bridge.verification import check_signature, parse_payload

pytestmark = pytest.mark.unit

SECRET = "s3cret"
NOW = 1_800_000_000


def headers(body: bytes, ts: int = NOW) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": str(ts), "x-slack-signature": f"v0={digest}"}


def test_a_signature_made_as_slack_makes_it_passes() -> None:
    assert check_signature(headers(b"{}"), b"{}", SECRET, NOW + 299) is None


@pytest.mark.parametrize(
    ("changed", "reason"),
    [
        ({"x-slack-request-timestamp": ""}, "missing or malformed timestamp"),
        ({"x-slack-request-timestamp": "1e9"}, "missing or malformed timestamp"),
        ({"x-slack-request-timestamp": str(NOW - 301)}, "stale timestamp"),
        ({"x-slack-signature": "v0=" + "f" * 64}, "bad signature"),
        ({"x-slack-signature": ""}, "bad signature"),
    ],
)
def test_every_bad_signature_is_a_401(changed: dict[str, str], reason: str) -> None:
    rejected = check_signature({**headers(b"{}"), **changed}, b"{}", SECRET, NOW)
    assert rejected is not None
    assert (rejected.status, rejected.reason) == (401, reason)


def test_no_signing_secret_accepts_nothing() -> None:
    digest = hmac.new(b"", f"v0:{NOW}:{{}}".encode(), hashlib.sha256).hexdigest()
    forged = {"x-slack-request-timestamp": str(NOW), "x-slack-signature": f"v0={digest}"}
    assert check_signature(forged, b"{}", "", NOW) is not None


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
    ],
)
def test_only_events_that_could_wake_the_agent_are_queued(
    event: dict[str, str], wakes: bool
) -> None:
    assert could_wake(event, "UBOT") is wakes


def test_the_consent_url_asks_for_the_manifest_scopes_and_comes_back_here() -> None:
    settings = Settings(
        slack_client_id="123.456",
        konstruct_bridge_url="https://bridge.example.com/",
        slack_authorize_url="https://slack.com/oauth/v2/authorize",
    )
    url = authorize_url(settings, "state-abc")
    assert url.startswith("https://slack.com/oauth/v2/authorize?client_id=123.456&")
    assert "redirect_uri=https%3A%2F%2Fbridge.example.com%2Fslack%2Foauth_redirect" in url
    assert "state=state-abc" in url
    assert f"scope={'%2C'.join(scope.replace(':', '%3A') for scope in BOT_SCOPES)}" in url
