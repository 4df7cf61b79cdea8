"""What the three LLM provider fakes share: reply text, token counts, streaming split, and the
checks every real provider makes before it answers (key, request shape, model id)."""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import Any, ClassVar

from tests.fakes.base import FakeServer, Recorded, Response


class LLMFakeServer(FakeServer):
    """A provider fake. Model calls honour ``fail_*``/``delay_seconds`` and the knobs below."""

    provider: ClassVar[str] = "llm"
    # Seconds between a failing stream's last delta and its failure (see OpenAIFake).
    stream_failure_pause: ClassVar[float] = 0.0
    # When any provider fake of this process last failed a model call (time.monotonic(); a
    # reset keeps it): the router cools a deployment down for a while after a failure, in
    # each proxy worker on its own, and tests/stack.py's wait_until_answering waits that out.
    _last_failure: ClassVar[float] = float("-inf")
    _last_failure_lock: ClassVar[threading.Lock] = threading.Lock()
    KNOBS: ClassVar[dict[str, Any]] = {
        # Reply text; None means "Hello from fake-<provider>".
        "reply_text": None,
        # Usage reported for every call, so tests can assert exact numbers.
        "prompt_tokens": 11,
        "completion_tokens": 7,
        # Append the system prompt the fake received to the reply text.
        "echo_system": False,
        # If set, calls whose key differs answer 401 in the provider's shape.
        "required_key": None,
        # model id -> HTTP status: calls for that model always fail with it (so one model
        # group can fail while another, on the same provider, answers).
        "fail_models": {},
        # If set, a stream fails after this many content deltas, in the provider's own way
        # (Anthropic `event: error`, OpenAI a dropped connection, Ollama an `error` line).
        "stream_error_after": None,
        # Streaming: how many content deltas, and seconds between chunks.
        "stream_chunks": 4,
        "stream_chunk_delay": 0.0,
        # Seconds put in Retry-After on a 429 (None = no header).
        "retry_after": 1,
        # Models the provider serves (its list endpoint); any other id answers the provider's
        # "model not found".
        "models": [],
        # Tool calls to answer with, one step per model call that offers tools (`tools` in
        # the request): each step a list of {"name": ..., "arguments": {...}} (several: a
        # parallel call), in the provider's own wire format; an empty step, or the script
        # used up: the call answers text.
        "tool_calls_script": [],
    }

    reply_text: str | None
    prompt_tokens: int
    completion_tokens: int
    echo_system: bool
    required_key: str | None
    fail_models: dict[str, int]
    stream_error_after: int | None
    stream_chunks: int
    stream_chunk_delay: float
    retry_after: float | None
    models: list[str]
    tool_calls_script: list[list[dict[str, Any]]]

    # ---------------------------------------------------------------- per provider
    def is_model_call(self, rec: Recorded) -> bool:
        raise NotImplementedError

    def system_prompt_of(self, rec: Recorded) -> str | None:
        """The system prompt carried by a recorded model call (None if there is none)."""
        raise NotImplementedError

    def key_of(self, rec: Recorded) -> str | None:
        return rec.bearer

    def model_of(self, rec: Recorded) -> str:
        body = rec.json if isinstance(rec.json, dict) else {}
        return str(body.get("model") or "")

    def serves(self, model: str) -> bool:
        return model in self.models

    def invalid_request(self, rec: Recorded) -> Response | None:
        """The provider's 400 for a request it refuses as malformed, else None."""
        del rec
        return None

    def unknown_model_response(self, model: str) -> Response:
        raise NotImplementedError

    def coerce_knob(self, name: str, value: Any) -> Any:
        if name == "fail_models":
            return {str(k): int(v) for k, v in dict(value or {}).items()}
        return super().coerce_knob(name, value)

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def failed_now(after: float = 0.0) -> None:
        """A model call fails now, or `after` seconds from now (a stream's error, after its
        pieces and their delays)."""
        at = time.monotonic() + after
        with LLMFakeServer._last_failure_lock:
            LLMFakeServer._last_failure = max(LLMFakeServer._last_failure, at)

    @staticmethod
    def seconds_since_a_failure() -> float:
        """Seconds since any provider fake of this process last failed a model call."""
        return time.monotonic() - LLMFakeServer._last_failure

    @property
    def default_reply(self) -> str:
        return f"Hello from fake-{self.provider}"

    def reply_for(self, rec: Recorded) -> str:
        reply = self.reply_text if self.reply_text is not None else self.default_reply
        if self.echo_system:
            system = self.system_prompt_of(rec)
            reply = f"{reply}\n\nSystem prompt: {system if system is not None else '(none)'}"
        return reply

    def stream_pieces(self, text: str) -> tuple[list[str], bool]:
        """The deltas to stream, and whether the stream must then fail (``stream_error_after``)."""
        pieces = self.split_reply(text)
        if self.stream_error_after is None:
            return pieces, False
        sent = pieces[: max(0, int(self.stream_error_after))]
        delays = len(sent) * float(self.stream_chunk_delay or 0)
        self.failed_now(after=delays + self.stream_failure_pause)
        return sent, True

    def split_reply(self, text: str) -> list[str]:
        """Split text into at most ``stream_chunks`` non-empty pieces that join back to it."""
        pieces = re.findall(r"\S+\s*|\s+", text)
        n = max(1, int(self.stream_chunks or 1))
        if not pieces:
            return [text] if text else []
        if len(pieces) <= n:
            if len(pieces) == 1 and n > 1 and len(text) > 1:
                step = max(1, -(-len(text) // n))
                return [text[i : i + step] for i in range(0, len(text), step)]
            return pieces
        size = -(-len(pieces) // n)
        return ["".join(pieces[i : i + size]) for i in range(0, len(pieces), size)]

    def next_tool_calls(self, rec: Recorded) -> list[dict[str, Any]] | None:
        """The tool calls this model call answers with (None: it answers text), with a call id
        each; a call that offers no tools never uses up a step."""
        body = rec.json if isinstance(rec.json, dict) else {}
        if not body.get("tools"):
            return None
        with self._lock:
            if not self.tool_calls_script:
                return None
            step = self.tool_calls_script.pop(0)
        if not step:
            return None  # an empty step answers text, although tools were offered
        return [
            {
                "id": f"call_{self.provider}_{index}_{uuid.uuid4().hex[:8]}",
                "name": str(call["name"]),
                "arguments": dict(call.get("arguments") or {}),
            }
            for index, call in enumerate(step)
        ]

    def model_calls(self) -> list[Recorded]:
        """Recorded requests that were model calls (chat/messages/generate)."""
        return [r for r in self.requests if self.is_model_call(r)]

    def system_prompts(self) -> list[str | None]:
        """The system prompt of each model call received, oldest first."""
        return [self.system_prompt_of(r) for r in self.model_calls()]

    @property
    def last_call(self) -> Recorded:
        calls = self.model_calls()
        if not calls:
            raise AssertionError(f"fake {self.name} received no model call")
        return calls[-1]

    def error_response(self, status: int, message: str | None = None) -> Response:
        raise NotImplementedError

    def retry_headers(self, status: int) -> dict[str, str]:
        if status == 429 and self.retry_after is not None:
            value = self.retry_after
            return {"Retry-After": str(int(value)) if float(value).is_integer() else str(value)}
        return {}

    def gate(self, rec: Recorded) -> Response | None:
        """Delay, the provider's own checks in its order (key, request, model), then scripted
        failures, for a model call; None = answer normally."""
        refusal = self._refusal(rec)
        if refusal is not None:
            self.failed_now()
        return refusal

    def _refusal(self, rec: Recorded) -> Response | None:
        self.wait_delay()
        if self.required_key is not None and self.key_of(rec) != self.required_key:
            return self.error_response(401)
        invalid = self.invalid_request(rec)
        if invalid is not None:
            return invalid
        model = self.model_of(rec)
        if not self.serves(model):
            return self.unknown_model_response(model)
        if model in self.fail_models:
            return self.error_response(self.fail_models[model])
        status = self.consume_failure()
        if status is not None:
            return self.error_response(status)
        return None

    @staticmethod
    def text_of(content: Any) -> str:
        """Text of a message content that is a string or a list of text blocks."""
        if content is None:
            return ""
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            parts: list[str] = []
            for block in content:
                if isinstance(block, str):
                    parts.append(block)
                elif isinstance(block, dict) and isinstance(block.get("text"), str):
                    parts.append(block["text"])
            return "\n".join(parts)
        return str(content)
