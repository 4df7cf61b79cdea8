"""Fake OpenAI API: ``/v1/chat/completions`` (plain and SSE streaming), ``/v1/models``, and
the Responses API (``/v1/responses``, tests/fakes/openai_responses.py).

Point the OpenAI SDK at ``fake.url + "/v1"``, LiteLLM at ``api_base=fake.url + "/v1"``.

It refuses what api.openai.com refuses, with the bodies its error-codes guide documents
(https://platform.openai.com/docs/guides/error-codes; every error is
``{"error": {"message", "type", "param", "code"}}``):

- a path it does not serve, ``/chat/completions`` without ``/v1`` included: 404
  ``invalid_request_error``, message ``Invalid URL (POST /chat/completions)``, code null;
- a key other than ``required_key`` in ``Authorization: Bearer``: 401 ``invalid_api_key``;
- a model id not in ``models``: 404 ``model_not_found``, "The model `x` does not exist or
  you do not have access to it.";
- ``stream_error_after``: the SSE stream stops after that many deltas and the connection is
  dropped a second later (no finish chunk, no ``[DONE]``), as when the service fails
  mid-answer.

Run standalone: ``python -m tests.fakes.openai --port 0 --ready-file PATH``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any, ClassVar

from tests.fakes import openai_responses
from tests.fakes.base import Recorded, Response, json_response, run_standalone
from tests.fakes.llm_base import LLMFakeServer

CHAT_PATHS = frozenset({"/v1/chat/completions"})
MODELS_PATH = "/v1/models"

_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("permission_error", None, "You are not allowed to use this model."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    408: ("timeout", None, "Request timed out."),
    422: ("invalid_request_error", None, "Unprocessable request."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
    500: ("server_error", None, "The server had an error while processing your request."),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", "service_unavailable", "The engine is currently overloaded."),
}


def openai_error_body(
    status: int, message: str | None = None, code: str | None = ""
) -> dict[str, Any]:
    """OpenAI's error body; ``code=""`` means the status's usual code."""
    etype, usual_code, default_message = _ERRORS.get(status, ("api_error", None, "Error."))
    return {
        "error": {
            "message": message or f"{default_message} (fake-openai, status {status})",
            "type": etype,
            "param": None,
            "code": usual_code if code == "" else code,
        }
    }


def unknown_model_body(model: str) -> dict[str, Any]:
    return openai_error_body(
        404, f"The model `{model}` does not exist or you do not have access to it."
    )


def invalid_url_body(rec: Recorded) -> dict[str, Any]:
    return openai_error_body(404, f"Invalid URL ({rec.method} {rec.path})", code=None)


def system_prompt_of_chat(rec: Recorded) -> str | None:
    body = rec.json if isinstance(rec.json, dict) else {}
    texts = [
        LLMFakeServer.text_of(m.get("content"))
        for m in body.get("messages") or []
        if isinstance(m, dict) and m.get("role") in ("system", "developer")
    ]
    return "\n".join(texts) if texts else None


def tool_messages_error(body: dict[str, Any]) -> str | None:
    """OpenAI's 400 message for tool messages that answer no call, or calls left unanswered."""
    pending: list[str] = []
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        if message.get("role") == "tool":
            if message.get("tool_call_id") not in pending:
                return (
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    "preceeding message with 'tool_calls'."
                )
            pending.remove(message["tool_call_id"])
            continue
        if pending:
            break
        pending = [call.get("id") for call in message.get("tool_calls") or []]
    if pending:
        return (
            "An assistant message with 'tool_calls' must be followed by tool messages responding "
            f"to each 'tool_call_id'. The following tool_call_ids did not have response "
            f"messages: {', '.join(str(p) for p in pending)}"
        )
    return None


def _tool_call_wire(call: dict[str, Any], index: int | None = None) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "id": call["id"],
        "type": "function",
        "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
    }
    return wire if index is None else {"index": index, **wire}


def chat_completion_response(fake: LLMFakeServer, rec: Recorded) -> Response:
    """Answer one (already gated) chat completion in OpenAI's wire format."""
    body = rec.json if isinstance(rec.json, dict) else {}
    model = str(body.get("model") or "gpt-fake")
    tool_calls = fake.next_tool_calls(rec)
    text = "" if tool_calls else fake.reply_for(rec)
    finish_reason = "tool_calls" if tool_calls else "stop"
    # `response_id` set: every answer carries that id (a provider may repeat ids; the
    # gateway must not take them for its own call ids).
    completion_id = fake.knobs().get("response_id") or f"chatcmpl-{uuid.uuid4().hex[:24]}"
    created = int(time.time())
    usage = {
        "prompt_tokens": fake.prompt_tokens,
        "completion_tokens": fake.completion_tokens,
        "total_tokens": fake.prompt_tokens + fake.completion_tokens,
    }
    headers = {"x-request-id": f"req_{uuid.uuid4().hex}", "openai-processing-ms": "1"}
    if not body.get("stream"):
        return json_response(
            {
                "id": completion_id,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": None if tool_calls else text,
                            "refusal": None,
                            **(
                                {"tool_calls": [_tool_call_wire(c) for c in tool_calls]}
                                if tool_calls
                                else {}
                            ),
                        },
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": usage,
            },
            headers=headers,
        )
    pieces, fails = fake.stream_pieces(text)
    options = body.get("stream_options")
    include_usage = isinstance(options, dict) and bool(options.get("include_usage"))

    def chunk(choices: list[dict[str, Any]], with_usage: Any = None) -> bytes:
        obj: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": "fp_fake",
            "choices": choices,
        }
        if include_usage:
            obj["usage"] = with_usage
        return f"data: {json.dumps(obj)}\n\n".encode()

    def events() -> Iterator[bytes]:
        yield chunk(
            [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": "", "refusal": None},
                    "logprobs": None,
                    "finish_reason": None,
                }
            ]
        )
        for piece in pieces:
            yield chunk(
                [{"index": 0, "delta": {"content": piece}, "logprobs": None, "finish_reason": None}]
            )
        for index, call in enumerate(tool_calls or []):
            # The name in the first delta of each call, the arguments after it in pieces.
            opening = _tool_call_wire(call, index)
            opening["function"]["arguments"] = ""
            yield chunk([{"index": 0, "delta": {"tool_calls": [opening]}, "finish_reason": None}])
            arguments = json.dumps(call["arguments"])
            for start in range(0, len(arguments), 8):
                piece = {"index": index, "function": {"arguments": arguments[start : start + 8]}}
                yield chunk([{"index": 0, "delta": {"tool_calls": [piece]}, "finish_reason": None}])
        if fails:
            return
        yield chunk([{"index": 0, "delta": {}, "logprobs": None, "finish_reason": finish_reason}])
        if include_usage:
            yield chunk([], usage)
        yield b"data: [DONE]\n\n"

    return Response(
        content_type="text/event-stream; charset=utf-8",
        headers=headers,
        stream=events(),
        chunk_delay=fake.stream_chunk_delay,
        drop_connection=fails,
        drop_after=fake.stream_failure_pause if fails else 0.0,
    )


def models_response(models: list[str], owner: str) -> Response:
    return json_response(
        {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 1700000000, "owned_by": owner}
                for m in models
            ],
        }
    )


class OpenAIFake(LLMFakeServer):
    """OpenAI-compatible chat completions server."""

    name: ClassVar[str] = "openai"
    provider: ClassVar[str] = "openai"
    # A connection that dies mid-answer dies a while after its last delta, as a real one does;
    # dropped at once, the deltas and the end of the connection reach the proxy together, and
    # LiteLLM's aiohttp transport then raises the payload error before it hands out the
    # deltas it already holds (the router then sees a stream that failed before its first
    # chunk, and retries it elsewhere).
    stream_failure_pause: ClassVar[float] = 1.0
    KNOBS: ClassVar[dict[str, Any]] = {"models": ["gpt-4o-mini", "gpt-4o"], "response_id": None}

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **knobs: Any) -> None:
        # Responses API results stored in this (shared) provider account, by id.
        self.stored_responses: dict[str, dict[str, Any]] = {}
        super().__init__(host, port, **knobs)

    def clear(self) -> None:
        with self._lock:
            super().clear()
            self.stored_responses.clear()

    def is_model_call(self, rec: Recorded) -> bool:
        return rec.method == "POST" and (
            rec.path in CHAT_PATHS or rec.path == openai_responses.RESPONSES_PATH
        )

    def system_prompt_of(self, rec: Recorded) -> str | None:
        if rec.path == openai_responses.RESPONSES_PATH:
            body = rec.json if isinstance(rec.json, dict) else {}
            instructions = body.get("instructions")
            return instructions if isinstance(instructions, str) else None
        return system_prompt_of_chat(rec)

    def error_response(self, status: int, message: str | None = None) -> Response:
        return json_response(
            openai_error_body(status, message), status=status, headers=self.retry_headers(status)
        )

    def invalid_request(self, rec: Recorded) -> Response | None:
        if rec.path != openai_responses.RESPONSES_PATH:
            problem = tool_messages_error(rec.json)
            if problem is not None:
                return self.error_response(400, problem)
        return None

    def unknown_model_response(self, model: str) -> Response:
        return json_response(unknown_model_body(model), status=404)

    def handle(self, rec: Recorded) -> Response:
        if self.is_model_call(rec):
            if not isinstance(rec.json, dict):
                return self.error_response(400, "We could not parse the JSON body of your request.")
            if rec.path == openai_responses.RESPONSES_PATH:
                return self.gate(rec) or openai_responses.create(self, rec)
            return self.gate(rec) or chat_completion_response(self, rec)
        if rec.path.startswith(openai_responses.RESPONSES_PATH + "/"):
            if self.required_key is not None and self.key_of(rec) != self.required_key:
                return self.error_response(401)
            answer = openai_responses.by_id(self, rec)
            if answer is not None:
                return answer
        if rec.method == "GET" and rec.path == MODELS_PATH:
            return models_response(self.models, "fake-openai")
        if rec.method == "GET" and rec.path.startswith(MODELS_PATH + "/"):
            model_id = rec.path[len(MODELS_PATH) + 1 :]
            if not self.serves(model_id):
                return self.unknown_model_response(model_id)
            return json_response(
                {"id": model_id, "object": "model", "created": 1700000000, "owned_by": "fake"}
            )
        return json_response(invalid_url_body(rec), status=404)


if __name__ == "__main__":
    run_standalone(OpenAIFake)
