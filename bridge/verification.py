"""What an inbound Slack request must pass before bolt sees it: the input bolt would answer
500 on (a timestamp that is no number, a body too large, a payload of the wrong shape) gets a
clear 401, 413 or 400 here. Bolt itself verifies the signature and its age."""

import json
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qs

# Event payloads are a few kilobytes; anything this large is not from Slack.
MAX_BODY_BYTES: Final = 1_000_000

SLACK_ID = re.compile(r"[A-Z0-9]{1,32}")
EVENT_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_MAX_DEPTH: Final = 32


def timestamp_is_numeric(headers: Mapping[str, str]) -> bool:
    """Bolt does `int()` on the header outside its error handling: a 500 for anything else."""
    return _TIMESTAMP.fullmatch(headers.get("x-slack-request-timestamp", "")) is not None


# Fields bolt reads while building its context (slack_bolt.request.internals); a wrong type in
# any of them would make bolt raise and answer 500, so they are checked here first.
_ID_OR_OBJECT: Final = ("user", "channel", "team", "enterprise")
_STRINGS: Final = (
    "type",
    "subtype",
    "bot_id",
    "user_id",
    "channel_id",
    "team_id",
    "enterprise_id",
    "thread_ts",
    "ts",
    "text",
    "channel_type",
    "user_team",
    "context_team_id",
    "context_enterprise_id",
    "app_installed_team_id",
    "function_execution_id",
    "bot_access_token",
    "response_url",
    "event_id",
    "api_app_id",
    "challenge",
)
_OBJECTS: Final = (
    "event",
    "message",
    "previous_message",
    "item",
    "assistant_thread",
    "view",
    "function_data",
    "user_profile",
)
_LISTS_OF_OBJECTS: Final = ("authorizations", "response_urls", "files")
_FLAGS: Final = ("is_ext_shared_channel", "is_enterprise_install", "is_bot")


def _fits_bolt(node: Mapping[str, Any], depth: int = 0) -> bool:
    if depth > _MAX_DEPTH:
        return False
    for name in _ID_OR_OBJECT:
        value = node.get(name)
        if isinstance(value, Mapping):
            if not isinstance(value.get("id", ""), str) or not _fits_bolt(value, depth + 1):
                return False
        elif value is not None and not isinstance(value, str):
            return False
    for name in _STRINGS:
        if not isinstance(node.get(name, ""), str | None):
            return False
    for name in _OBJECTS:
        value = node.get(name)
        if value is not None and not (isinstance(value, Mapping) and _fits_bolt(value, depth + 1)):
            return False
    for name in _LISTS_OF_OBJECTS:
        value = node.get(name)
        if value is None:
            continue
        if not isinstance(value, list) or not all(
            isinstance(item, Mapping) and _fits_bolt(item, depth + 1) for item in value
        ):
            return False
    return all(isinstance(node.get(name), bool | str | None) for name in _FLAGS)


def _slack_id_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, str) and SLACK_ID.fullmatch(value) is not None)


def _well_formed_callback(payload: Mapping[str, Any]) -> bool:
    event = payload.get("event")
    return (
        isinstance(payload.get("team_id"), str)
        and SLACK_ID.fullmatch(payload["team_id"]) is not None
        and _slack_id_or_none(payload.get("enterprise_id"))
        and isinstance(payload.get("event_id"), str)
        and EVENT_ID.fullmatch(payload["event_id"]) is not None
        and isinstance(event, Mapping)
        and isinstance(event.get("type"), str)
        and bool(event["type"])
        # An org-wide install's authorization names the org and no team (team_id null).
        and all(
            _slack_id_or_none(auth.get("team_id"))
            and _slack_id_or_none(auth.get("enterprise_id"))
            and (auth.get("team_id") or auth.get("enterprise_id"))
            for auth in payload.get("authorizations") or ()
        )
    )


def _well_formed_action(payload: Mapping[str, Any]) -> bool:
    team, user, actions = payload.get("team"), payload.get("user"), payload.get("actions")
    enterprise = payload.get("enterprise")
    return (
        (team is None or (isinstance(team, Mapping) and _slack_id_or_none(team.get("id"))))
        and (enterprise is None or isinstance(enterprise, Mapping))
        and isinstance(user, Mapping)
        and isinstance(user.get("id"), str)
        and _slack_id_or_none(user.get("team_id"))
        and isinstance(actions, list)
        and all(isinstance(a, Mapping) and isinstance(a.get("action_id"), str) for a in actions)
    )


def parse_interaction(body: bytes) -> dict[str, Any] | None:
    """The interactivity payload (`payload=<json>`, form-encoded) in `body`, or None if it is
    not one bolt can safely handle; only Block Kit actions are taken."""
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True)
    except (ValueError, UnicodeDecodeError):
        return None
    raw = fields.get("payload")
    if set(fields) != {"payload"} or raw is None or len(raw) != 1:
        return None
    try:
        payload = json.loads(raw[0])
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or not _fits_bolt(payload):
        return None
    if payload.get("type") != "block_actions" or not _well_formed_action(payload):
        return None
    return payload


def parse_payload(body: bytes) -> dict[str, Any] | None:
    """The Events API payload in `body`, or None if it is not one bolt can safely handle."""
    # Bolt parses a body as JSON only if it starts with '{' (or is labelled JSON).
    if not body.startswith(b"{"):
        return None
    try:
        payload = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or not _fits_bolt(payload):
        return None
    kind = payload.get("type")
    if kind == "url_verification":
        return payload if isinstance(payload.get("challenge"), str) else None
    if kind == "event_callback":
        return payload if _well_formed_callback(payload) else None
    if kind == "app_rate_limited":
        return payload
    return None
