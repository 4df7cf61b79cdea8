"""Raw wire checks of the Anthropic and Ollama fakes (event order, NDJSON, side endpoints)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fakes.anthropic import AnthropicFake
from tests.fakes.ollama import OllamaFake

pytestmark = pytest.mark.unit

ANTHROPIC_HEADERS = {"x-api-key": "sk-ant", "anthropic-version": "2023-06-01"}


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
            "model": "claude-x",
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
    assert body["model"] == "claude-x"
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
            "model": "claude-x",
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
    payload = {"model": "c", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    missing_version = httpx.post(url, headers={"x-api-key": "k"}, json=payload)
    assert missing_version.status_code == 400
    assert missing_version.json()["type"] == "error"

    fake_anthropic.configure(fail_status=529)
    overloaded = httpx.post(url, headers=ANTHROPIC_HEADERS, json=payload)
    assert overloaded.status_code == 529
    assert overloaded.json() == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "fake-anthropic error (status 529)"},
    }

    fake_anthropic.configure(fail_status=None, required_key="sk-good")
    denied = httpx.post(url, headers=ANTHROPIC_HEADERS, json=payload)
    assert denied.status_code == 401
    assert denied.json()["error"]["type"] == "authentication_error"


def test_ollama_side_endpoints(fake_ollama: OllamaFake) -> None:
    root = httpx.get(fake_ollama.url)
    assert root.status_code == 200
    assert root.text == "Ollama is running"
    tags = httpx.get(f"{fake_ollama.url}/api/tags").json()
    assert [m["name"] for m in tags["models"]] == ["llama3:latest", "llama3.2:latest"]
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
