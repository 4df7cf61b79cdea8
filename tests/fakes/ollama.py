"""Fake Ollama server: ``/api/chat``, ``/api/generate`` (JSON or NDJSON streaming),
``/api/tags``, ``/api/show``, ``/api/version``, ``GET /`` and the OpenAI-compatible
``/v1/chat/completions`` that real Ollama also serves.

Point LiteLLM at it with ``model="ollama_chat/<one of models>"`` and ``api_base=fake.url``.
Like real Ollama, ``stream`` defaults to true when the request omits it, and it has no key.

It refuses what a real Ollama refuses, in the shapes of its API docs
(https://github.com/ollama/ollama/blob/main/docs/api.md: errors are ``{"error": "<text>"}``
with an HTTP status):

- a model that is not pulled (not in ``models``; ``llama3`` means ``llama3:latest``): 404
  ``{"error": "model 'x' not found"}``;
- a path it does not serve (``/chat/completions`` without ``/v1``): 404
  ``404 page not found`` in plain text;
- ``stream_error_after``: after that many NDJSON lines a line ``{"error": "..."}`` ends the
  stream, HTTP status still 200, which is how Ollama reports an error mid-stream.

Run standalone: ``python -m tests.fakes.ollama --port 0 --ready-file PATH``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from tests.fakes.base import Recorded, Response, json_response, run_standalone, text_response
from tests.fakes.llm_base import LLMFakeServer
from tests.fakes.openai import (
    CHAT_PATHS,
    MODELS_PATH,
    chat_completion_response,
    models_response,
    openai_error_body,
    system_prompt_of_chat,
    unknown_model_body,
)

NATIVE_PATHS = frozenset({"/api/chat", "/api/generate"})


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _tag(name: str) -> str:
    return name if ":" in name else f"{name}:latest"


class OllamaFake(LLMFakeServer):
    """Ollama's native API (plus its OpenAI-compatible chat completions)."""

    name: ClassVar[str] = "ollama"
    provider: ClassVar[str] = "ollama"
    KNOBS: ClassVar[dict[str, Any]] = {
        # What litellm_config.yaml asks for, and `llama3` for short examples.
        "models": ["llama3.2:1b", "llama3.1:8b", "llama3:latest"],
        # Reported by /api/show as <family>.context_length.
        "context_length": 8192,
    }

    context_length: int

    def is_model_call(self, rec: Recorded) -> bool:
        return rec.method == "POST" and (rec.path in NATIVE_PATHS or rec.path in CHAT_PATHS)

    def system_prompt_of(self, rec: Recorded) -> str | None:
        if rec.path in CHAT_PATHS:
            return system_prompt_of_chat(rec)
        body = rec.json if isinstance(rec.json, dict) else {}
        if rec.path == "/api/generate":
            system = body.get("system")
            return str(system) if system is not None else None
        texts = [
            self.text_of(m.get("content"))
            for m in body.get("messages") or []
            if isinstance(m, dict) and m.get("role") == "system"
        ]
        return "\n".join(texts) if texts else None

    def serves(self, model: str) -> bool:
        return bool(model) and _tag(model) in {_tag(m) for m in self.models}

    def error_response(self, status: int, message: str | None = None) -> Response:
        return json_response(
            {"error": message or f"fake-ollama error (status {status})"},
            status=status,
            headers=self.retry_headers(status),
        )

    def unknown_model_response(self, model: str) -> Response:
        return self.error_response(404, f"model '{model}' not found")

    def handle(self, rec: Recorded) -> Response:
        path = rec.path.rstrip("/") or "/"
        if path == "/" and rec.method in ("GET", "HEAD"):
            return text_response("Ollama is running")
        if rec.method == "POST" and path in NATIVE_PATHS:
            if not isinstance(rec.json, dict):
                return self.error_response(400, "invalid request body")
            return self.gate(rec) or self._native(rec, chat=path == "/api/chat")
        if rec.method == "POST" and path in CHAT_PATHS:
            if not isinstance(rec.json, dict):
                return self._openai_error(400)
            self.wait_delay()
            model = self.model_of(rec)
            if not self.serves(model):
                return json_response(unknown_model_body(model), status=404)
            status = self.fail_models.get(model) or self.consume_failure()
            if status is not None:
                return self._openai_error(status)
            return chat_completion_response(self, rec)
        if rec.method == "GET" and path == MODELS_PATH:
            return models_response(self.models, "library")
        if rec.method == "GET" and path == "/api/tags":
            return json_response({"models": [self._model_entry(m) for m in self.models]})
        if rec.method == "GET" and path == "/api/ps":
            return json_response({"models": []})
        if rec.method == "GET" and path == "/api/version":
            return json_response({"version": "0.6.8"})
        if rec.method == "POST" and path == "/api/show":
            body = rec.json if isinstance(rec.json, dict) else {}
            name = str(body.get("model") or body.get("name") or "")
            if not name:
                return self.error_response(400, "model is required")
            if not self.serves(name):
                return self.unknown_model_response(name)
            return json_response(self._show(name))
        return text_response("404 page not found", status=404)

    def _openai_error(self, status: int) -> Response:
        return json_response(
            openai_error_body(status), status=status, headers=self.retry_headers(status)
        )

    def _model_entry(self, name: str) -> dict[str, Any]:
        return {
            "name": _tag(name),
            "model": _tag(name),
            "modified_at": "2025-01-01T00:00:00.000000Z",
            "size": 4661224676,
            "digest": "f" * 64,
            "details": self._details(name),
        }

    @staticmethod
    def _details(name: str) -> dict[str, Any]:
        family = name.split(":")[0].split("/")[-1].rstrip("0123456789.") or "llama"
        return {
            "parent_model": "",
            "format": "gguf",
            "family": family,
            "families": [family],
            "parameter_size": "8.0B",
            "quantization_level": "Q4_0",
        }

    def _show(self, name: str) -> dict[str, Any]:
        details = self._details(name)
        family = details["family"]
        return {
            "license": "fake",
            "modelfile": f"# Modelfile generated by fake-ollama\nFROM {_tag(name)}\n",
            "parameters": 'stop "<|eot_id|>"',
            "template": "{{ if .System }}{{ .System }}{{ end }}{{ .Prompt }}",
            "details": details,
            "model_info": {
                "general.architecture": family,
                "general.parameter_count": 8030261248,
                f"{family}.context_length": self.context_length,
            },
            "capabilities": ["completion"],
            "modified_at": "2025-01-01T00:00:00.000000Z",
        }

    def _native(self, rec: Recorded, chat: bool) -> Response:
        body: dict[str, Any] = rec.json
        model = str(body.get("model") or "llama3")
        # Ollama's tool calls: no ids, arguments as an object, in one message.
        tool_calls = [
            {"function": {"name": call["name"], "arguments": call["arguments"]}}
            for call in (self.next_tool_calls(rec) if chat else None) or []
        ]
        text = "" if tool_calls else self.reply_for(rec)
        stream = body.get("stream", True) is not False
        final_stats = {
            "done_reason": "stop",
            "done": True,
            "total_duration": 12_000_000,
            "load_duration": 1_000_000,
            "prompt_eval_count": self.prompt_tokens,
            "prompt_eval_duration": 3_000_000,
            "eval_count": self.completion_tokens,
            "eval_duration": 8_000_000,
        }

        def piece_obj(piece: str, done: bool) -> dict[str, Any]:
            obj: dict[str, Any] = {"model": model, "created_at": _now()}
            if chat:
                obj["message"] = {"role": "assistant", "content": piece}
            else:
                obj["response"] = piece
            if done:
                obj.update(final_stats)
                if not chat:
                    obj["context"] = [1, 2, 3]
            else:
                obj["done"] = False
            return obj

        if tool_calls:
            calls = piece_obj("", done=not stream)
            calls["message"]["tool_calls"] = tool_calls
            if not stream:
                return json_response(calls)
            chunks = [(json.dumps(line) + "\n").encode() for line in (calls, piece_obj("", True))]
            return Response(content_type="application/x-ndjson", stream=chunks)
        if not stream:
            return json_response(piece_obj(text, done=True))

        def lines() -> Iterator[bytes]:
            pieces, fails = self.stream_pieces(text)
            for piece in pieces:
                yield (json.dumps(piece_obj(piece, done=False)) + "\n").encode()
            if fails:
                failure = {"error": "an error was encountered while running the model"}
                yield (json.dumps(failure) + "\n").encode()
                return
            yield (json.dumps(piece_obj("", done=True)) + "\n").encode()

        return Response(
            content_type="application/x-ndjson",
            stream=lines(),
            chunk_delay=self.stream_chunk_delay,
        )


if __name__ == "__main__":
    run_standalone(OllamaFake)
