"""OpenAI's Responses API for the fake OpenAI: create (plain and SSE), retrieve, delete,
cancel, input items (https://platform.openai.com/docs/api-reference/responses).

Stored responses live in the fake's account, as they do in a real provider account shared
by every caller holding its key: any caller with the key can read any id. A response echoes
the request's ``metadata``. Refusals follow the API reference: an unknown id → 404
``invalid_request_error`` "No response found with id '…'."; an unknown
``previous_response_id`` → 400 ``previous_response_not_found``; ``metadata`` beyond its
documented limits (at most 16 pairs, string keys up to 64 characters, string values up to
512) → 400 with ``param`` ``metadata``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tests.fakes.base import Recorded, Response, json_response

if TYPE_CHECKING:
    from tests.fakes.openai import OpenAIFake

RESPONSES_PATH = "/v1/responses"
METADATA_MAX_PAIRS = 16
METADATA_MAX_KEY = 64
METADATA_MAX_VALUE = 512


def _error(status: int, message: str, param: str | None, code: str | None) -> Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": param,
                      "code": code}}  # fmt: skip
    return json_response(body, status=status)


def _not_found(response_id: str) -> Response:
    return _error(404, f"No response found with id '{response_id}'.", None, None)


def _metadata_refusal(metadata: object) -> Response | None:
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return _error(400, "Invalid type for 'metadata': expected an object.", "metadata", None)
    if len(metadata) > METADATA_MAX_PAIRS:
        message = (
            "Invalid 'metadata': too many properties. Expected an object with at most "
            f"{METADATA_MAX_PAIRS} properties, but got an object with {len(metadata)} "
            "properties instead."
        )
        return _error(400, message, "metadata", "object_above_max_properties")
    for key, value in metadata.items():
        if len(key) > METADATA_MAX_KEY:
            message = f"Invalid 'metadata': keys are at most {METADATA_MAX_KEY} characters."
            return _error(400, message, "metadata", "string_above_max_length")
        if not isinstance(value, str) or len(value) > METADATA_MAX_VALUE:
            message = (
                f"Invalid 'metadata.{key}': values are strings of {METADATA_MAX_VALUE} or fewer."
            )
            return _error(400, message, f"metadata.{key}", "invalid_value")
    return None


def _input_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    given = body.get("input")
    if isinstance(given, str):
        given = [{"role": "user", "content": given}]
    items = []
    for item in given if isinstance(given, list) else []:
        content = item.get("content") if isinstance(item, dict) else None
        text = content if isinstance(content, str) else json.dumps(content)
        items.append(
            {
                "type": "message",
                "id": f"msg_{uuid.uuid4().hex[:24]}",
                "role": item.get("role", "user") if isinstance(item, dict) else "user",
                "content": [{"type": "input_text", "text": text}],
            }
        )
    return items


def _response_object(fake: OpenAIFake, body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": str(body.get("model")),
        "output": [
            {
                "type": "message",
                "id": f"msg_{uuid.uuid4().hex[:24]}",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "previous_response_id": body.get("previous_response_id"),
        "store": body.get("store", True),
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": {
            "input_tokens": fake.prompt_tokens,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": fake.completion_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": fake.prompt_tokens + fake.completion_tokens,
        },
        "user": None,
        "metadata": body.get("metadata") or {},
    }


def _events(fake: OpenAIFake, created: dict[str, Any], text: str) -> Iterator[bytes]:
    sequence = 0

    def event(kind: str, **fields: Any) -> bytes:
        nonlocal sequence
        sequence += 1
        payload = {"type": kind, "sequence_number": sequence, **fields}
        return f"event: {kind}\ndata: {json.dumps(payload)}\n\n".encode()

    item = created["output"][0]
    pending = {**created, "status": "in_progress", "output": [], "usage": None}
    yield event("response.created", response=pending)
    yield event("response.in_progress", response=pending)
    yield event("response.output_item.added", output_index=0,
                item={**item, "status": "in_progress", "content": []})  # fmt: skip
    part = {"type": "output_text", "text": "", "annotations": []}
    yield event("response.content_part.added", item_id=item["id"], output_index=0,
                content_index=0, part=part)  # fmt: skip
    for piece in fake.split_reply(text):
        yield event("response.output_text.delta", item_id=item["id"], output_index=0,
                    content_index=0, delta=piece)  # fmt: skip
    yield event("response.output_text.done", item_id=item["id"], output_index=0,
                content_index=0, text=text)  # fmt: skip
    yield event("response.content_part.done", item_id=item["id"], output_index=0,
                content_index=0, part={**part, "text": text})  # fmt: skip
    yield event("response.output_item.done", output_index=0, item=item)
    yield event("response.completed", response=created)


def create(fake: OpenAIFake, rec: Recorded) -> Response:
    """Answer one (already gated) `POST /v1/responses`."""
    body = rec.json if isinstance(rec.json, dict) else {}
    refused = _metadata_refusal(body.get("metadata"))
    if refused is not None:
        return refused
    previous = body.get("previous_response_id")
    if previous is not None and previous not in fake.stored_responses:
        return _error(
            400,
            f"Previous response with id '{previous}' not found.",
            "previous_response_id",
            "previous_response_not_found",
        )
    text = fake.reply_for(rec)
    created = _response_object(fake, body, text)
    fake.stored_responses[created["id"]] = {"response": created, "items": _input_items(body)}
    if not body.get("stream"):
        return json_response(created)
    return Response(
        content_type="text/event-stream; charset=utf-8",
        stream=_events(fake, created, text),
        chunk_delay=fake.stream_chunk_delay,
    )


def by_id(fake: OpenAIFake, rec: Recorded) -> Response | None:
    """Retrieve, delete, cancel and input items of a stored response; None: not such a path."""
    rest = rec.path[len(RESPONSES_PATH) + 1 :]
    response_id, _, action = rest.partition("/")
    stored = fake.stored_responses.get(response_id)
    if (rec.method, action) not in {("GET", ""), ("DELETE", ""), ("POST", "cancel"),
                                    ("GET", "input_items")}:  # fmt: skip
        return None
    if stored is None:
        return _not_found(response_id)
    if rec.method == "DELETE":
        del fake.stored_responses[response_id]
        return json_response({"id": response_id, "object": "response", "deleted": True})
    if action == "cancel":
        return _error(400, "Only background responses can be cancelled.", None, None)
    if action == "input_items":
        items = stored["items"]
        return json_response(
            {
                "object": "list",
                "data": items,
                "first_id": items[0]["id"] if items else None,
                "last_id": items[-1]["id"] if items else None,
                "has_more": False,
            }
        )
    return json_response(stored["response"])
