"""Fake Anthropic Messages API: ``POST /v1/messages`` (plain and SSE streaming).

Point LiteLLM at it with ``model="anthropic/claude-…"``, ``api_base=fake.url`` and any
``api_key``. The key arrives as ``x-api-key``; ``anthropic-version`` is required like
the real API (knob ``require_version``).

Run standalone: ``python -m tests.fakes.anthropic --port 0 --ready-file PATH``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

from tests.fakes.base import Recorded, Response, json_response, run_standalone
from tests.fakes.llm_base import LLMFakeServer

MESSAGES_PATHS = frozenset({"/v1/messages", "/messages"})
COUNT_TOKENS_PATHS = frozenset({"/v1/messages/count_tokens", "/messages/count_tokens"})

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


class AnthropicFake(LLMFakeServer):
    """Anthropic Messages API server."""

    name: ClassVar[str] = "anthropic"
    provider: ClassVar[str] = "anthropic"
    KNOBS: ClassVar[dict[str, Any]] = {
        "models": ["claude-3-5-haiku-20241022", "claude-sonnet-4-20250514"],
        # Answer 400 when the anthropic-version header is missing, like the real API.
        "require_version": True,
    }

    require_version: bool

    def is_model_call(self, rec: Recorded) -> bool:
        return rec.method == "POST" and rec.path in MESSAGES_PATHS

    def key_of(self, rec: Recorded) -> str | None:
        return rec.headers.get("x-api-key") or rec.bearer

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
        if rec.method == "POST" and rec.path in COUNT_TOKENS_PATHS:
            return json_response({"input_tokens": self.prompt_tokens})
        if rec.method == "GET" and rec.path in ("/v1/models", "/models"):
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
        return self.error_response(404, f"Not found: {rec.method} {rec.path}")

    def _message(self, rec: Recorded) -> Response:
        body: dict[str, Any] = rec.json
        model = str(body.get("model") or "claude-fake")
        text = self.reply_for(rec)
        msg_id = f"msg_{uuid.uuid4().hex[:24]}"
        headers = {"request-id": f"req_{uuid.uuid4().hex[:24]}"}
        if not body.get("stream"):
            return json_response(
                {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "text", "text": text}],
                    "stop_reason": "end_turn",
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
            yield event(
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": 0,
                    "content_block": {"type": "text", "text": ""},
                },
            )
            yield event("ping", {"type": "ping"})
            for piece in self.split_reply(text):
                yield event(
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": 0,
                        "delta": {"type": "text_delta", "text": piece},
                    },
                )
            yield event("content_block_stop", {"type": "content_block_stop", "index": 0})
            yield event(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn", "stop_sequence": None},
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
