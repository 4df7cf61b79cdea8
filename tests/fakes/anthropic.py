"""Fake Anthropic Messages API: ``POST /v1/messages`` (plain and SSE streaming).

Point LiteLLM at it with ``model="anthropic/claude-…"`` (one of ``models``) and
``api_base=fake.url``.

It refuses what api.anthropic.com refuses, with the shapes its errors page documents
(https://docs.anthropic.com/en/api/errors: ``{"type": "error", "error": {"type", "message"}}``
with 400 ``invalid_request_error``, 401 ``authentication_error``, 403 ``permission_error``,
404 ``not_found_error``, 413 ``request_too_large``, 429 ``rate_limit_error``, 500
``api_error``, 529 ``overloaded_error``):

- a path other than ``/v1/messages`` (``/messages`` included): 404 ``not_found_error``;
- no ``anthropic-version`` header: 400 (knob ``require_version``);
- a key other than ``required_key`` in ``x-api-key`` (a Bearer token is no API key): 401;
- no ``max_tokens``: 400 ``max_tokens: Field required``; a message whose text is empty (a
  string ``""`` or a text block with ``""``, e.g. a file shared without a caption): 400
  ``text content blocks must be non-empty``;
- a model id not in ``models``: 404 ``not_found_error``, ``model: <id>``;
- ``stream_error_after``: after that many deltas the stream carries ``event: error`` with
  ``overloaded_error`` and ends, as the streaming docs describe for an overload mid-answer
  (https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events).

Run standalone: ``python -m tests.fakes.anthropic --port 0 --ready-file PATH``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

from tests.fakes.base import Recorded, Response, json_response, run_standalone
from tests.fakes.llm_base import LLMFakeServer

MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"

_ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def anthropic_error_body(status: int, message: str | None = None) -> dict[str, Any]:
    return {
        "type": "error",
        "error": {
            "type": _ERROR_TYPES.get(status, "api_error"),
            "message": message or f"fake-anthropic error (status {status})",
        },
    }


def _blocks(message: Any, kind: str) -> list[dict[str, Any]]:
    content = message.get("content") if isinstance(message, dict) else None
    if not isinstance(content, list):
        return []
    return [b for b in content if isinstance(b, dict) and b.get("type") == kind]


def tool_blocks_error(messages: list[Any]) -> str | None:
    """Anthropic's 400 message for `tool_result` blocks that answer no `tool_use` of the
    previous message, or `tool_use` blocks the next message does not answer."""
    for index, message in enumerate(messages):
        asked = {b.get("id") for b in _blocks(messages[index - 1], "tool_use")} if index else set()
        answered = [b.get("tool_use_id") for b in _blocks(message, "tool_result")]
        stray = [i for i in answered if i not in asked]
        if stray:
            return (
                f"messages.{index}.content.0: unexpected `tool_use_id` found in `tool_result` "
                f"blocks: {stray[0]}. Each `tool_result` block must have a corresponding "
                "`tool_use` block in the previous message."
            )
        if asked - set(answered):
            return (
                f"messages.{index - 1}: `tool_use` ids were found without `tool_result` blocks "
                f"immediately after: {sorted(asked - set(answered))[0]}. Each `tool_use` block "
                "must have a corresponding `tool_result` block in the next message."
            )
    return None


class AnthropicFake(LLMFakeServer):
    """Anthropic Messages API server."""

    name: ClassVar[str] = "anthropic"
    provider: ClassVar[str] = "anthropic"
    KNOBS: ClassVar[dict[str, Any]] = {
        # The ids (aliases included) litellm_config.yaml asks for, and their snapshots.
        "models": [
            "claude-3-5-haiku-latest",
            "claude-3-5-haiku-20241022",
            "claude-sonnet-4-5",
            "claude-sonnet-4-5-20250929",
        ],
        # Answer 400 when the anthropic-version header is missing, like the real API.
        "require_version": True,
    }

    require_version: bool

    def is_model_call(self, rec: Recorded) -> bool:
        return rec.method == "POST" and rec.path == MESSAGES_PATH

    def key_of(self, rec: Recorded) -> str | None:
        return rec.headers.get("x-api-key")

    def invalid_request(self, rec: Recorded) -> Response | None:
        body: dict[str, Any] = rec.json
        if "max_tokens" not in body:
            return self.error_response(400, "max_tokens: Field required")
        for index, message in enumerate(body.get("messages") or []):
            content = message.get("content") if isinstance(message, dict) else None
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            for block_index, block in enumerate(blocks or []):
                empty = isinstance(block, dict) and block.get("type") == "text"
                if empty and not block.get("text"):
                    return self.error_response(
                        400,
                        f"messages.{index}.content.{block_index}.text: "
                        "text content blocks must be non-empty",
                    )
        problem = tool_blocks_error(body.get("messages") or [])
        return self.error_response(400, problem) if problem else None

    def unknown_model_response(self, model: str) -> Response:
        return self.error_response(404, f"model: {model}")

    def system_prompt_of(self, rec: Recorded) -> str | None:
        body = rec.json if isinstance(rec.json, dict) else {}
        system = body.get("system")
        if system is None or system == []:
            return None
        return self.text_of(system)

    def error_response(self, status: int, message: str | None = None) -> Response:
        headers = self.retry_headers(status)
        headers["request-id"] = f"req_{uuid.uuid4().hex[:24]}"
        return json_response(anthropic_error_body(status, message), status=status, headers=headers)

    def handle(self, rec: Recorded) -> Response:
        if self.is_model_call(rec):
            if not isinstance(rec.json, dict):
                return self.error_response(400, "messages: request body is not valid JSON")
            if self.require_version and "anthropic-version" not in rec.headers:
                return self.error_response(400, "anthropic-version: header is required")
            return self.gate(rec) or self._message(rec)
        if rec.method == "POST" and rec.path == COUNT_TOKENS_PATH:
            return json_response({"input_tokens": self.prompt_tokens})
        if rec.method == "GET" and rec.path == "/v1/models":
            data = [
                {
                    "type": "model",
                    "id": m,
                    "display_name": m,
                    "created_at": "2025-01-01T00:00:00Z",
                }
                for m in self.models
            ]
            return json_response(
                {
                    "data": data,
                    "has_more": False,
                    "first_id": data[0]["id"] if data else None,
                    "last_id": data[-1]["id"] if data else None,
                }
            )
        return self.error_response(404, "Not Found")

    def _message(self, rec: Recorded) -> Response:
        body: dict[str, Any] = rec.json
        model = str(body.get("model") or "claude-fake")
        tool_calls = self.next_tool_calls(rec) or []
        text = "" if tool_calls else self.reply_for(rec)
        stop_reason = "tool_use" if tool_calls else "end_turn"
        uses = [
            {"type": "tool_use", "id": call["id"].replace("call_", "toolu_"), "name": call["name"],
             "input": call["arguments"]}
            for call in tool_calls
        ]  # fmt: skip
        msg_id = f"msg_{uuid.uuid4().hex[:24]}"
        headers = {"request-id": f"req_{uuid.uuid4().hex[:24]}"}
        if not body.get("stream"):
            return json_response(
                {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": uses or [{"type": "text", "text": text}],
                    "stop_reason": stop_reason,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": self.prompt_tokens,
                        "output_tokens": self.completion_tokens,
                        "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 0,
                    },
                },
                headers=headers,
            )

        def event(name: str, data: dict[str, Any]) -> bytes:
            return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()

        def events() -> Iterator[bytes]:
            yield event(
                "message_start",
                {
                    "type": "message_start",
                    "message": {
                        "id": msg_id,
                        "type": "message",
                        "role": "assistant",
                        "model": model,
                        "content": [],
                        "stop_reason": None,
                        "stop_sequence": None,
                        "usage": {
                            "input_tokens": self.prompt_tokens,
                            "output_tokens": 1,
                            "cache_creation_input_tokens": 0,
                            "cache_read_input_tokens": 0,
                        },
                    },
                },
            )
            for index, use in enumerate(uses):
                start = {**use, "input": {}}
                yield event(
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": start},
                )
                arguments = json.dumps(use["input"])
                for cut in range(0, len(arguments), 8):
                    yield event(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": index,
                            "delta": {
                                "type": "input_json_delta",
                                "partial_json": arguments[cut : cut + 8],
                            },
                        },
                    )
                yield event("content_block_stop", {"type": "content_block_stop", "index": index})
            if not uses:
                yield event(
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": 0,
                        "content_block": {"type": "text", "text": ""},
                    },
                )
                yield event("ping", {"type": "ping"})
                pieces, fails = self.stream_pieces(text)
                for piece in pieces:
                    yield event(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": 0,
                            "delta": {"type": "text_delta", "text": piece},
                        },
                    )
                if fails:
                    yield event("error", anthropic_error_body(529, "Overloaded"))
                    return
                yield event("content_block_stop", {"type": "content_block_stop", "index": 0})
            yield event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                    "usage": {"output_tokens": self.completion_tokens},
                },
            )
            yield event("message_stop", {"type": "message_stop"})

        return Response(
            content_type="text/event-stream; charset=utf-8",
            headers=headers,
            stream=events(),
            chunk_delay=self.stream_chunk_delay,
        )


if __name__ == "__main__":
    run_standalone(AnthropicFake)
