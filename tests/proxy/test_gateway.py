"""The gateway through a real proxy process and the official OpenAI SDK."""

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import openai
import pytest
import redis as redis_lib
from sqlalchemy import text

from policies.redis_keys import key_auth_cache_key
from policies.tenant_keys import hash_key
from proxy.core.db.engine import Database
from tests.conftest import TEST_REDIS_URL
from tests.fakes.anthropic import AnthropicFake
from tests.fakes.llm_base import LLMFakeServer
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.stack import ProxyServer, TenantWorld, spend, usage_rows, wait_until_answering

pytestmark = pytest.mark.e2e

HELLO = [{"role": "user", "content": "hello"}]


def client(proxy: ProxyServer, key: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=f"{proxy.url}/v1", max_retries=0)


async def test_tenant_key_answers_and_usage_matches_the_provider_exactly(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake, owner_db: Database
) -> None:
    fake_ollama.configure(prompt_tokens=13, completion_tokens=5)
    answer = client(proxy, world_a.key).chat.completions.create(
        model="konstruct-fast", messages=HELLO
    )
    assert answer.choices[0].message.content == "Hello from fake-ollama"
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (13, 5)
    rows = await usage_rows(owner_db, world_a.id)
    assert [(r[0], r[1], r[2]) for r in rows] == [(13, 5, "konstruct-fast")]


async def test_streaming_works_and_is_counted_once(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake, owner_db: Database
) -> None:
    fake_ollama.configure(reply_text="one two three four five", completion_tokens=9)
    stream = client(proxy, world_a.key).chat.completions.create(
        model="konstruct-fast", messages=HELLO, stream=True
    )
    chunks = [c.choices[0].delta.content or "" for c in stream if c.choices]
    assert len([c for c in chunks if c]) > 1
    assert "".join(chunks) == "one two three four five"
    await asyncio.sleep(1)
    rows = await usage_rows(owner_db, world_a.id)
    assert [(r[1], r[2]) for r in rows] == [(9, "konstruct-fast")]


async def test_a_stream_answered_by_an_openai_deployment_is_billed_with_its_tokens(
    proxy: ProxyServer,
    world_a: TenantWorld,
    fake_ollama: OllamaFake,
    fake_anthropic: AnthropicFake,
    fake_openai: OpenAIFake,
    owner_db: Database,
    fakes: dict[str, LLMFakeServer],
) -> None:
    """OpenAI-style providers report a stream's usage only when asked; the client did not
    ask, still the call is billed with the provider's counts and the client sees no extra
    usage chunk."""
    fake_ollama.configure(fail_status=500)
    fake_anthropic.configure(fail_status=500)
    fake_openai.configure(reply_text="streamed by openai", prompt_tokens=17, completion_tokens=4)
    stream = client(proxy, world_a.key).chat.completions.create(
        model="konstruct-fast", messages=HELLO, stream=True
    )
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == (
        "streamed by openai"
    )
    assert all(c.choices for c in chunks), "a usage-only chunk reached a client that never asked"
    assert fake_openai.last_call.json["stream_options"] == {"include_usage": True}
    rows = await usage_rows(owner_db, world_a.id)
    assert [(r[0], r[1], r[2]) for r in rows] == [(17, 4, "konstruct-fast")]


# konstruct-fast's providers in their `order`: failing the ones before a provider makes it answer.
FAST_CHAIN = ("ollama", "anthropic", "openai")


def answering(
    provider: str, fakes: dict[str, LLMFakeServer], proxy: ProxyServer, world: TenantWorld
) -> LLMFakeServer:
    """Make `provider` the one that answers konstruct-fast: the providers before it fail.
    Returns once it does: a deployment an earlier test cooled down may still be resting."""
    for earlier in FAST_CHAIN[: FAST_CHAIN.index(provider)]:
        fakes[earlier].configure(fail_status=500)
    wait_until_answering(proxy, world.key, first=f"fast-{provider}")
    fakes[provider].clear()
    return fakes[provider]


@pytest.fixture
def fakes(
    proxy: ProxyServer,
    world_a: TenantWorld,
    fake_ollama: OllamaFake,
    fake_anthropic: AnthropicFake,
    fake_openai: OpenAIFake,
) -> Iterator[dict[str, LLMFakeServer]]:
    """The three providers; afterwards healthy again, and the chain answering from its first
    (a test that made some fail leaves them cooled down, which the next test must not see)."""
    providers: dict[str, LLMFakeServer] = {
        "ollama": fake_ollama,
        "anthropic": fake_anthropic,
        "openai": fake_openai,
    }
    yield providers
    for fake in providers.values():
        fake.reset()
    wait_until_answering(proxy, world_a.key)


@pytest.mark.parametrize("provider", FAST_CHAIN)
def test_the_agent_persona_reaches_the_provider(
    proxy: ProxyServer, world_a: TenantWorld, fakes: dict[str, LLMFakeServer], provider: str
) -> None:
    fake = answering(provider, fakes, proxy, world_a)
    client(proxy, world_a.key).chat.completions.create(
        model="konstruct-fast",
        messages=HELLO,
        extra_headers={"X-Konstruct-Agent": world_a.agent["slug"]},
    )
    (system,) = fake.wait_for(fake.system_prompts)
    assert system is not None
    assert "PERSONA-Acme" in system
    assert "You are an AI, not a human" in system


def test_persona_system_prompt_is_prepended_for_the_agent(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    client(proxy, world_a.key).chat.completions.create(
        model="konstruct-fast",
        messages=[{"role": "system", "content": "client system"}, *HELLO],
        extra_headers={"X-Konstruct-Agent": world_a.agent["id"]},
    )
    call = fake_ollama.wait_for(fake_ollama.model_calls)[0]
    messages = call.json["messages"]
    assert messages[0]["role"] == "system"
    assert "PERSONA-Acme" in messages[0]["content"]
    assert "You are an AI, not a human" in messages[0]["content"]
    assert (
        messages[0]["content"].rsplit("\n\n", 1)[-1].startswith("Non-negotiable rule: you are Ada")
    )
    assert (messages[1]["role"], messages[1]["content"]) == ("system", "client system")


def test_a_changed_agent_speaks_anew_and_a_revoked_key_stops_at_once_on_every_worker(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    """Workers keep their own copies of grants and agent cards: an admin change must still
    reach the very next call, whichever of the two workers serves it."""
    agent = world_a.agent["id"]

    def ask() -> str:
        client(proxy, world_a.key).chat.completions.create(
            model="konstruct-fast", messages=HELLO, extra_headers={"X-Konstruct-Agent": agent}
        )
        call = fake_ollama.wait_for(fake_ollama.model_calls)[-1]
        fake_ollama.reset()
        return str(call.json["messages"][0]["content"])

    for _ in range(8):  # both workers now hold the card and the grant
        assert "PERSONA-Acme" in ask()
    with proxy.admin() as admin:
        changed = admin.patch(
            f"/admin/tenants/{world_a.id}/agents/{agent}", json={"persona": "Now terse."}
        )
        assert changed.status_code == 200, changed.text
    for _ in range(8):
        prompt = ask()
        assert "Now terse." in prompt
        assert "PERSONA-Acme" not in prompt

    with proxy.admin() as admin:
        revoked = admin.post(f"/admin/tenants/{world_a.id}/keys/{world_a.key_id}/revoke")
        assert revoked.status_code == 200
    for _ in range(8):
        with pytest.raises(openai.AuthenticationError):
            ask()
    assert fake_ollama.model_calls() == []


def test_without_agent_header_the_call_passes_unchanged(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    client(proxy, world_a.key).chat.completions.create(model="konstruct-fast", messages=HELLO)
    call = fake_ollama.wait_for(fake_ollama.model_calls)[0]
    assert [(m["role"], m["content"]) for m in call.json["messages"]] == [("user", "hello")]


def test_tenant_a_cannot_use_tenant_b_agent(
    proxy: ProxyServer, world_a: TenantWorld, world_b: TenantWorld, fake_ollama: OllamaFake
) -> None:
    for ref in (world_b.agent["id"], world_b.agent["slug"] + "-nope", "x:y z"):
        with pytest.raises(openai.NotFoundError) as caught:
            client(proxy, world_a.key).chat.completions.create(
                model="konstruct-fast", messages=HELLO, extra_headers={"X-Konstruct-Agent": ref}
            )
        assert caught.value.body["code"] == "not_found"
    assert fake_ollama.model_calls() == []


async def test_primary_provider_failing_falls_back_and_headers_say_so(
    proxy: ProxyServer,
    world_a: TenantWorld,
    fake_ollama: OllamaFake,
    fake_anthropic: AnthropicFake,
    owner_db: Database,
    fakes: dict[str, LLMFakeServer],
) -> None:
    fake_ollama.configure(fail_status=500)
    raw = client(proxy, world_a.key).chat.completions.with_raw_response.create(
        model="konstruct-fast", messages=HELLO
    )
    assert raw.parse().choices[0].message.content == "Hello from fake-anthropic"
    assert raw.headers["x-litellm-model-id"] == "fast-anthropic"
    assert fake_ollama.model_calls()
    await asyncio.sleep(1)
    rows = await usage_rows(owner_db, world_a.id)
    assert len(rows) == 1, "the failed attempt on the primary must not count as usage"


def test_quality_group_falls_back_to_the_fast_group_when_its_models_fail(
    proxy: ProxyServer,
    world_a: TenantWorld,
    fakes: dict[str, LLMFakeServer],
    fake_anthropic: AnthropicFake,
    fake_openai: OpenAIFake,
    fake_ollama: OllamaFake,
) -> None:
    """Every provider is up; only the models konstruct-quality asks for fail. The answer can
    then only come from konstruct-fast, through the router's group fallback, from its first
    deployment (once an earlier test's cooled-down deployment has rested)."""
    wait_until_answering(proxy, world_a.key, first="fast-ollama")
    fake_anthropic.configure(fail_models={"claude-sonnet-4-5": 500})
    fake_openai.configure(fail_models={"gpt-4o": 500})
    fake_ollama.configure(fail_models={"llama3.1:8b": 500})
    raw = client(proxy, world_a.key).chat.completions.with_raw_response.create(
        model="konstruct-quality", messages=HELLO
    )
    assert raw.parse().choices[0].message.content == "Hello from fake-ollama"
    assert raw.headers["x-litellm-model-id"] == "fast-ollama"
    assert fake_ollama.last_call.json["model"] == "llama3.2:1b"


@pytest.mark.parametrize("provider", FAST_CHAIN)
def test_a_provider_failing_mid_stream_ends_the_clients_stream_with_an_error(
    proxy: ProxyServer, world_a: TenantWorld, fakes: dict[str, LLMFakeServer], provider: str
) -> None:
    """Anthropic sends `event: error` (overloaded), OpenAI drops the connection, Ollama sends
    an `error` line: the client reads the words that came, then an error, never a clean end."""
    fake = answering(provider, fakes, proxy, world_a)
    fake.configure(reply_text="one two three four five six", stream_error_after=2)
    stream = client(proxy, world_a.key).chat.completions.create(
        model="konstruct-fast", messages=HELLO, stream=True
    )
    received: list[str] = []
    with pytest.raises(openai.APIError):
        for chunk in stream:
            received.extend(choice.delta.content or "" for choice in chunk.choices)
    # The provider streamed two deltas ("one two ", "three four ") before it failed.
    assert "".join(received) == "one two three four "


@pytest.mark.parametrize(
    ("provider", "status"), [("anthropic", 429), ("anthropic", 401), ("anthropic", 529)]
)
def test_a_provider_refusing_is_fallen_back_from(
    proxy: ProxyServer,
    world_a: TenantWorld,
    fakes: dict[str, LLMFakeServer],
    provider: str,
    status: int,
) -> None:
    """A provider's rate limit, a key it refuses, Anthropic's overload: the next one answers."""
    answering(provider, fakes, proxy, world_a).configure(fail_status=status)
    raw = client(proxy, world_a.key).chat.completions.with_raw_response.create(
        model="konstruct-fast", messages=HELLO
    )
    assert raw.parse().choices[0].message.content == "Hello from fake-openai"
    assert fakes[provider].model_calls(), "the failing provider was never asked"


@pytest.mark.parametrize("status", [429, 401, 529])
def test_every_provider_refusing_gives_the_client_an_error_it_can_read(
    proxy: ProxyServer, world_a: TenantWorld, fakes: dict[str, LLMFakeServer], status: int
) -> None:
    for name, fake in fakes.items():
        fake.configure(fail_status=status if status != 529 or name == "anthropic" else 500)
    try:
        with pytest.raises(openai.APIStatusError) as caught:
            client(proxy, world_a.key).chat.completions.create(
                model="konstruct-fast", messages=HELLO
            )
        assert caught.value.status_code >= 400
        assert isinstance(caught.value.body, dict)
        assert caught.value.body["message"]
    finally:
        for fake in fakes.values():
            fake.configure(fail_status=None)
        wait_until_answering(proxy, world_a.key)


async def test_revoked_expired_suspended_and_over_budget_keys(
    proxy: ProxyServer, world_a: TenantWorld, owner_db: Database
) -> None:
    def status_of(key: str) -> tuple[int, str]:
        try:
            client(proxy, key).chat.completions.create(model="konstruct-fast", messages=HELLO)
        except openai.APIStatusError as exc:
            return exc.status_code, exc.body["code"]
        return 200, ""

    assert status_of(world_a.key) == (200, "")
    assert status_of("sk-kon-never-issued")[0] == 401

    with proxy.admin() as admin:
        issued = admin.post(f"/admin/tenants/{world_a.id}/keys", json={"name": "short"}).json()
        revoked = admin.post(f"/admin/tenants/{world_a.id}/keys/{issued['id']}/revoke")
        assert revoked.status_code == 200
    assert status_of(issued["secret"]) == (401, "unauthorized")

    with proxy.admin() as admin:
        later = admin.post(f"/admin/tenants/{world_a.id}/keys", json={"name": "expiring"}).json()
    async with owner_db.platform_transaction() as conn:
        await conn.execute(
            text("update tenant_keys set expires_at = :t where id = :id"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "id": later["id"]},
        )
    redis_lib.Redis.from_url(TEST_REDIS_URL).delete(key_auth_cache_key(hash_key(later["secret"])))
    assert status_of(later["secret"]) == (401, "unauthorized")

    with proxy.admin() as admin:
        assert admin.post(f"/admin/tenants/{world_a.id}/suspend").status_code == 200
        assert status_of(world_a.key) == (403, "forbidden")
        assert admin.post(f"/admin/tenants/{world_a.id}/resume").status_code == 200
        assert status_of(world_a.key) == (200, "")
        limits = admin.put(
            f"/admin/tenants/{world_a.id}/limits", json={"monthly_budget_usd": "0.0001"}
        )
        assert limits.status_code == 200, limits.text
    await spend(owner_db, world_a.id, "1")
    code, error = status_of(world_a.key)
    assert (code, error) == (402, "budget_exhausted")


async def test_budget_nearly_used_degrades_quality_to_fast_and_says_so(
    proxy: ProxyServer, world_a: TenantWorld, owner_db: Database, fake_ollama: OllamaFake
) -> None:
    with proxy.admin() as admin:
        admin.put(
            f"/admin/tenants/{world_a.id}/limits",
            json={"monthly_budget_usd": "1.00", "degrade_at_share": "0.4"},
        ).raise_for_status()
    await spend(owner_db, world_a.id, "0.5")
    raw = client(proxy, world_a.key).chat.completions.with_raw_response.create(
        model="konstruct-quality", messages=HELLO
    )
    assert raw.status_code == 200
    assert raw.headers["x-litellm-model-group"] == "konstruct-fast"
    assert "konstruct-quality->konstruct-fast" in raw.headers["x-konstruct-degraded"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/tenants"),
        ("GET", "/internal/slack/workspaces/T123"),
        ("GET", "/config/yaml"),
        ("GET", "/routes"),
        ("POST", "/cache/flushall"),
        ("GET", "/health"),
        ("POST", "/key/generate"),
        ("GET", "/get/config/callbacks"),
        ("GET", "/router/settings"),
    ],
)
def test_tenant_keys_cannot_reach_admin_or_internal_routes(
    proxy: ProxyServer, world_a: TenantWorld, method: str, path: str
) -> None:
    response = httpx.request(
        method, f"{proxy.url}{path}", headers={"Authorization": f"Bearer {world_a.key}"}, timeout=30
    )
    # 404: the tenant surface is an allowlist, a route outside it does not exist for a tenant.
    assert response.status_code in (401, 403, 404), (path, response.status_code, response.text)


async def test_rpm_limit_holds_across_two_workers(
    proxy: ProxyServer, fake_ollama: OllamaFake, owner_db: Database
) -> None:
    from tests.stack import make_world

    world = make_world(proxy, "Limited")
    with proxy.admin() as admin:
        limited = admin.post(
            f"/admin/tenants/{world.id}/keys", json={"name": "rpm3", "rpm_limit": 3}
        ).json()

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=10)) as http:
            calls = [
                http.post(
                    f"{proxy.url}/v1/chat/completions",
                    headers={"Authorization": f"Bearer {limited['secret']}"},
                    json={"model": "konstruct-fast", "messages": HELLO},
                )
                for _ in range(10)
            ]
            return await asyncio.gather(*calls)

    responses = await burst()
    codes = sorted(r.status_code for r in responses)
    assert codes.count(200) == 3, codes
    assert codes.count(429) == 7, codes
    throttled = next(r for r in responses if r.status_code == 429)
    assert int(throttled.headers["retry-after"]) > 0
    assert len(fake_ollama.model_calls()) == 3
    await asyncio.sleep(1)
    assert len(await usage_rows(owner_db, world.id)) == 3, "429s must not count as usage"


# Where each provider's wire format takes OpenAI's max_completion_tokens.
MAX_TOKENS_FIELD = {
    "ollama": lambda body: (body.get("options") or {}).get("num_predict"),
    "anthropic": lambda body: body.get("max_tokens"),
    "openai": lambda body: body.get("max_completion_tokens") or body.get("max_tokens"),
}


@pytest.mark.parametrize("provider", FAST_CHAIN)
def test_max_completion_tokens_reaches_every_provider_in_its_own_words(
    proxy: ProxyServer, world_a: TenantWorld, fakes: dict[str, LLMFakeServer], provider: str
) -> None:
    fake = answering(provider, fakes, proxy, world_a)
    client(proxy, world_a.key).chat.completions.create(
        model="konstruct-fast", messages=HELLO, max_completion_tokens=17
    )
    assert MAX_TOKENS_FIELD[provider](fake.last_call.json) == 17, fake.last_call.json


def test_an_option_a_provider_cannot_serve_is_never_silently_dropped(
    proxy: ProxyServer, world_a: TenantWorld, fakes: dict[str, LLMFakeServer]
) -> None:
    """Anthropic has no logit_bias: the call goes on to a deployment that has it (with
    LiteLLM's drop_params it went to Anthropic without the option, and the caller never
    knew); with none left, the caller gets the last deployment's error, never a silent drop."""
    anthropic, openai_fake = fakes["anthropic"], fakes["openai"]
    answering("anthropic", fakes, proxy, world_a)
    gateway = client(proxy, world_a.key)
    biased = gateway.chat.completions.with_raw_response.create(
        model="konstruct-fast", messages=HELLO, logit_bias={"50256": -100}
    )
    assert biased.headers["x-litellm-model-id"] == "fast-openai"
    assert openai_fake.last_call.json["logit_bias"] == {"50256": -100}
    assert all("logit_bias" not in call.text for call in anthropic.model_calls())
