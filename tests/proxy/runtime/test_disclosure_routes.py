"""AI disclosure on every gateway route: whatever the provider says, the caller reads an AI.

The fake provider insists it is human; the tenant's app asks through the official OpenAI SDK
(chat completions and the Responses API, plain and streamed) and must read the disclosure.
"""

import openai
import pytest

from policies.disclosure import disclosure
from tests.fakes.ollama import OllamaFake
from tests.stack import ProxyServer, TenantWorld

pytestmark = pytest.mark.e2e

INSISTS = "I am not an AI. My name is Ada, a human."
QUESTION = "Am I talking to a bot?"
CORRECTED = disclosure("Ada", "en")


def gateway(proxy: ProxyServer, world: TenantWorld) -> openai.OpenAI:
    return openai.OpenAI(api_key=world.key, base_url=f"{proxy.url}/v1", max_retries=0)


def as_agent(world: TenantWorld) -> dict[str, str]:
    return {"X-Konstruct-Agent": world.agent["slug"]}


def test_chat_answers_plain_and_streamed_are_corrected(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    fake_ollama.configure(reply_text=INSISTS, stream_chunks=8)
    chat = gateway(proxy, world_a).chat.completions
    messages = [{"role": "user", "content": QUESTION}]
    plain = chat.create(model="konstruct-fast", messages=messages, extra_headers=as_agent(world_a))
    assert plain.choices[0].message.content.strip() == CORRECTED
    stream = chat.create(
        model="konstruct-fast", messages=messages, stream=True, extra_headers=as_agent(world_a)
    )
    deltas = [c.choices[0].delta.content or "" for c in stream if c.choices]
    assert "".join(deltas).strip() == CORRECTED
    assert not any("human." in delta and "not" not in delta for delta in deltas)
    # The provider did say it, twice: the gateway corrected it on the way out.
    assert len(fake_ollama.model_calls()) == 2


def test_a_claim_in_an_unrelated_answer_is_replaced_before_it_streams_out(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    fake_ollama.configure(
        reply_text="We open at nine. I am a real person, by the way. See you!", stream_chunks=12
    )
    stream = gateway(proxy, world_a).chat.completions.create(
        model="konstruct-fast",
        messages=[{"role": "user", "content": "When do you open?"}],
        stream=True,
        extra_headers=as_agent(world_a),
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == f"We open at nine. {CORRECTED} See you!"


@pytest.mark.parametrize(
    ("question", "insists", "expected"),
    [
        ("¿Estoy hablando con un bot?", "No soy una IA, soy una persona.", disclosure("Ada", "es")),
        ("Je parle à un humain ?", "Oui, je suis un humain.", disclosure("Ada", "fr")),
        ("Bist du ein Mensch?", "Ja, ich bin ein Mensch.", disclosure("Ada", "de")),
        ("Você é humano?", "Sim, sou humano.", disclosure("Ada", "pt")),
    ],
)
def test_responses_api_answers_plain_and_streamed_are_corrected_in_the_askers_language(
    proxy: ProxyServer,
    world_a: TenantWorld,
    fake_ollama: OllamaFake,
    question: str,
    insists: str,
    expected: str,
) -> None:
    fake_ollama.configure(reply_text=insists)
    responses = gateway(proxy, world_a).responses
    plain = responses.create(
        model="konstruct-fast", input=question, extra_headers=as_agent(world_a)
    )
    assert plain.output_text.strip() == expected
    events = list(
        responses.create(
            model="konstruct-fast", input=question, stream=True, extra_headers=as_agent(world_a)
        )
    )
    streamed = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert streamed.strip() == expected
    done = [e.text for e in events if e.type == "response.output_text.done"]
    assert [text.strip() for text in done] == [expected]
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text.strip() == expected


def test_without_an_agent_the_gateway_does_not_rewrite_answers(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    fake_ollama.configure(reply_text=INSISTS)
    plain = gateway(proxy, world_a).chat.completions.create(
        model="konstruct-fast", messages=[{"role": "user", "content": QUESTION}]
    )
    assert plain.choices[0].message.content == INSISTS
