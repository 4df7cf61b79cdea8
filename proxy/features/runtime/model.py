"""The agent runtime's model calls: through the proxy's own gateway, over loopback, with the
tenant's bridge key, so every limit, the budget's 402 and degradation, the fallbacks and the
usage record apply to an agent turn exactly as to any tenant call (there is no second path).

One step streams one chat completion: text deltas as they come, the tool calls at the end.
A 429 before anything arrived is waited out and asked again (the gateway's Retry-After
honoured up to a cap); other refusals end the step with an error code the turn reports.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

import httpx2
import openai

from policies.tls import http_verify
from policies.turns import BUDGET_EXHAUSTED, BUSY, FAILED
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings
from proxy.features.keys.service import bridge_key
from telemetry.tracing import inject

AGENT_HEADER: Final = "X-Konstruct-Agent"
# A tenant's bridge key, decrypted, kept this long per process (it is never revoked, and
# reading it costs a query and a decryption per model call otherwise).
KEY_CACHE_SECONDS: Final = 300.0


@dataclass
class ToolCallRequest:
    """One tool call as the model asked for it (arguments still the model's JSON text)."""

    id: str
    name: str = ""
    arguments: str = ""


@dataclass
class Step:
    """What one model call answered."""

    text: str = ""
    tool_calls: list[ToolCallRequest] = field(default_factory=list)
    error: str | None = None
    model_group: str | None = None
    model_id: str | None = None


class Gateway:
    """The runtime's client of its own `/v1/chat/completions` (one per process)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._http: openai.DefaultAsyncHttpxClient | None = None
        self._keys: dict[UUID, tuple[float, str]] = {}

    def _client(self, key: str, timeout: float) -> openai.AsyncOpenAI:
        if self._http is None:
            # One pool of loopback connections for every turn of this process.
            self._http = openai.DefaultAsyncHttpxClient(
                verify=http_verify(self.settings.konstruct_tls_ca_file)
            )
        return openai.AsyncOpenAI(
            api_key=key,
            base_url=f"{self.settings.proxy_self_url}/v1",
            max_retries=0,
            timeout=timeout,
            http_client=self._http,
        )

    async def key(self, runtime: Runtime, tenant_id: UUID) -> str:
        cached = self._keys.get(tenant_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        secret = await bridge_key(runtime, tenant_id)
        self._keys[tenant_id] = (time.monotonic() + KEY_CACHE_SECONDS, secret)
        return secret

    async def step(
        self,
        key: str,
        *,
        model: str,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        agent_id: UUID | None,
        timeout: float,
    ) -> AsyncIterator[str | Step]:
        """Text deltas as they stream, then the `Step` (always last)."""
        settings = self.settings
        client = self._client(key, timeout)
        headers = {AGENT_HEADER: str(agent_id)} if agent_id is not None else {}
        # The loopback call continues the turn's trace: its request, gateway and provider
        # spans hang under the turn's request span, as one trace from the Slack event on.
        inject(headers)
        body: dict[str, Any] = {"model": model, "messages": messages, "stream": True}
        if tools:
            body["tools"] = tools
        for attempt in range(settings.konstruct_runtime_busy_retries + 1):
            try:
                raw = await client.chat.completions.with_raw_response.create(
                    **body, extra_headers=headers
                )
            except openai.APIStatusError as error:
                if error.status_code == 402:
                    yield Step(error=BUDGET_EXHAUSTED)
                    return
                if error.status_code != 429:
                    yield Step(error=FAILED)
                    return
                if attempt == settings.konstruct_runtime_busy_retries:
                    yield Step(error=BUSY)
                    return
                await asyncio.sleep(self._backoff(error, attempt))
                continue
            except openai.APIError:
                yield Step(error=FAILED)
                return
            step = Step(
                model_group=raw.headers.get("x-litellm-model-group"),
                model_id=raw.headers.get("x-litellm-model-id"),
            )
            calls: dict[int, ToolCallRequest] = {}
            texts: list[str] = []
            try:
                async for chunk in raw.parse():
                    for choice in chunk.choices:
                        delta = choice.delta
                        if delta.content:
                            texts.append(delta.content)
                            yield delta.content
                        for piece in delta.tool_calls or []:
                            call = calls.setdefault(piece.index, ToolCallRequest(id=""))
                            call.id = piece.id or call.id
                            if piece.function is not None:
                                call.name += piece.function.name or ""
                                call.arguments += piece.function.arguments or ""
            except (openai.APIError, httpx2.HTTPError):
                # The stream broke after it began: what came so far is no answer.
                yield Step(error=FAILED)
                return
            step.text = "".join(texts)
            step.tool_calls = [
                call if call.id else ToolCallRequest(f"call_{i}", call.name, call.arguments)
                for i, call in sorted(calls.items())
            ]
            yield step
            return

    def _backoff(self, error: openai.APIStatusError, attempt: int) -> float:
        settings = self.settings
        fallback = float(settings.konstruct_runtime_busy_backoff_seconds * 2**attempt)
        try:
            stated = float(str(error.response.headers.get("retry-after", fallback)))
        except ValueError:
            stated = fallback
        return min(max(stated, fallback), float(settings.konstruct_runtime_max_retry_after_seconds))
