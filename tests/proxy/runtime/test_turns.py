"""One agent turn, in the proxy: stored, through the gateway path, streamed, run once."""

import asyncio

import httpx
import pytest
from sqlalchemy import text

from policies.disclosure import disclosure
from policies.mrkdwn import BUDGET_EXHAUSTED_TEXT, BUSY_TEXT
from proxy.core.db.engine import Database
from tests.fakes.ollama import OllamaFake
from tests.proxy.runtime.conftest import answer_text, done, slack_turn, try_turn
from tests.stack import ProxyServer, TenantWorld, make_world, spend

pytestmark = pytest.mark.e2e


def history(proxy: ProxyServer, tenant_id: str, channel: str, thread: str) -> list[tuple[str, str]]:
    answer = httpx.get(
        f"{proxy.url}/internal/tenants/{tenant_id}/threads/{channel}/{thread}/messages",
        headers={"Authorization": f"Bearer {proxy.bridge_key}"},
    )
    assert answer.status_code == 200, answer.text
    return [(item["role"], item["text"]) for item in answer.json()["items"]]


async def test_a_turn_stores_the_thread_streams_and_is_counted_like_any_call(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake, owner_db: Database
) -> None:
    fake_ollama.configure(reply_text="We open at nine. We close at five.", stream_chunks=6)
    agent = world_a.agent["id"]
    first = slack_turn(proxy, world_a.id, agent, "When do you open?", source_event_id="EvOne1")
    assert first[0] == {"type": "status", "text": "Thinking…"}
    assert answer_text(first) == "We open at nine. We close at five."
    final = done(first)
    assert (final["from_model"], final["error"], final["replayed"]) == (True, None, False)
    assert final["text"] == "We open at nine. We close at five."
    assert final["model_group"] == "konstruct-fast"
    second = slack_turn(proxy, world_a.id, agent, "And on Sundays?", source_event_id="EvTwo2")
    assert done(second)["from_model"]
    # The model saw the thread as the proxy keeps it, its persona from the gateway.
    call = fake_ollama.last_call.json
    said = [(m["role"], m["content"]) for m in call["messages"] if m["role"] != "system"]
    assert said == [
        ("user", "When do you open?"),
        ("assistant", "We open at nine. We close at five."),
        ("user", "And on Sundays?"),
    ]
    assert "PERSONA-Acme" in (fake_ollama.system_prompts()[-1] or "")
    assert history(proxy, world_a.id, "CRUNTIME", "1700000000.000100") == [
        *said,
        ("assistant", "We open at nine. We close at five."),
    ]
    # Usage is booked to the tenant and the agent, as for any call through the gateway.
    for _ in range(50):
        async with owner_db.platform_transaction() as conn:
            agents = (
                (
                    await conn.execute(
                        text("select agent_id from usage_events where tenant_id = :t"),
                        {"t": world_a.id},
                    )
                )
                .scalars()
                .all()
            )
        if len(agents) == 2:
            break
        await asyncio.sleep(0.1)
    assert [str(a) for a in agents] == [agent, agent]


def test_a_replayed_event_repeats_its_stored_answer_without_asking_the_model(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    agent = world_a.agent["id"]
    first = done(slack_turn(proxy, world_a.id, agent, "hi", source_event_id="EvReplay1"))
    again = slack_turn(proxy, world_a.id, agent, "hi", source_event_id="EvReplay1")
    assert [e["type"] for e in again] == ["done"]
    assert (again[0]["text"], again[0]["replayed"]) == (first["text"], True)
    assert len(fake_ollama.model_calls()) == 1
    assert history(proxy, world_a.id, "CRUNTIME", "1700000000.000100") == [
        ("user", "hi"),
        ("assistant", first["text"]),
    ]


async def test_budget_used_up_and_a_busy_gateway_end_the_turn_with_their_codes(
    proxy: ProxyServer, fake_ollama: OllamaFake, owner_db: Database
) -> None:
    spent = make_world(proxy, "Spent")
    with proxy.admin() as admin:
        admin.put(f"/admin/tenants/{spent.id}/limits", json={"monthly_budget_usd": "1"})
    await spend(owner_db, spent.id, "5")
    final = done(slack_turn(proxy, spent.id, spent.agent["id"], "hello"))
    assert (final["error"], final["from_model"], final["text"]) == (
        "budget_exhausted",
        False,
        BUDGET_EXHAUSTED_TEXT,
    )
    assert fake_ollama.model_calls() == []
    assert history(proxy, spent.id, "CRUNTIME", "1700000000.000100") == [("user", "hello")]

    busy = make_world(proxy, "Busy")
    with proxy.admin() as admin:
        admin.put(f"/admin/tenants/{busy.id}/limits", json={"rpm_limit": 1})
    assert done(slack_turn(proxy, busy.id, busy.agent["id"], "one"))["from_model"]
    final = done(slack_turn(proxy, busy.id, busy.agent["id"], "two"))
    assert (final["error"], final["text"]) == ("busy", BUSY_TEXT)
    assert len(fake_ollama.model_calls()) == 1


def test_the_bridge_can_no_longer_fetch_a_tenants_key(
    proxy: ProxyServer, world_a: TenantWorld
) -> None:
    answer = httpx.get(
        f"{proxy.url}/internal/tenants/{world_a.id}/bridge-key",
        headers={"Authorization": f"Bearer {proxy.bridge_key}"},
    )
    assert answer.status_code == 404
    assert "sk-kon-" not in answer.text


def test_an_unknown_agent_is_a_404_before_anything_streams(
    proxy: ProxyServer, world_a: TenantWorld, world_b: TenantWorld
) -> None:
    body = {
        "agent_id": world_b.agent["id"],
        "channel_id": "CX",
        "thread_id": "1.2",
        "text": "hi",
        "source_event_id": "EvCross1",
    }
    answer = httpx.post(
        f"{proxy.url}/internal/tenants/{world_a.id}/agent-turns",
        json=body,
        headers={"Authorization": f"Bearer {proxy.bridge_key}"},
    )
    assert answer.status_code == 404
    wrong_key = httpx.post(
        f"{proxy.url}/internal/tenants/{world_a.id}/agent-turns",
        json={**body, "agent_id": world_a.agent["id"]},
        headers={"Authorization": f"Bearer {world_a.key}"},
    )
    assert wrong_key.status_code == 401


def test_try_it_answers_a_draft_and_stores_nothing(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    draft = {
        "name": "Draft Dora",
        "role": "Receptionist",
        "persona": "PERSONA-DRAFT",
        "job_description": "JD-DRAFT: book rooms.",
    }
    events = try_turn(
        proxy,
        world_a.id,
        {
            "agent": draft,
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "Book a room"},
            ],
        },
    )
    assert done(events)["text"] == "Hello from fake-ollama"
    system = fake_ollama.system_prompts()[-1] or ""
    assert "You are Draft Dora, an AI assistant" in system
    assert "JD-DRAFT" in system
    assert "PERSONA-Acme" not in system
    said = [(m["role"], m["content"]) for m in fake_ollama.last_call.json["messages"]]
    assert said[-3:] == [("user", "Hi"), ("assistant", "Hello!"), ("user", "Book a room")]
    with proxy.admin() as admin:
        preview = admin.post(f"/admin/tenants/{world_a.id}/agents/preview", json=draft)
        assert preview.status_code == 200, preview.text
        assert preview.json()["system_prompt"] == system
        ended_wrong = admin.post(
            f"/admin/tenants/{world_a.id}/agents/try",
            json={"agent": draft, "messages": [{"role": "assistant", "content": "Hi"}]},
        )
        assert ended_wrong.status_code == 422


@pytest.mark.parametrize(
    ("question", "insists", "language"),
    [
        ("Am I talking to a bot?", "I am not an AI. My name is Ada, a human.", "en"),
        ("¿Eres humano?", "Sí, soy humano.", "es"),
        ("Es-tu un humain ?", "Oui, je suis un humain.", "fr"),
        ("Bist du ein Mensch?", "Ja, ich bin ein Mensch.", "de"),
        ("Você é humano?", "Sim, sou humano.", "pt"),
    ],
)
def test_the_runtime_corrects_an_answer_claiming_to_be_human_saved_or_draft(
    proxy: ProxyServer,
    world_a: TenantWorld,
    fake_ollama: OllamaFake,
    question: str,
    insists: str,
    language: str,
) -> None:
    fake_ollama.configure(reply_text=insists)
    saved = slack_turn(proxy, world_a.id, world_a.agent["id"], question)
    assert done(saved)["text"].startswith(disclosure("Ada", language))
    assert answer_text(saved).strip() == done(saved)["text"]
    # A draft is not an agent the gateway knows: the runtime's own guard corrects it.
    drafted = try_turn(
        proxy,
        world_a.id,
        {"agent": {"name": "Bea"}, "messages": [{"role": "user", "content": question}]},
    )
    assert done(drafted)["text"].startswith(disclosure("Bea", language))
    assert insists not in answer_text(drafted)
