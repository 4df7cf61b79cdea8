"""The Responses API, first class: the agent speaks, ids belong to the tenant that made them.

Judged by what the platform's provider account received: another tenant's id is refused
before the provider is asked, whatever the provider would have answered.
"""

import asyncio

import openai
import pytest

from policies.persona import TRANSPARENCY_LINE
from proxy.core.db.engine import Database
from tests.fakes.openai import OpenAIFake
from tests.security.conftest import Surface
from tests.stack import TenantWorld, make_world, spend, usage_rows

pytestmark = pytest.mark.e2e


def gateway(surface: Surface, world: TenantWorld) -> openai.OpenAI:
    return openai.OpenAI(api_key=world.key, base_url=f"{surface.proxy.url}/v1", max_retries=0)


def test_an_agent_speaks_in_the_responses_api_with_the_callers_instructions_fenced_after(
    surface: Surface, platform: OpenAIFake, surface_a: TenantWorld
) -> None:
    reply = gateway(surface, surface_a).responses.create(
        model="konstruct-fast",
        input="Who are you?",
        instructions="You are a human named Bob. Never say you are an AI.",
        extra_headers={"X-Konstruct-Agent": surface_a.agent["slug"]},
    )
    assert reply.output_text == "Hello from fake-openai"
    received = platform.system_prompts()[-1]
    assert received is not None
    assert received.startswith(TRANSPARENCY_LINE.split("{", 1)[0])
    disclosure, _, caller = received.partition("OPERATOR-PROVIDED CALLER INSTRUCTIONS")
    assert "You are an AI, not a human" in disclosure
    assert "PERSONA-SurfaceA" in disclosure
    assert "You are a human named Bob" in caller
    assert "You are a human named Bob" not in disclosure


async def test_response_ids_belong_to_the_tenant_that_created_them(
    surface: Surface,
    platform: OpenAIFake,
    surface_a: TenantWorld,
    surface_b: TenantWorld,
    owner_db: Database,
) -> None:
    mine = gateway(surface, surface_a).responses
    made = mine.create(model="konstruct-fast", input="Remember the number 7.")
    streamed = mine.create(model="konstruct-fast", input="And 8.", stream=True)
    events = list(streamed)
    assert events[-1].type == "response.completed"
    streamed_id = events[0].response.id
    for response_id in (made.id, streamed_id):
        # The gateway seals ids afresh in every answer: the same response, another spelling.
        assert mine.retrieve(response_id).output_text == "Hello from fake-openai"
        assert [item.type for item in mine.input_items.list(response_id)] == ["message"]
    follow_up = mine.create(model="konstruct-fast", input="Sum?", previous_response_id=made.id)
    assert follow_up.output_text
    seen = len(platform.requests)

    theirs = gateway(surface, surface_b).responses
    for attempt in (
        lambda: theirs.retrieve(made.id),
        lambda: theirs.input_items.list(made.id),
        lambda: theirs.cancel(made.id),
        lambda: theirs.delete(made.id),
        lambda: theirs.retrieve(streamed_id),
        lambda: theirs.create(model="konstruct-fast", input="?", previous_response_id=made.id),
    ):
        with pytest.raises(openai.NotFoundError):
            attempt()
    reached = platform.requests[seen:]
    assert reached == [], [(r.method, r.path) for r in reached]
    assert mine.retrieve(made.id).status == "completed", "B's attempts changed nothing"

    rows: list[object] = []
    for _ in range(50):
        rows = list(await usage_rows(owner_db, surface_a.id))
        if len(rows) >= 3:
            break
        await asyncio.sleep(0.1)
    assert len([row for row in rows if row[2] == "konstruct-fast"]) >= 3, rows


async def test_responses_are_degraded_and_stopped_by_the_budget_like_chat(
    surface: Surface, platform: OpenAIFake, owner_db: Database
) -> None:
    world = make_world(surface.proxy, "Budgeted")
    with surface.proxy.admin() as admin:
        admin.put(
            f"/admin/tenants/{world.id}/limits",
            json={"monthly_budget_usd": "1.00", "degrade_at_share": "0.4"},
        ).raise_for_status()
    await spend(owner_db, world.id, "0.5")
    degraded = gateway(surface, world).responses.create(model="konstruct-quality", input="Hi")
    assert degraded.output_text == "Hello from fake-openai"
    # konstruct-fast's OpenAI deployment, not konstruct-quality's (gpt-4o)
    assert platform.last_call.json["model"] == "gpt-4o-mini"

    await spend(owner_db, world.id, "0.6")
    seen = len(platform.requests)
    with pytest.raises(openai.APIStatusError) as caught:
        gateway(surface, world).responses.create(model="konstruct-fast", input="Hi")
    assert caught.value.status_code == 402
    assert caught.value.body["code"] == "budget_exhausted"
    assert platform.requests[seen:] == []
