"""One agent answer through the proxy's OpenAI-compatible gateway, streamed, with failures a
person understands in place of the answer."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final
from uuid import UUID

import openai
from openai.types.chat import ChatCompletionMessageParam

from bridge.settings import Settings
from bridge.tracing import trace_headers
from policies.limits import MODEL_GROUP_FAST
from policies.mrkdwn import APOLOGY_TEXT, BUDGET_EXHAUSTED_TEXT, BUSY_TEXT
from policies.tls import http_verify

log = logging.getLogger(__name__)

AGENT_HEADER: Final = "X-Konstruct-Agent"

Progress = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Answer:
    """What to show: the model's Markdown, or a canned mrkdwn text when no answer came."""

    text: str
    from_model: bool


def _retry_after(error: openai.APIStatusError, fallback: float, cap: float) -> float:
    try:
        seconds = float(error.response.headers.get("retry-after", fallback))
    except ValueError:
        seconds = fallback
    return min(max(seconds, fallback), cap)


async def _stream(
    client: openai.AsyncOpenAI,
    settings: Settings,
    agent_id: UUID,
    messages: Sequence[ChatCompletionMessageParam],
    on_progress: Progress,
) -> str:
    stream = await client.chat.completions.create(
        # The agent's model tier decides the group; this is only the default.
        model=MODEL_GROUP_FAST,
        messages=list(messages),
        stream=True,
        extra_headers={AGENT_HEADER: str(agent_id), **trace_headers()},
    )
    parts: list[str] = []
    last_update = time.monotonic()
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
            # Slack's chat.update allows about one edit a second per message.
            if time.monotonic() - last_update >= settings.bridge_stream_update_seconds:
                await on_progress("".join(parts))
                last_update = time.monotonic()
    return "".join(parts)


async def ask_agent(
    settings: Settings,
    *,
    tenant_key: str,
    agent_id: UUID,
    messages: Sequence[ChatCompletionMessageParam],
    on_progress: Progress,
) -> Answer:
    """The agent's reply; a 402 budget stop, a gateway that stays busy, or a provider failure
    after the gateway's own fallbacks become the matching canned text."""
    client = openai.AsyncOpenAI(
        api_key=tenant_key,
        base_url=f"{settings.konstruct_proxy_url.rstrip('/')}/v1",
        max_retries=0,
        timeout=settings.bridge_model_timeout_seconds,
        http_client=openai.DefaultAsyncHttpxClient(
            verify=http_verify(settings.konstruct_tls_ca_file)
        ),
    )
    try:
        for attempt in range(settings.bridge_gateway_busy_retries + 1):
            try:
                text = await _stream(client, settings, agent_id, messages, on_progress)
            except openai.APIStatusError as error:
                if error.status_code == 402:
                    return Answer(BUDGET_EXHAUSTED_TEXT, from_model=False)
                if error.status_code != 429:
                    log.warning("gateway answered %s", error.status_code)
                    return Answer(APOLOGY_TEXT, from_model=False)
                if attempt == settings.bridge_gateway_busy_retries:
                    return Answer(BUSY_TEXT, from_model=False)
                backoff = settings.bridge_gateway_backoff_seconds * 2**attempt
                cap = settings.bridge_gateway_max_retry_after_seconds
                await asyncio.sleep(_retry_after(error, backoff, cap))
                continue
            except openai.APIError as error:
                log.warning("gateway call failed: %s", type(error).__name__)
                return Answer(APOLOGY_TEXT, from_model=False)
            if not text.strip():
                return Answer(APOLOGY_TEXT, from_model=False)
            return Answer(text, from_model=True)
        return Answer(BUSY_TEXT, from_model=False)
    finally:
        await client.close()
