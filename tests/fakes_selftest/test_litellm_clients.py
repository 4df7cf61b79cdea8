"""LiteLLM as a client (``openai/``, ``anthropic/``, ``ollama_chat/``) against the fakes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, cast

import pytest

from tests.fakes.anthropic import AnthropicFake
from tests.fakes.fixtures import ANTHROPIC_PLATFORM_KEY, OPENAI_PLATFORM_KEY
from tests.fakes.llm_base import LLMFakeServer
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm  # noqa: E402
from litellm.exceptions import InternalServerError, RateLimitError  # noqa: E402
from litellm.router import Router  # noqa: E402

pytestmark = pytest.mark.unit

MESSAGES: list[Any] = [
    {"role": "system", "content": "You are Ava, an AI employee of Acme."},
    {"role": "user", "content": "Hi!"},
]


@dataclass(frozen=True)
class Target:
    fake: LLMFakeServer
    model: str
    kwargs: dict[str, Any]


@pytest.fixture(params=["openai", "anthropic", "ollama"])
def target(
    request: pytest.FixtureRequest,
    fake_openai: OpenAIFake,
    fake_anthropic: AnthropicFake,
    fake_ollama: OllamaFake,
) -> Target:
    if request.param == "openai":
        return Target(
            fake_openai,
            "openai/gpt-4o-mini",
            {"api_base": f"{fake_openai.url}/v1", "api_key": OPENAI_PLATFORM_KEY},
        )
    if request.param == "anthropic":
        return Target(
            fake_anthropic,
            "anthropic/claude-3-5-haiku-latest",
            {"api_base": fake_anthropic.url, "api_key": ANTHROPIC_PLATFORM_KEY},
        )
    return Target(fake_ollama, "ollama_chat/llama3", {"api_base": fake_ollama.url})


async def test_non_stream(target: Target) -> None:
    resp = await litellm.acompletion(model=target.model, messages=MESSAGES, **target.kwargs)
    assert resp.choices[0].message.content == f"Hello from fake-{target.fake.provider}"
    assert resp.usage.prompt_tokens == 11
    assert resp.usage.completion_tokens == 7
    assert resp.usage.total_tokens == 18
    assert target.fake.system_prompts() == ["You are Ava, an AI employee of Acme."]


async def test_stream(target: Target) -> None:
    target.fake.configure(
        reply_text="Streaming works fine today", prompt_tokens=20, completion_tokens=5
    )
    stream = await litellm.acompletion(
        model=target.model,
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
        **target.kwargs,
    )
    pieces: list[str] = []
    usage = None
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
        if getattr(chunk, "usage", None) is not None:
            usage = chunk.usage
    assert "".join(pieces) == "Streaming works fine today"
    assert len(pieces) > 1
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens) == (20, 5)
    assert target.fake.last_call.json["stream"] is True


async def test_echo_system(target: Target) -> None:
    target.fake.echo_system = True
    resp = await litellm.acompletion(model=target.model, messages=MESSAGES, **target.kwargs)
    assert "You are Ava, an AI employee of Acme." in resp.choices[0].message.content


async def test_provider_error_is_mapped(target: Target) -> None:
    target.fake.configure(fail_status=500, fail_times=1)
    with pytest.raises(InternalServerError):
        await litellm.acompletion(
            model=target.model, messages=MESSAGES, max_retries=0, **target.kwargs
        )
    assert len(target.fake.model_calls()) == 1
    resp = await litellm.acompletion(model=target.model, messages=MESSAGES, **target.kwargs)
    assert resp.choices[0].message.content


async def test_rate_limit_is_mapped(target: Target) -> None:
    target.fake.configure(fail_status=429)
    with pytest.raises(RateLimitError):
        await litellm.acompletion(
            model=target.model, messages=MESSAGES, max_retries=0, **target.kwargs
        )


async def test_openai_sdk_retries_inside_litellm_unless_max_retries_0(
    fake_openai: OpenAIFake,
) -> None:
    """Worth knowing: ``openai/`` calls go through the OpenAI SDK, which retries 5xx twice."""
    fake_openai.configure(fail_status=500, retry_after=0)
    with pytest.raises(InternalServerError):
        await litellm.acompletion(
            model="openai/gpt-4o-mini",
            messages=MESSAGES,
            api_base=f"{fake_openai.url}/v1",
            api_key=OPENAI_PLATFORM_KEY,
        )
    assert len(fake_openai.model_calls()) == 3


async def test_anthropic_headers(fake_anthropic: AnthropicFake) -> None:
    await litellm.acompletion(
        model="anthropic/claude-sonnet-4-5",
        messages=MESSAGES,
        api_base=fake_anthropic.url,
        api_key=ANTHROPIC_PLATFORM_KEY,
    )
    call = fake_anthropic.last_call
    assert call.path == "/v1/messages"
    assert call.headers["x-api-key"] == ANTHROPIC_PLATFORM_KEY
    assert call.headers["anthropic-version"]
    # LiteLLM sends the system prompt as a list of text blocks.
    assert isinstance(call.json["system"], list)


async def test_router_falls_back_across_fakes(
    fake_openai: OpenAIFake, fake_anthropic: AnthropicFake, fake_ollama: OllamaFake
) -> None:
    """``fail_status`` on one fake drives a LiteLLM Router down its fallback chain."""
    router = Router(
        model_list=[
            {
                "model_name": "fast-openai",
                "litellm_params": {
                    "model": "openai/gpt-4o-mini",
                    "api_base": f"{fake_openai.url}/v1",
                    "api_key": OPENAI_PLATFORM_KEY,
                    "max_retries": 0,
                },
            },
            {
                "model_name": "fast-anthropic",
                "litellm_params": {
                    "model": "anthropic/claude-3-5-haiku-20241022",
                    "api_base": fake_anthropic.url,
                    "api_key": ANTHROPIC_PLATFORM_KEY,
                },
            },
            {
                "model_name": "fast-ollama",
                "litellm_params": {"model": "ollama_chat/llama3", "api_base": fake_ollama.url},
            },
        ],
        fallbacks=[{"fast-openai": ["fast-anthropic", "fast-ollama"]}],
        num_retries=0,
    )
    fake_openai.fail_status = 500
    fake_anthropic.fail_status = 529
    resp = await router.acompletion(model="fast-openai", messages=MESSAGES)
    assert resp.choices[0].message.content == "Hello from fake-ollama"
    assert cast(Any, resp).usage.total_tokens == 18
    counts = [len(f.model_calls()) for f in (fake_openai, fake_anthropic, fake_ollama)]
    assert counts == [1, 1, 1]
