"""Usage is one row per gateway call, whatever ids the provider hands out."""

import asyncio

import openai
import pytest

from proxy.core.db.engine import Database
from tests.fakes.openai import OpenAIFake
from tests.security.conftest import Surface
from tests.stack import make_world, usage_rows

pytestmark = pytest.mark.e2e


async def test_two_calls_answered_with_the_same_provider_id_are_two_usage_rows(
    surface: Surface, platform: OpenAIFake, owner_db: Database
) -> None:
    world = make_world(surface.proxy, "SameIds")
    platform.configure(response_id="chatcmpl-the-same-id-twice")
    gateway = openai.OpenAI(api_key=world.key, base_url=f"{surface.proxy.url}/v1", max_retries=0)
    for _ in range(2):
        reply = gateway.chat.completions.create(
            model="konstruct-fast", messages=[{"role": "user", "content": "hi"}]
        )
        assert reply.id == "chatcmpl-the-same-id-twice"
    rows: list[object] = []
    for _ in range(50):
        rows = list(await usage_rows(owner_db, world.id))
        if len(rows) >= 2:
            break
        await asyncio.sleep(0.1)
    assert len(platform.model_calls()) == 2
    assert len(rows) == 2, rows
