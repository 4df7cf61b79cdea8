"""A provider that hangs: the gateway gives up on it at the configured deadline and answers
from the next provider of the model group, streamed or not."""

import time

import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.faults.conftest import PROVIDER_TIMEOUT_SECONDS
from tests.stack import ProxyServer, make_world

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hello"}]
# Beyond the deadline: LiteLLM's own work, the fallback's answer, and two busy cores.
MARGIN_SECONDS = 3.0
HANG_SECONDS = 60


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_a_hanging_provider_falls_back_within_the_deadline(
    faults_proxy: ProxyServer, fake_openai: OpenAIFake, fake_ollama: OllamaFake, stream: bool
) -> None:
    world = make_world(faults_proxy, "Patient")
    client = openai.OpenAI(api_key=world.key, base_url=f"{faults_proxy.url}/v1", max_retries=0)
    # A first call warms the key's and the agent's caches: only the provider is slow below.
    client.chat.completions.create(model="konstruct-quality", messages=HELLO)
    fake_openai.clear()
    fake_ollama.clear()
    fake_openai.configure(delay_seconds=HANG_SECONDS)

    started = time.monotonic()
    if stream:
        streamed = client.chat.completions.with_raw_response.create(
            model="konstruct-quality", messages=HELLO, stream=True, timeout=HANG_SECONDS
        )
        headers = streamed.headers
        text = "".join(
            chunk.choices[0].delta.content or "" for chunk in streamed.parse() if chunk.choices
        )
    else:
        plain = client.chat.completions.with_raw_response.create(
            model="konstruct-quality", messages=HELLO, timeout=HANG_SECONDS
        )
        headers = plain.headers
        text = plain.parse().choices[0].message.content or ""
    elapsed = time.monotonic() - started

    assert text == "Hello from fake-ollama"
    assert headers["x-litellm-model-id"] == "quality-ollama"
    assert headers["x-litellm-attempted-fallbacks"] == "1"
    # The hanging provider was asked first, and given up on at the deadline, not before.
    assert len(fake_openai.model_calls()) == 1
    assert len(fake_ollama.model_calls()) == 1
    assert fake_ollama.model_calls()[0].time - fake_openai.model_calls()[0].time >= (
        PROVIDER_TIMEOUT_SECONDS - 0.2
    )
    assert elapsed < PROVIDER_TIMEOUT_SECONDS + MARGIN_SECONDS, elapsed
