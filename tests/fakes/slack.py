"""Fake Slack Web API at ``/api/<method>``.

Use with ``slack_sdk.WebClient(token=..., base_url=fake.api_url)`` (``fake.api_url`` is
``fake.url + "/api/"``). Bodies may be form-encoded, JSON or query parameters; the
token comes from ``Authorization: Bearer`` (or a ``token`` parameter).

Every API call is recorded as a :class:`SlackCall`; messages are kept so tests can
assert on what a person would finally see (:meth:`SlackFake.thread_view`).

It refuses what Slack refuses, with the error codes of each method's reference page
(https://docs.slack.dev/reference/methods/<method>, "Errors"; every answer is HTTP 200
``{"ok": false, "error": "<code>"}`` except rate limits, HTTP 429 with ``Retry-After``):

- a token Slack never issued (not minted by ``oauth.v2.access``, installed with
  :meth:`SlackFake.install_workspace` or listed in ``tokens``): ``invalid_auth``; no token:
  ``not_authed``; a revoked one: ``token_revoked``. Tokens belong to one workspace.
- a channel the token's workspace cannot see (never seeded there, see ``add_message`` and
  ``share_channel``; another workspace's channel included): ``channel_not_found``; posting
  where the bot is no member (``channels={id: {"is_member": False}}``): ``not_in_channel``;
- ``text`` over 40,000 characters: ``msg_too_long`` (chat.postMessage: "text ... truncated
  at 40,000 characters", error ``msg_too_long``); ``markdown_text`` over 12,000 characters
  (the documented limit of that field on chat.postMessage/update and the stream methods,
  which name no error of their own): ``msg_too_long`` too;
- ``chat.startStream`` without ``thread_ts`` (a stream is always a thread reply):
  ``invalid_thread_ts``; in a channel without ``recipient_user_id``/``recipient_team_id``:
  ``missing_recipient_user_id``/``missing_recipient_team_id``;
- ``chat.postMessage`` more often than about once a second per channel, bursts allowed
  (https://docs.slack.dev/apis/web-api/rate-limits, "Posting messages"): HTTP 429
  ``ratelimited`` with ``Retry-After`` (knobs ``post_message_per_second``,
  ``post_message_burst``; a burst of None turns it off).

``oauth.v2.access`` answers like Slack for workspace installs and, with an ``enterprise``
in the code's spec, for Enterprise Grid: ``enterprise: {id, name}``, and for an org-wide
install (``is_enterprise_install: true``) ``team: null``
(https://docs.slack.dev/enterprise/developing-for-enterprise-orgs, the oauth.v2.access
response of an organization-wide app). An org-wide token sees the channels of every
workspace of its org (:meth:`SlackFake.add_org_workspace`); ``auth.test`` names its
``enterprise_id`` and ``is_enterprise_install``.

Lifecycle: :meth:`SlackFake.uninstall_workspace` is what uninstalling the app does to its
tokens (every later call: ``invalid_auth``), ``auth.revoke`` / :meth:`SlackFake.revoke`
make a token ``token_revoked``, ``account_inactive`` comes with ``inactive_tokens``.

``conversations.list`` lists the channels the token's workspace can see (seeded with
:meth:`SlackFake.add_channel`, ``add_message`` or ``share_channel``), filtered by ``types``
and ``exclude_archived``, ``limit`` (default 100, at most 1,000) per page and an opaque
``response_metadata.next_cursor`` (an unknown cursor: ``invalid_cursor``).

Block Kit (``blocks`` on chat.postMessage/update/stopStream) is checked as Slack checks it
(https://docs.slack.dev/reference/block-kit/blocks): at most 50 blocks, known types,
unique ``block_id``s (255 chars), section text up to 3,000 characters, markdown blocks up
to 12,000, actions blocks with 1-25 elements whose buttons have plain_text of up to 75
characters and unique ``action_id``s of up to 255; anything else is ``invalid_blocks``.

Run standalone: ``python -m tests.fakes.slack --port 0 --ready-file PATH``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from tests.fakes.base import (
    FakeServer,
    Recorded,
    Response,
    basic_auth,
    json_response,
    run_standalone,
    text_response,
)

API_PREFIX = "/api/"
_JSON_CT = "application/json; charset=utf-8"

# Methods that need no token.
_NO_AUTH = frozenset({"oauth.v2.access", "oauth.access", "api.test"})

# Documented limits: chat.postMessage's `text`, and `markdown_text` wherever it is taken.
TEXT_LIMIT = 40_000
MARKDOWN_TEXT_LIMIT = 12_000

DEFAULT_SCOPE = (
    "app_mentions:read,assistant:write,channels:history,channels:read,chat:write,"
    "groups:history,im:history,im:read,im:write,users:read"
)


@dataclass
class SlackCall:
    """One Web API call: method name, parameters merged from query/form/JSON, token."""

    method: str
    params: dict[str, Any]
    token: str | None
    http_method: str
    time: float
    team_id: str | None = None
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SlackMessage:
    """A message as it currently stands (after updates, deletes and stream appends)."""

    channel: str
    ts: str
    text: str
    thread_ts: str | None = None
    user: str | None = None
    bot_id: str | None = None
    team_id: str | None = None
    blocks: list[Any] | None = None
    metadata: Any = None
    deleted: bool = False
    # Native streaming (chat.startStream): True while open, False once stopped.
    streaming: bool = False
    streamed: bool = False
    chunks: list[Any] = field(default_factory=list)
    # (time, text) for the post and every later change of the text.
    edits: list[tuple[float, str]] = field(default_factory=list)
    created_by: str = "chat.postMessage"

    @property
    def is_bot(self) -> bool:
        return self.bot_id is not None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self) -> dict[str, Any]:
        obj: dict[str, Any] = {"type": "message", "text": self.text, "ts": self.ts}
        if self.user:
            obj["user"] = self.user
        if self.bot_id:
            obj["bot_id"] = self.bot_id
            obj["app_id"] = "AFAKEAPP"
        if self.team_id:
            obj["team"] = self.team_id
        if self.thread_ts:
            obj["thread_ts"] = self.thread_ts
        if self.blocks is not None:
            obj["blocks"] = self.blocks
        if self.metadata is not None:
            obj["metadata"] = self.metadata
        return obj

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["edits"] = [list(e) for e in self.edits]
        return data


def _ts_key(ts: str) -> Decimal:
    try:
        return Decimal(ts)
    except ArithmeticError:
        return Decimal(0)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _chunk_text(chunks: Any) -> str:
    chunks = _maybe_json(chunks)
    if not isinstance(chunks, list):
        return ""
    return "".join(
        str(c.get("text") or "")
        for c in chunks
        if isinstance(c, dict) and c.get("type") == "markdown_text"
    )


_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "file",
        "video",
        "table",
    }
)


def _text_len(obj: Any) -> int:
    return len(obj.get("text") or "") if isinstance(obj, dict) else -1


def _checked_blocks(raw: Any) -> list[Any] | None:
    """`blocks` as Slack takes them, or SlackError("invalid_blocks")."""
    if raw is None or raw == "":
        return None
    blocks = _maybe_json(raw)
    if not isinstance(blocks, list) or len(blocks) > 50:
        raise SlackError("invalid_blocks")
    block_ids: set[str] = set()
    action_ids: set[str] = set()
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") not in _BLOCK_TYPES:
            raise SlackError("invalid_blocks")
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or len(block_id) > 255 or block_id in block_ids:
                raise SlackError("invalid_blocks")
            block_ids.add(block_id)
        kind = block["type"]
        if kind == "section" and not 0 < _text_len(block.get("text")) <= 3000:
            raise SlackError("invalid_blocks")
        if kind == "markdown" and not 0 < _text_len(block) <= 12_000:
            raise SlackError("invalid_blocks")
        if kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
                raise SlackError("invalid_blocks")
            for element in elements:
                if not isinstance(element, dict):
                    raise SlackError("invalid_blocks")
                action_id = element.get("action_id")
                if action_id is not None and (
                    not isinstance(action_id, str)
                    or len(action_id) > 255
                    or action_id in action_ids
                ):
                    raise SlackError("invalid_blocks")
                action_ids.add(str(action_id))
                if element.get("type") == "button":
                    text = element.get("text")
                    if (
                        not isinstance(text, dict)
                        or text.get("type") != "plain_text"
                        or not 0 < _text_len(text) <= 75
                        or len(str(element.get("value") or "")) > 2000
                    ):
                        raise SlackError("invalid_blocks")
    return blocks


class SlackError(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra


Team = dict[str, str]
MethodHandler = Callable[["SlackFake", SlackCall, Team], dict[str, Any]]


class SlackFake(FakeServer):
    """Slack Web API fake."""

    name: ClassVar[str] = "slack"
    KNOBS: ClassVar[dict[str, Any]] = {
        # Tokens answering {"ok": false, "error": "invalid_auth"}.
        "invalid_tokens": set(),
        # Tokens of a deactivated bot or workspace: {"ok": false, "error": "account_inactive"}.
        "inactive_tokens": set(),
        # method -> N: the next N calls of that method answer HTTP 429 + Retry-After.
        "rate_limit": {},
        "retry_after": 1,
        # Methods answering {"ok": false, "error": "unknown_method"} (e.g. chat.startStream).
        "disabled_methods": set(),
        # method -> error: that method answers {"ok": false, "error": error} (e.g. missing_scope).
        "method_errors": {},
        # OAuth code -> {"team_id", "team_name", "user_id"?, "scope"?, "enterprise"?: {"id",
        # "name"}, "is_enterprise_install"?} or just a team id. Codes are single-use, like Slack's.
        "oauth_codes": {},
        # If set, oauth.v2.access checks them (invalid_client_id / bad_client_secret).
        "oauth_client_id": None,
        "oauth_client_secret": None,
        # Pre-known tokens -> {"team_id"?, "team_name"?, "bot_user_id"?, "bot_id"?}; fields left
        # out come from the knobs below. Any token Slack did not issue is `invalid_auth`.
        "tokens": {},
        # The defaults of a pre-known token's workspace.
        "team_id": "T0FAKE",
        "team_name": "Fake Workspace",
        "bot_user_id": "UFAKEBOT",
        "bot_id": "BFAKEBOT",
        "app_id": "AFAKEAPP",
        "scope": DEFAULT_SCOPE,
        # Overrides for users.info / conversations.info: id -> fields.
        "users": {},
        "channels": {},
        # chat.startStream outside a DM needs recipient_user_id and recipient_team_id.
        "stream_requires_recipient": True,
        # chat.postMessage per channel: a bucket of `burst` posts refilled at this rate.
        "post_message_per_second": 1.0,
        "post_message_burst": 5,
    }

    invalid_tokens: set[str]
    inactive_tokens: set[str]
    rate_limit: dict[str, int]
    retry_after: int
    disabled_methods: set[str]
    method_errors: dict[str, str]
    oauth_codes: dict[str, Any]
    oauth_client_id: str | None
    oauth_client_secret: str | None
    tokens: dict[str, dict[str, str]]
    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str
    app_id: str
    scope: str
    users: dict[str, dict[str, Any]]
    channels: dict[str, dict[str, Any]]
    stream_requires_recipient: bool
    post_message_per_second: float
    post_message_burst: int | None

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **knobs: Any) -> None:
        self._state_lock = threading.RLock()
        self._calls: list[SlackCall] = []
        self._messages: dict[tuple[str, str], SlackMessage] = {}
        self._statuses: dict[tuple[str, str], list[tuple[float, str]]] = {}
        self._ephemeral: list[dict[str, Any]] = []
        # token -> its workspace (installed or minted by oauth.v2.access)
        self._minted: dict[str, Team] = {}
        # channel -> the workspaces that can see it
        self._channel_teams: dict[str, set[str]] = {}
        # channel -> (tokens left in its chat.postMessage bucket, when it was last filled)
        self._post_buckets: dict[str, tuple[float, float]] = {}
        self._used_codes: set[str] = set()
        self._revoked: set[str] = set()
        # enterprise id -> its workspaces (what an org-wide token can see)
        self._org_teams: dict[str, set[str]] = {}
        # channel -> its name, is_private, is_member, is_archived (add_channel)
        self._channel_fields: dict[str, dict[str, Any]] = {}
        self._last_ts_us = 0
        super().__init__(host=host, port=port, **knobs)

    @property
    def api_url(self) -> str:
        """What to pass as ``base_url`` to slack_sdk clients (ends with ``/api/``)."""
        return f"{self.url}{API_PREFIX}"

    def coerce_knob(self, name: str, value: Any) -> Any:
        if name in ("invalid_tokens", "inactive_tokens", "disabled_methods"):
            return set(value or ())
        if name == "rate_limit":
            return {str(k): int(v) for k, v in dict(value or {}).items()}
        if name == "method_errors":
            return {str(k): str(v) for k, v in dict(value or {}).items()}
        return value

    # ----------------------------------------------------------------- state / helpers
    def clear(self) -> None:
        super().clear()
        with self._state_lock:
            self._calls.clear()
            self._messages.clear()
            self._statuses.clear()
            self._ephemeral.clear()
            self._minted.clear()
            self._channel_teams.clear()
            self._post_buckets.clear()
            self._used_codes.clear()
            self._revoked.clear()
            self._org_teams.clear()
            self._channel_fields.clear()

    def calls(self, method: str | None = None) -> list[SlackCall]:
        """Recorded API calls, oldest first, optionally only those of one method."""
        with self._state_lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[SlackCall]:
        """Wait until at least ``count`` calls of ``method`` were answered; returns them."""

        def answered() -> list[SlackCall]:
            calls = [c for c in self.calls(method) if c.response]
            return calls if len(calls) >= count else []

        return self.wait_for(answered, timeout=timeout)

    def messages(
        self, channel: str | None = None, include_deleted: bool = False
    ) -> list[SlackMessage]:
        with self._state_lock:
            found = [
                copy.deepcopy(m)
                for m in self._messages.values()
                if (channel is None or m.channel == channel) and (include_deleted or not m.deleted)
            ]
        return sorted(found, key=lambda m: _ts_key(m.ts))

    def message(self, channel: str, ts: str) -> SlackMessage | None:
        with self._state_lock:
            msg = self._messages.get((channel, ts))
            return copy.deepcopy(msg) if msg is not None else None

    def thread_view(
        self, channel: str, thread_ts: str, include_parent: bool = False
    ) -> list[SlackMessage]:
        """The messages a person would finally see in a thread (replies, oldest first).

        Updates, deletes and stream appends are applied; deleted messages are gone.
        The parent itself is included only with ``include_parent=True``.
        """
        return [
            m
            for m in self.messages(channel)
            if (m.thread_ts == thread_ts and m.ts != thread_ts)
            or (include_parent and m.ts == thread_ts)
        ]

    def thread_texts(self, channel: str, thread_ts: str) -> list[str]:
        return [m.text for m in self.thread_view(channel, thread_ts)]

    def statuses(self, channel: str, thread_ts: str) -> list[str]:
        """Every ``assistant.threads.setStatus`` status set on a thread, in order."""
        with self._state_lock:
            return [s for _, s in self._statuses.get((channel, thread_ts), [])]

    @property
    def ephemeral(self) -> list[dict[str, Any]]:
        with self._state_lock:
            return copy.deepcopy(self._ephemeral)

    def add_message(
        self,
        channel: str,
        text: str,
        user: str = "U0USER",
        thread_ts: str | None = None,
        team_id: str | None = None,
    ) -> str:
        """Seed a message (e.g. the user's question) as if a person had posted it; returns ts."""
        ts = self.next_ts()
        msg = SlackMessage(
            channel=channel,
            ts=ts,
            text=text,
            thread_ts=thread_ts,
            user=user,
            team_id=team_id or self.team_id,
            created_by="seed",
        )
        msg.edits.append((time.time(), text))
        with self._state_lock:
            self._messages[(channel, ts)] = msg
        self.share_channel(channel, msg.team_id or self.team_id)
        return ts

    def install_workspace(
        self,
        team_id: str,
        token: str,
        bot_user_id: str | None = None,
        team_name: str | None = None,
        bot_id: str | None = None,
        enterprise_id: str | None = None,
        org_wide: bool = False,
    ) -> None:
        """The app installed in a workspace: Slack issued `token` for it (idempotent). With
        `org_wide`, `team_id` is the enterprise's id and the token is the org's."""
        team: Team = {
            "team_id": team_id,
            "team_name": team_name or f"Workspace {team_id}",
            "bot_user_id": bot_user_id or f"UBOT{team_id}",
            "bot_id": bot_id or f"B{team_id}",
        }
        if enterprise_id or org_wide:
            team["enterprise_id"] = enterprise_id or team_id
        if org_wide:
            team["org_wide"] = "1"
        with self._state_lock:
            self._minted[token] = team
            self._revoked.discard(token)

    def add_org_workspace(self, enterprise_id: str, team_id: str) -> None:
        """A workspace of an Enterprise Grid org: the org's org-wide token sees its channels."""
        with self._state_lock:
            self._org_teams.setdefault(enterprise_id, set()).add(team_id)

    def uninstall_workspace(self, team_id: str) -> list[str]:
        """Uninstalling the app: Slack stops accepting every token it issued for the
        workspace (or org). Returns them; sending `app_uninstalled` is the test's."""
        with self._state_lock:
            tokens = [t for t, team in self._minted.items() if team["team_id"] == team_id]
            for token in tokens:
                del self._minted[token]
        return tokens

    def revoke(self, token: str) -> None:
        """The token was revoked (`tokens_revoked`): later calls answer `token_revoked`."""
        with self._state_lock:
            self._revoked.add(token)

    def share_channel(self, channel: str, *team_ids: str) -> None:
        """Make a channel visible to these workspaces (one for a plain channel, several for a
        Slack Connect channel)."""
        with self._state_lock:
            self._channel_teams.setdefault(channel, set()).update(team_ids)

    def add_channel(
        self,
        channel: str,
        name: str,
        team_id: str | None = None,
        *,
        is_private: bool | None = None,
        is_member: bool = True,
        is_archived: bool = False,
    ) -> None:
        """A channel of a workspace, as conversations.list/info name it (private: G…)."""
        private = channel.startswith("G") if is_private is None else is_private
        fields = {
            "name": name,
            "is_private": private,
            "is_member": is_member,
            "is_archived": is_archived,
        }
        with self._state_lock:
            self._channel_fields[channel] = fields
        self.share_channel(channel, team_id or self.team_id)

    def next_ts(self) -> str:
        """A new unique, increasing Slack timestamp like ``1700000000.000100``."""
        with self._state_lock:
            now_us = int(time.time() * 1_000_000)
            self._last_ts_us = max(now_us, self._last_ts_us + 1)
            us = self._last_ts_us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def team_for(self, token: str | None) -> Team | None:
        """The workspace a token was issued for; None for a token Slack never issued."""
        if token is not None:
            with self._state_lock:
                minted = self._minted.get(token)
            if minted is not None:
                return dict(minted)
            known = self.tokens.get(token)
            if known is not None:
                team_id = str(known.get("team_id") or self.team_id)
                return {
                    "team_id": team_id,
                    "team_name": str(known.get("team_name") or team_id),
                    "bot_user_id": str(known.get("bot_user_id") or f"UBOT{team_id}"),
                    "bot_id": str(known.get("bot_id") or f"B{team_id}"),
                }
        return None

    def _visible_channel(self, call: SlackCall, team: Team, name: str = "channel") -> str:
        """The channel a call names, if the token's workspace can see it."""
        channel = self._dm_channel(self._require(call, name, "channel_not_found"))
        if channel in self.channels:
            return channel
        with self._state_lock:
            if channel.startswith("D") and channel not in self._channel_teams:
                # A DM opens on first use (chat.postMessage to a user id, conversations.open).
                self._channel_teams[channel] = {team["team_id"]}
            seen_by = {team["team_id"]}
            if team.get("org_wide"):
                seen_by |= self._org_teams.get(team["team_id"], set())
            visible = bool(seen_by & self._channel_teams.get(channel, set()))
        if not visible:
            raise SlackError("channel_not_found")
        return channel

    def _check_member(self, channel: str) -> None:
        if self.channels.get(channel, {}).get("is_member") is False:
            raise SlackError("not_in_channel")

    @staticmethod
    def _check_lengths(call: SlackCall) -> None:
        text, markdown = call.params.get("text"), call.params.get("markdown_text")
        if isinstance(text, str) and len(text) > TEXT_LIMIT:
            raise SlackError("msg_too_long")
        if isinstance(markdown, str) and len(markdown) > MARKDOWN_TEXT_LIMIT:
            raise SlackError("msg_too_long")

    def _post_allowed(self, channel: str) -> float:
        """Take one post from the channel's bucket: 0 if allowed, else seconds to wait."""
        burst = self.post_message_burst
        if burst is None:
            return 0.0
        rate = max(float(self.post_message_per_second), 1e-6)
        now = time.monotonic()
        with self._state_lock:
            tokens, filled = self._post_buckets.get(channel, (float(burst), now))
            tokens = min(float(burst), tokens + (now - filled) * rate)
            if tokens >= 1:
                self._post_buckets[channel] = (tokens - 1, now)
                return 0.0
            self._post_buckets[channel] = (tokens, now)
        return (1 - tokens) / rate

    # ----------------------------------------------------------------- HTTP
    def control_extra(self, action: str, rec: Recorded) -> Response | None:
        if action == "calls" and rec.method == "GET":
            method = rec.query.get("method") or None
            return json_response([c.to_dict() for c in self.calls(method)])
        if action == "thread" and rec.method == "GET":
            view = self.thread_view(
                rec.query.get("channel", ""),
                rec.query.get("thread_ts", ""),
                include_parent=_truthy(rec.query.get("include_parent", "")),
            )
            return json_response([m.to_dict() for m in view])
        if action == "messages" and rec.method == "GET":
            return json_response([m.to_dict() for m in self.messages(rec.query.get("channel"))])
        if action == "message" and rec.method == "POST":
            data = rec.json if isinstance(rec.json, dict) else {}
            ts = self.add_message(
                channel=str(data["channel"]),
                text=str(data.get("text", "")),
                user=str(data.get("user", "U0USER")),
                thread_ts=data.get("thread_ts"),
                team_id=data.get("team_id"),
            )
            return json_response({"ok": True, "ts": ts})
        if action == "channel" and rec.method == "POST":
            data = rec.json if isinstance(rec.json, dict) else {}
            self.add_channel(
                str(data["channel"]),
                str(data["name"]),
                data.get("team_id"),
                is_private=data.get("is_private"),
                is_member=bool(data.get("is_member", True)),
                is_archived=bool(data.get("is_archived", False)),
            )
            return json_response({"ok": True})
        return None

    def handle(self, rec: Recorded) -> Response:
        if not rec.path.startswith(API_PREFIX):
            return text_response("Not Found", status=404)
        method = rec.path[len(API_PREFIX) :].strip("/")
        params: dict[str, Any] = dict(rec.query)
        if rec.form is not None:
            params.update(rec.form)
        if isinstance(rec.json, dict):
            params.update(rec.json)
        token = rec.bearer or (str(params["token"]) if params.get("token") else None)
        call = SlackCall(
            method=method,
            params=params,
            token=token,
            http_method=rec.method,
            time=rec.time,
        )
        with self._state_lock:
            self._calls.append(call)
        status, body, headers = self._answer(call, rec)
        call.status = status
        call.response = body
        return json_response(body, status=status, headers=headers, content_type=_JSON_CT)

    def _answer(self, call: SlackCall, rec: Recorded) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.wait_delay()
        failure = self.consume_failure()
        if failure is not None:
            headers = {"Retry-After": str(self.retry_after)} if failure == 429 else {}
            error = "ratelimited" if failure == 429 else "fatal_error"
            return failure, {"ok": False, "error": error}, headers
        with self._lock:
            remaining = self.rate_limit.get(call.method, 0)
            if remaining > 0:
                self.rate_limit[call.method] = remaining - 1
        if remaining > 0:
            return (
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(self.retry_after)},
            )
        handler = _METHODS.get(call.method)
        if handler is None or call.method in self.disabled_methods:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        if call.method in self.method_errors:
            return 200, {"ok": False, "error": self.method_errors[call.method]}, {}
        found = self.team_for(call.token)
        team: Team = found or {
            "team_id": self.team_id,
            "team_name": self.team_name,
            "bot_user_id": self.bot_user_id,
            "bot_id": self.bot_id,
        }
        if call.method not in _NO_AUTH:
            if not call.token:
                return 200, {"ok": False, "error": "not_authed"}, {}
            if found is None or call.token in self.invalid_tokens:
                return 200, {"ok": False, "error": "invalid_auth"}, {}
            if call.token in self.inactive_tokens:
                return 200, {"ok": False, "error": "account_inactive"}, {}
            with self._state_lock:
                revoked = call.token in self._revoked
            if revoked:
                return 200, {"ok": False, "error": "token_revoked"}, {}
            call.team_id = team["team_id"]
        try:
            if call.method == "oauth.v2.access":
                body = self._oauth_v2_access(call, rec)
            else:
                body = handler(self, call, team)
        except SlackError as err:
            extra = dict(err.extra)
            retry_after = extra.pop("retry_after", None)
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return err.status, {"ok": False, "error": err.error, **extra}, headers
        return 200, {"ok": True, **body}, {}

    # ----------------------------------------------------------------- methods
    def _require(self, call: SlackCall, name: str, error: str | None = None) -> str:
        value = call.params.get(name)
        if value is None or value == "":
            raise SlackError(error or "invalid_arguments")
        return str(value)

    def _get_message(self, channel: str, ts: str) -> SlackMessage:
        msg = self._messages.get((channel, ts))
        if msg is None or msg.deleted:
            raise SlackError("message_not_found")
        return msg

    @staticmethod
    def _dm_channel(channel: str) -> str:
        return "D" + channel[1:] if channel[:1] in ("U", "W") else channel

    def _auth_test(self, call: SlackCall, team: Team) -> dict[str, Any]:
        del call
        domain = re.sub(r"[^a-z0-9-]+", "-", team["team_name"].lower()).strip("-") or "fake"
        answer: dict[str, Any] = {
            "url": f"https://{domain}.slack.com/",
            "team": team["team_name"],
            "user": "konstruct",
            "team_id": team["team_id"],
            "user_id": team["bot_user_id"],
            "bot_id": team["bot_id"],
            "app_id": self.app_id,
            "is_enterprise_install": bool(team.get("org_wide")),
        }
        if team.get("enterprise_id"):
            answer["enterprise_id"] = team["enterprise_id"]
        return answer

    def _post_message(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        self._check_member(channel)
        self._check_lengths(call)
        wait = self._post_allowed(channel)
        if wait > 0:
            raise SlackError("ratelimited", status=429, retry_after=max(1, math.ceil(wait)))
        text = call.params.get("text") or call.params.get("markdown_text")
        blocks = _checked_blocks(call.params.get("blocks"))
        attachments = call.params.get("attachments")
        if not text and not blocks and not attachments:
            raise SlackError("no_text")
        thread_ts = call.params.get("thread_ts") or None
        msg = SlackMessage(
            channel=channel,
            ts=self.next_ts(),
            text=str(text or ""),
            thread_ts=str(thread_ts) if thread_ts else None,
            user=team["bot_user_id"],
            bot_id=team["bot_id"],
            team_id=team["team_id"],
            blocks=blocks if isinstance(blocks, list) else None,
            metadata=_maybe_json(call.params.get("metadata")),
        )
        msg.edits.append((time.time(), msg.text))
        with self._state_lock:
            self._messages[(channel, msg.ts)] = msg
        return {"channel": channel, "ts": msg.ts, "message": msg.to_api()}

    def _update(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        self._check_lengths(call)
        ts = self._require(call, "ts", "message_not_found")
        with self._state_lock:
            msg = self._get_message(channel, ts)
            for name in ("text", "markdown_text"):
                if call.params.get(name) is not None:
                    msg.text = str(call.params[name])
                    msg.edits.append((time.time(), msg.text))
            if call.params.get("blocks") is not None:
                msg.blocks = _checked_blocks(call.params["blocks"])
            api = msg.to_api()
            text = msg.text
        return {"channel": channel, "ts": ts, "text": text, "message": api}

    def _delete(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        ts = self._require(call, "ts", "message_not_found")
        with self._state_lock:
            msg = self._get_message(channel, ts)
            msg.deleted = True
        return {"channel": channel, "ts": ts}

    def _post_ephemeral(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        user = self._require(call, "user", "user_not_in_channel")
        ts = self.next_ts()
        with self._state_lock:
            self._ephemeral.append(
                {"channel": channel, "user": user, "ts": ts, "text": call.params.get("text")}
            )
        return {"message_ts": ts}

    def _set_status(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team, "channel_id")
        thread_ts = self._require(call, "thread_ts")
        status = str(call.params.get("status") or "")
        with self._state_lock:
            self._statuses.setdefault((channel, thread_ts), []).append((time.time(), status))
        return {}

    def _ok(self, call: SlackCall, team: Team) -> dict[str, Any]:
        del call, team
        return {}

    def _start_stream(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        self._check_member(channel)
        self._check_lengths(call)
        if not call.params.get("thread_ts"):
            raise SlackError("invalid_thread_ts")
        if self.stream_requires_recipient and not channel.startswith("D"):
            if not call.params.get("recipient_user_id"):
                raise SlackError("missing_recipient_user_id")
            if not call.params.get("recipient_team_id"):
                raise SlackError("missing_recipient_team_id")
        thread_ts = call.params.get("thread_ts") or None
        text = str(call.params.get("markdown_text") or "") + _chunk_text(call.params.get("chunks"))
        msg = SlackMessage(
            channel=channel,
            ts=self.next_ts(),
            text=text,
            thread_ts=str(thread_ts) if thread_ts else None,
            user=team["bot_user_id"],
            bot_id=team["bot_id"],
            team_id=team["team_id"],
            streaming=True,
            streamed=True,
            created_by="chat.startStream",
        )
        chunks = _maybe_json(call.params.get("chunks"))
        if isinstance(chunks, list):
            msg.chunks.extend(chunks)
        msg.edits.append((time.time(), msg.text))
        with self._state_lock:
            self._messages[(channel, msg.ts)] = msg
        return {"channel": channel, "ts": msg.ts}

    def _append_to_stream(
        self, call: SlackCall, team: Team, stop: bool
    ) -> tuple[str, str, SlackMessage]:
        channel = self._visible_channel(call, team)
        self._check_lengths(call)
        ts = self._require(call, "ts", "message_not_found")
        msg = self._get_message(channel, ts)
        if not msg.streaming:
            raise SlackError("message_not_in_streaming_state")
        added = str(call.params.get("markdown_text") or "") + _chunk_text(call.params.get("chunks"))
        chunks = _maybe_json(call.params.get("chunks"))
        if isinstance(chunks, list):
            msg.chunks.extend(chunks)
        if added:
            msg.text += added
            msg.edits.append((time.time(), msg.text))
        if stop:
            blocks = _checked_blocks(call.params.get("blocks"))
            msg.streaming = False
            if blocks is not None:
                msg.blocks = blocks
            if call.params.get("metadata") is not None:
                msg.metadata = _maybe_json(call.params["metadata"])
        return channel, ts, msg

    def _append_stream(self, call: SlackCall, team: Team) -> dict[str, Any]:
        with self._state_lock:
            channel, ts, _ = self._append_to_stream(call, team, stop=False)
        return {"channel": channel, "ts": ts}

    def _stop_stream(self, call: SlackCall, team: Team) -> dict[str, Any]:
        with self._state_lock:
            channel, ts, msg = self._append_to_stream(call, team, stop=True)
            api = msg.to_api()
        return {"channel": channel, "ts": ts, "message": api}

    def _conversations_info(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        is_im = channel.startswith("D")
        info: dict[str, Any] = {
            "id": channel,
            "created": 1700000000,
            "is_im": is_im,
            "is_mpim": False,
            "is_channel": channel.startswith("C"),
            "is_group": channel.startswith("G"),
            "is_private": channel.startswith(("G", "D")),
            "is_archived": False,
            "is_member": True,
        }
        if is_im:
            info["user"] = "U" + channel[1:]
        else:
            info["name"] = f"channel-{channel.lower()}"
        with self._state_lock:
            info.update(self._channel_fields.get(channel, {}))
        info.update(self.channels.get(channel, {}))
        return {"channel": info}

    def _conversations_list(self, call: SlackCall, team: Team) -> dict[str, Any]:
        kinds = {t.strip() for t in str(call.params.get("types") or "public_channel").split(",")}
        if not kinds <= {"public_channel", "private_channel", "im", "mpim"}:
            raise SlackError("invalid_types")
        try:
            limit = int(call.params.get("limit") or 100)
        except ValueError:
            raise SlackError("invalid_limit") from None
        if limit < 1:
            raise SlackError("invalid_limit")
        limit = min(limit, 1000)
        offset = 0
        if call.params.get("cursor"):
            try:
                decoded = base64.b64decode(str(call.params["cursor"]), validate=True).decode()
                offset = (
                    int(decoded.removeprefix("offset:")) if decoded.startswith("offset:") else -1
                )
            except (binascii.Error, UnicodeDecodeError, ValueError):
                offset = -1
            if offset < 0:
                raise SlackError("invalid_cursor")
        seen_by = {team["team_id"]}
        if team.get("org_wide"):
            seen_by |= self._org_teams.get(team["team_id"], set())
        with self._state_lock:
            ids = sorted(c for c, t in self._channel_teams.items() if t & seen_by)
        listed: list[dict[str, Any]] = []
        for channel in ids:
            if channel.startswith("D"):
                continue  # DMs (types im) are not seeded as channels here
            info = self._conversations_info(
                SlackCall("conversations.info", {"channel": channel}, call.token, "GET", call.time),
                team,
            )["channel"]
            kind = "private_channel" if info["is_private"] else "public_channel"
            if kind not in kinds or (
                _truthy(call.params.get("exclude_archived")) and info["is_archived"]
            ):
                continue
            listed.append(info)
        page = listed[offset : offset + limit]
        more = offset + limit < len(listed)
        cursor = base64.b64encode(f"offset:{offset + limit}".encode()).decode() if more else ""
        return {"channels": page, "response_metadata": {"next_cursor": cursor}}

    def _conversations_open(self, call: SlackCall, team: Team) -> dict[str, Any]:
        users = str(call.params.get("users") or call.params.get("channel") or "")
        if not users:
            raise SlackError("users_list_not_supplied")
        channel = self._dm_channel(users.split(",")[0].strip())
        self.share_channel(channel, team["team_id"])
        return {"channel": {"id": channel}}

    def _conversations_replies(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        ts = self._require(call, "ts", "thread_not_found")
        msgs = [m.to_api() for m in self.thread_view(channel, ts, include_parent=True)]
        return {"messages": msgs, "has_more": False}

    def _conversations_history(self, call: SlackCall, team: Team) -> dict[str, Any]:
        channel = self._visible_channel(call, team)
        top = [m.to_api() for m in self.messages(channel) if not m.is_reply]
        return {"messages": list(reversed(top)), "has_more": False}

    def _users_info(self, call: SlackCall, team: Team) -> dict[str, Any]:
        user_id = self._require(call, "user", "user_not_found")
        is_bot = user_id == team["bot_user_id"]
        name = f"user-{user_id.lower()}"
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": team["team_id"],
            "name": name,
            "real_name": f"User {user_id}",
            "deleted": False,
            "is_bot": is_bot,
            "is_admin": False,
            "tz": "Europe/Berlin",
            "tz_label": "Central European Time",
            "tz_offset": 3600,
            "profile": {
                "real_name": f"User {user_id}",
                "display_name": name,
                "email": f"{name}@example.com",
                "image_72": "https://example.com/avatar.png",
            },
        }
        user.update(self.users.get(user_id, {}))
        return {"user": user}

    def _team_info(self, call: SlackCall, team: Team) -> dict[str, Any]:
        del call
        domain = re.sub(r"[^a-z0-9-]+", "-", team["team_name"].lower()).strip("-") or "fake"
        return {"team": {"id": team["team_id"], "name": team["team_name"], "domain": domain}}

    def _bots_info(self, call: SlackCall, team: Team) -> dict[str, Any]:
        del call
        return {
            "bot": {
                "id": team["bot_id"],
                "app_id": self.app_id,
                "name": "konstruct",
                "user_id": team["bot_user_id"],
                "deleted": False,
            }
        }

    def _api_test(self, call: SlackCall, team: Team) -> dict[str, Any]:
        del team
        return {"args": {k: v for k, v in call.params.items() if k != "token"}}

    def _auth_revoke(self, call: SlackCall, team: Team) -> dict[str, Any]:
        del team
        with self._state_lock:
            if call.token:
                self._revoked.add(call.token)
        return {"revoked": True}

    def _oauth_v2_access(self, call: SlackCall, rec: Recorded) -> dict[str, Any]:
        creds = basic_auth(rec)
        client_id, client_secret = creds or (
            str(call.params.get("client_id") or ""),
            str(call.params.get("client_secret") or ""),
        )
        if self.oauth_client_id is not None and client_id != self.oauth_client_id:
            raise SlackError("invalid_client_id")
        if self.oauth_client_secret is not None and client_secret != self.oauth_client_secret:
            raise SlackError("bad_client_secret")
        code = str(call.params.get("code") or "")
        spec = self.oauth_codes.get(code) if code else None
        with self._state_lock:
            if spec is None or code in self._used_codes:
                raise SlackError("invalid_code")
            self._used_codes.add(code)
        if isinstance(spec, str):
            spec = {"team_id": spec}
        enterprise: dict[str, Any] = dict(spec.get("enterprise") or {})
        org_wide = bool(spec.get("is_enterprise_install"))
        if org_wide and not enterprise:
            raise ValueError("an org-wide install needs an enterprise in the code's spec")
        team_id = str(enterprise["id"] if org_wide else spec.get("team_id") or self.team_id)
        team_name = str(spec.get("team_name") or f"Workspace {team_id}")
        team: Team = {
            "team_id": team_id,
            "team_name": team_name,
            "bot_user_id": str(spec.get("bot_user_id") or f"UBOT{team_id}"),
            "bot_id": str(spec.get("bot_id") or f"B{team_id}"),
        }
        if enterprise:
            team["enterprise_id"] = str(enterprise["id"])
        if org_wide:
            team["org_wide"] = "1"
        token = f"xoxb-fake-{team_id}-{uuid.uuid4().hex[:16]}"
        with self._state_lock:
            self._minted[token] = team
        call.team_id = team_id
        return {
            "app_id": self.app_id,
            "authed_user": {"id": str(spec.get("user_id") or "UINSTALLER")},
            "scope": str(spec.get("scope") or self.scope),
            "token_type": "bot",
            "access_token": token,
            "bot_user_id": team["bot_user_id"],
            "team": None if org_wide else {"id": team_id, "name": team_name},
            "enterprise": {"id": str(enterprise["id"]), "name": str(enterprise["name"])}
            if enterprise
            else None,
            "is_enterprise_install": org_wide,
        }


_METHODS: dict[str, MethodHandler] = {
    "api.test": SlackFake._api_test,
    "auth.test": SlackFake._auth_test,
    "auth.revoke": SlackFake._auth_revoke,
    "chat.postMessage": SlackFake._post_message,
    "chat.update": SlackFake._update,
    "chat.delete": SlackFake._delete,
    "chat.postEphemeral": SlackFake._post_ephemeral,
    "chat.startStream": SlackFake._start_stream,
    "chat.appendStream": SlackFake._append_stream,
    "chat.stopStream": SlackFake._stop_stream,
    "assistant.threads.setStatus": SlackFake._set_status,
    "assistant.threads.setTitle": SlackFake._ok,
    "assistant.threads.setSuggestedPrompts": SlackFake._ok,
    "conversations.info": SlackFake._conversations_info,
    "conversations.list": SlackFake._conversations_list,
    "conversations.open": SlackFake._conversations_open,
    "conversations.replies": SlackFake._conversations_replies,
    "conversations.history": SlackFake._conversations_history,
    "users.info": SlackFake._users_info,
    "team.info": SlackFake._team_info,
    "bots.info": SlackFake._bots_info,
    "oauth.v2.access": SlackFake._ok,  # answered by _oauth_v2_access (needs the request)
}


if __name__ == "__main__":
    run_standalone(SlackFake)
