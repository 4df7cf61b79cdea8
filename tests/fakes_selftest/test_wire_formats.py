"""Raw wire checks of the Anthropic and Ollama fakes (event order, NDJSON, side endpoints)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fakes.anthropic import AnthropicFake
from tests.fakes.fixtures import ANTHROPIC_PLATFORM_KEY
from tests.fakes.ollama import OllamaFake

pytestmark = pytest.mark.unit

ANTHROPIC_HEADERS = {"x-api-key": ANTHROPIC_PLATFORM_KEY, "anthropic-version": "2023-06-01"}
HI = [{"role": "user", "content": "hi"}]


def _sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_anthropic_non_stream_shape(fake_anthropic: AnthropicFake) -> None:
    resp = httpx.post(
        f"{fake_anthropic.url}/v1/messages",
        headers=ANTHROPIC_HEADERS,
        json={
            "model": "claude-sonnet-4-5",
            "max_tokens": 100,
            "system": "Be Ava.",
            "messages": [{"role": "user", "content": "hi"}],
        },
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["id"].startswith("msg_")
    assert body["type"] == "message"
    assert body["role"] == "assistant"
    assert body["model"] == "claude-sonnet-4-5"
    assert body["content"] == [{"type": "text", "text": "Hello from fake-anthropic"}]
    assert body["stop_reason"] == "end_turn"
    assert body["stop_sequence"] is None
    assert body["usage"]["input_tokens"] == 11
    assert body["usage"]["output_tokens"] == 7
    assert fake_anthropic.system_prompts() == ["Be Ava."]


def test_anthropic_stream_event_sequence(fake_anthropic: AnthropicFake) -> None:
    fake_anthropic.configure(reply_text="a b c d e f", echo_system=True)
    with httpx.stream(
        "POST",
        f"{fake_anthropic.url}/v1/messages",
        headers=ANTHROPIC_HEADERS,
        json={
            "model": "claude-sonnet-4-5",
            "max_tokens": 100,
            "stream": True,
            "system": [{"type": "text", "text": "Block one."}, {"type": "text", "text": "Two."}],
            "messages": [{"role": "user", "content": "hi"}],
        },
    ) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        events = _sse(resp.read().decode())
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    deltas = [data for name, data in events if name == "content_block_delta"]
    assert len(deltas) > 1
    assert all(d["delta"]["type"] == "text_delta" for d in deltas)
    text = "".join(d["delta"]["text"] for d in deltas)
    assert text.startswith("a b c d e f")
    assert "Block one.\nTwo." in text
    assert all(data["type"] == name for name, data in events)
    message_delta = events[-2][1]
    assert message_delta["usage"]["output_tokens"] == 7
    assert message_delta["delta"]["stop_reason"] == "end_turn"
    assert events[0][1]["message"]["usage"]["input_tokens"] == 11


def test_anthropic_errors(fake_anthropic: AnthropicFake) -> None:
    url = f"{fake_anthropic.url}/v1/messages"
    payload = {"model": "claude-sonnet-4-5", "max_tokens": 5, "messages": HI}
    missing_version = httpx.post(url, headers={"x-api-key": ANTHROPIC_PLATFORM_KEY}, json=payload)
    assert missing_version.status_code == 400
    assert missing_version.json()["type"] == "error"

    fake_anthropic.configure(fail_status=529)
    overloaded = httpx.post(url, headers=ANTHROPIC_HEADERS, json=payload)
    assert overloaded.status_code == 529
    assert overloaded.json() == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "fake-anthropic error (status 529)"},
    }

    fake_anthropic.configure(fail_status=None)
    for headers in (
        {**ANTHROPIC_HEADERS, "x-api-key": "sk-ant-other"},
        {"anthropic-version": "2023-06-01", "Authorization": f"Bearer {ANTHROPIC_PLATFORM_KEY}"},
    ):
        denied = httpx.post(url, headers=headers, json=payload)
        assert denied.status_code == 401
        assert denied.json()["error"]["type"] == "authentication_error"


@pytest.mark.parametrize(
    ("change", "status", "error_type", "says"),
    [
        ({"max_tokens": None}, 400, "invalid_request_error", "max_tokens: Field required"),
        ({"messages": [{"role": "user", "content": ""}]}, 400, "invalid_request_error", "empty"),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]},
            400,
            "invalid_request_error",
            "non-empty",
        ),
        ({"model": "claude-nope"}, 404, "not_found_error", "model: claude-nope"),
    ],
)
def test_anthropic_refuses_what_the_real_api_refuses(
    fake_anthropic: AnthropicFake,
    change: dict[str, Any],
    status: int,
    error_type: str,
    says: str,
) -> None:
    payload = {"model": "claude-sonnet-4-5", "max_tokens": 5, "messages": HI, **change}
    sent = {name: value for name, value in payload.items() if value is not None}
    resp = httpx.post(f"{fake_anthropic.url}/v1/messages", headers=ANTHROPIC_HEADERS, json=sent)
    assert resp.status_code == status
    body = resp.json()
    assert (body["type"], body["error"]["type"]) == ("error", error_type)
    assert says in body["error"]["message"]


def test_anthropic_serves_v1_messages_only(fake_anthropic: AnthropicFake) -> None:
    payload = {"model": "claude-sonnet-4-5", "max_tokens": 5, "messages": HI}
    resp = httpx.post(f"{fake_anthropic.url}/messages", headers=ANTHROPIC_HEADERS, json=payload)
    assert resp.status_code == 404
    assert resp.json()["error"]["type"] == "not_found_error"
    assert fake_anthropic.model_calls() == []


def test_anthropic_overload_mid_stream_is_an_error_event(fake_anthropic: AnthropicFake) -> None:
    fake_anthropic.configure(reply_text="a b c d", stream_error_after=1)
    with httpx.stream(
        "POST",
        f"{fake_anthropic.url}/v1/messages",
        headers=ANTHROPIC_HEADERS,
        json={"model": "claude-sonnet-4-5", "max_tokens": 5, "stream": True, "messages": HI},
    ) as resp:
        assert resp.status_code == 200
        events = _sse(resp.read().decode())
    assert [name for name, _ in events][-2:] == ["content_block_delta", "error"]
    assert events[-1][1] == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }


def test_ollama_side_endpoints(fake_ollama: OllamaFake) -> None:
    root = httpx.get(fake_ollama.url)
    assert root.status_code == 200
    assert root.text == "Ollama is running"
    tags = httpx.get(f"{fake_ollama.url}/api/tags").json()
    assert [m["name"] for m in tags["models"]] == ["llama3.2:1b", "llama3.1:8b", "llama3:latest"]
    show = httpx.post(f"{fake_ollama.url}/api/show", json={"name": "llama3"}).json()
    assert show["details"]["family"] == "llama"
    assert show["model_info"]["llama.context_length"] == 8192
    assert "template" in show
    assert httpx.get(f"{fake_ollama.url}/api/version").json()["version"]


def test_ollama_chat_streams_ndjson_by_default(fake_ollama: OllamaFake) -> None:
    fake_ollama.reply_text = "one two three four five"
    resp = httpx.post(
        f"{fake_ollama.url}/api/chat",
        json={"model": "llama3", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert resp.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in resp.text.splitlines()]
    assert all(not line["done"] for line in lines[:-1])
    assert "".join(line["message"]["content"] for line in lines) == "one two three four five"
    final = lines[-1]
    assert final["done"] is True
    assert final["done_reason"] == "stop"
    assert (final["prompt_eval_count"], final["eval_count"]) == (11, 7)
    assert final["total_duration"] > 0


def test_ollama_generate(fake_ollama: OllamaFake) -> None:
    fake_ollama.echo_system = True
    body = httpx.post(
        f"{fake_ollama.url}/api/generate",
        json={"model": "llama3", "prompt": "hi", "system": "Be brief.", "stream": False},
    ).json()
    assert body["done"] is True
    assert body["response"].startswith("Hello from fake-ollama")
    assert "Be brief." in body["response"]
    assert body["eval_count"] == 7

    fake_ollama.echo_system = False
    stream = httpx.post(
        f"{fake_ollama.url}/api/generate",
        json={"model": "llama3", "prompt": "hi", "stream": True},
    )
    lines = [json.loads(line) for line in stream.text.splitlines()]
    assert "".join(line["response"] for line in lines) == "Hello from fake-ollama"
    assert lines[-1]["done"] is True


def test_ollama_error_shape(fake_ollama: OllamaFake) -> None:
    fake_ollama.configure(fail_status=503)
    resp = httpx.post(
        f"{fake_ollama.url}/api/chat",
        json={"model": "llama3", "messages": [], "stream": False},
    )
    assert resp.status_code == 503
    assert resp.json() == {"error": "fake-ollama error (status 503)"}


def test_ollama_openai_compatible_endpoint(fake_ollama: OllamaFake) -> None:
    resp = httpx.post(
        f"{fake_ollama.url}/v1/chat/completions",
        json={"model": "llama3", "messages": [{"role": "user", "content": "hi"}]},
    ).json()
    assert resp["object"] == "chat.completion"
    assert resp["choices"][0]["message"]["content"] == "Hello from fake-ollama"
    assert resp["usage"]["total_tokens"] == 18


def test_ollama_refuses_a_model_that_is_not_pulled(fake_ollama: OllamaFake) -> None:
    for path in ("/api/chat", "/api/show"):
        resp = httpx.post(f"{fake_ollama.url}{path}", json={"model": "mistral", "messages": HI})
        assert resp.status_code == 404
        assert resp.json() == {"error": "model 'mistral' not found"}
    compatible = httpx.post(
        f"{fake_ollama.url}/v1/chat/completions", json={"model": "mistral", "messages": HI}
    )
    assert compatible.status_code == 404
    assert compatible.json()["error"]["code"] == "model_not_found"
    assert httpx.post(f"{fake_ollama.url}/chat/completions", json={}).status_code == 404


def test_ollama_error_mid_stream_is_an_error_line(fake_ollama: OllamaFake) -> None:
    fake_ollama.configure(reply_text="one two three", stream_error_after=2)
    resp = httpx.post(f"{fake_ollama.url}/api/chat", json={"model": "llama3.2:1b", "messages": HI})
    assert resp.status_code == 200
    lines = [json.loads(line) for line in resp.text.splitlines()]
    assert [line["message"]["content"] for line in lines[:-1]] == ["one ", "two "]
    assert set(lines[-1]) == {"error"}


def test_one_ollama_model_fails_while_another_answers(fake_ollama: OllamaFake) -> None:
    fake_ollama.configure(fail_models={"llama3.1:8b": 500})
    payload: dict[str, Any] = {"messages": HI, "stream": False}
    failed = httpx.post(f"{fake_ollama.url}/api/chat", json={**payload, "model": "llama3.1:8b"})
    answered = httpx.post(f"{fake_ollama.url}/api/chat", json={**payload, "model": "llama3.2:1b"})
    assert (failed.status_code, answered.status_code) == (500, 200)
