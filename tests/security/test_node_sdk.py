"""The Vercel AI SDK as a tenant's app uses it (tests/clients/node), against the gateway.

`createOpenAI({baseURL, apiKey, headers: {'X-Konstruct-Agent': …}})` with the default
`openai(model)`, which speaks the Responses API, and with `openai.chat(model)`. Judged by
what the app printed and by what the platform's provider account received.
"""

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from policies.persona import TRANSPARENCY_LINE
from proxy.core.db.engine import Database
from tests.clients.node_app import run_app
from tests.fakes.base import Recorded
from tests.fakes.openai import OpenAIFake
from tests.security.conftest import PLATFORM_KEY, Surface
from tests.stack import TenantWorld, make_world

pytestmark = pytest.mark.e2e

PROMPT = "Say hello to the team."  # what client.mjs asks
ANSWER = "Hello from fake-openai"
PROVIDER_MODEL = "gpt-4o-mini"  # konstruct-fast's OpenAI deployment in litellm_config.yaml


def assert_answered(results: dict[str, Any]) -> None:
    """What the app's user sees: the provider's answer, whole and streamed."""
    assert set(results) == {"generateText", "streamText"}
    for result in results.values():
        assert result["text"] == ANSWER
        assert result["finishReason"] == "stop"
        assert result["usage"]["totalTokens"] > 0
    assert results["streamText"]["deltas"] > 1, "the answer arrived in pieces"


def assert_platform_call(call: Recorded, world: TenantWorld, path: str) -> None:
    """One model call on the platform's key, carrying nothing of the tenant's credentials
    and not its steering header."""
    assert (call.method, call.path) == ("POST", path)
    assert call.bearer == PLATFORM_KEY
    assert world.key not in json.dumps(call.headers) + call.text
    assert "x-konstruct-agent" not in call.headers
    assert call.json["model"] == PROVIDER_MODEL


def assert_the_agent_speaks(system_prompt: str) -> None:
    assert system_prompt.startswith(TRANSPARENCY_LINE.split("{", 1)[0])
    assert "PERSONA-SurfaceA" in system_prompt
    assert "OPERATOR-PROVIDED CALLER INSTRUCTIONS" not in system_prompt, "the app gave none"


def test_the_default_openai_model_speaks_through_the_responses_api(
    node_client: Path, surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    assert_answered(run_app(node_client, surface.proxy.url, surface_a, "responses"))

    received = platform.requests
    assert len(received) == 2, [(r.method, r.path) for r in received]
    for call, stream in zip(received, ({}, {"stream": True}), strict=True):
        assert_platform_call(call, surface_a, "/v1/responses")
        # `metadata` is judged in test_the_apps_response_metadata_reaches_the_provider_as_set.
        sent = {field: value for field, value in call.json.items() if field != "metadata"}
        assert set(sent) == {"model", "input", "instructions", *stream}, sent
        assert sent["input"] == [
            {"role": "user", "content": [{"type": "input_text", "text": PROMPT}]}
        ]
        assert_the_agent_speaks(sent["instructions"])
        assert {field: sent[field] for field in stream} == stream


def test_openai_chat_speaks_through_chat_completions(
    node_client: Path, surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    assert_answered(run_app(node_client, surface.proxy.url, surface_a, "chat"))

    received = platform.requests
    assert len(received) == 2, [(r.method, r.path) for r in received]
    streamed = {"stream": True, "stream_options": {"include_usage": True}}
    for call, stream in zip(received, ({}, streamed), strict=True):
        assert_platform_call(call, surface_a, "/v1/chat/completions")
        assert set(call.json) == {"model", "messages", *stream}, call.json
        system, *rest = call.json["messages"]
        assert system["role"] == "system"
        assert_the_agent_speaks(system["content"])
        assert rest == [{"role": "user", "content": PROMPT}]
        assert {field: call.json[field] for field in stream} == stream


# OpenAI's most: 16 pairs (https://platform.openai.com/docs/api-reference/responses/create).
SIXTEEN_TAGS = {f"tag_{n:02}": f"value {n}" for n in range(16)}


@pytest.mark.parametrize(
    "tags",
    [
        pytest.param({}, id="untagged"),
        pytest.param({"order": "42"}, id="one-tag"),
        pytest.param(SIXTEEN_TAGS, id="sixteen-tags"),
    ],
)
def test_the_apps_response_metadata_reaches_the_provider_as_set(
    node_client: Path,
    surface: Surface,
    platform: OpenAIFake,
    surface_a: TenantWorld,
    tags: dict[str, str],
) -> None:
    env = {"KONSTRUCT_SDK_METADATA": json.dumps(tags)} if tags else {}
    assert_answered(run_app(node_client, surface.proxy.url, surface_a, "responses", **env))

    received = platform.requests
    assert len(received) == 2, [(r.method, r.path) for r in received]
    for call in received:
        assert call.json.get("metadata", {}) == tags


@pytest.mark.parametrize(
    "api",
    [
        "chat",
        "responses",
    ],
)
async def test_the_apps_calls_are_booked_to_its_agent(
    node_client: Path,
    surface: Surface,
    platform: OpenAIFake,  # noqa: ARG001 (a fresh provider account)
    owner_db: Database,
    api: str,
) -> None:
    world = make_world(surface.proxy, "SurfaceBooked")
    assert_answered(run_app(node_client, surface.proxy.url, world, api))

    booked: list[Any] = []
    for _ in range(100):
        async with owner_db.platform_transaction() as conn:
            booked = list(
                (
                    await conn.execute(
                        text("select agent_id from usage_events where tenant_id = :t"),
                        {"t": world.id},
                    )
                ).scalars()
            )
        if len(booked) >= 2:
            break
        await asyncio.sleep(0.1)
    assert [str(agent) for agent in booked] == [world.agent["id"]] * 2
