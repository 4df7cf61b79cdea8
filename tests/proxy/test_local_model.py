"""With no provider key, agents answer from the local model (llama.cpp serving SmolLM2).

No fake here: the proxy talks to the real llama.cpp server that `make up` starts.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openai
import pytest

from proxy.core.db.engine import Database
from tests.clients.node_app import run_app
from tests.conftest import Services
from tests.processes import LOG_DIR, ROOT, Process, free_port
from tests.stack import (
    BRIDGE_KEY,
    MASTER_KEY,
    ProxyServer,
    TenantWorld,
    base_proxy_env,
    make_world,
    usage_rows,
)

# Blank, not absent: the proxy and the launcher fill unset variables from a .env file.
NO_PROVIDERS = {
    "OPENAI_API_KEY": "",
    "OPENAI_BASE_URL": "",
    "ANTHROPIC_API_KEY": "",
    "ANTHROPIC_BASE_URL": "",
    "OLLAMA_BASE_URL": "",
}


@pytest.fixture(scope="module")
def local_model_port() -> Iterator[int]:
    port = free_port()
    server = Process(
        "local-model",
        "proxy.local_model",
        {**NO_PROVIDERS, "LOCAL_MODEL_PORT": str(port)},
        f"http://127.0.0.1:{port}/v1/models",
    ).start(timeout=120)
    try:
        yield port
    finally:
        server.stop()


@pytest.fixture(scope="module")
def local_proxy(services: Services, local_model_port: int) -> Iterator[ProxyServer]:
    port = free_port()
    env = {
        **NO_PROVIDERS,
        **base_proxy_env(services),
        "LOCAL_MODEL_PORT": str(local_model_port),
        "PROXY_PORT": str(port),
        "PROXY_WORKERS": "1",
    }
    process = Process("proxy-local-model", "proxy.serve", env, f"http://127.0.0.1:{port}/healthz")
    process.start()
    try:
        yield ProxyServer(f"http://127.0.0.1:{port}", MASTER_KEY, BRIDGE_KEY, process)
    finally:
        process.stop()


@pytest.fixture(scope="module")
def world(local_proxy: ProxyServer) -> TenantWorld:
    return make_world(local_proxy, "Acme")


def sdk(proxy: ProxyServer, key: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=f"{proxy.url}/v1", max_retries=0, timeout=120)


@pytest.mark.e2e
@pytest.mark.slow
async def test_an_agent_answers_from_the_local_model_with_no_provider_key(
    local_proxy: ProxyServer, world: TenantWorld, owner_db: Database
) -> None:
    raw = sdk(local_proxy, world.key).chat.completions.with_raw_response.create(
        model="konstruct-fast",
        messages=[{"role": "user", "content": "Say hello to me in one short sentence."}],
        max_tokens=24,
        extra_headers={"X-Konstruct-Agent": world.agent["slug"]},
    )
    answer = raw.parse()
    assert raw.headers["x-litellm-model-id"] == "fast-local"
    assert raw.headers["x-konstruct-agent-id"] == world.agent["id"]
    assert (answer.choices[0].message.content or "").strip()
    assert answer.usage is not None
    assert answer.usage.completion_tokens > 0
    # The persona's system prompt went in with the question: far more than the question alone.
    assert answer.usage.prompt_tokens > 50
    rows = await usage_rows(owner_db, world.id, wait_seconds=10)
    assert rows == [
        (
            answer.usage.prompt_tokens,
            answer.usage.completion_tokens,
            "konstruct-fast",
            Decimal(0),
        )
    ]


@pytest.mark.e2e
@pytest.mark.slow
async def test_the_responses_api_answers_from_the_local_model_as_the_agent(
    local_proxy: ProxyServer, world: TenantWorld, owner_db: Database
) -> None:
    gateway = sdk(local_proxy, world.key).responses
    made = gateway.create(
        model="konstruct-fast",
        input="Say hello to me in one short sentence.",
        max_output_tokens=24,
        extra_headers={"X-Konstruct-Agent": world.agent["slug"]},
    )
    assert made.status == "completed"
    assert made.output_text.strip()
    assert made.usage is not None
    # The agent's system prompt went in as instructions: far more than the question alone.
    assert made.usage.input_tokens > 50
    streamed = list(gateway.create(model="konstruct-fast", input="Hi", stream=True,
                                   max_output_tokens=16))  # fmt: skip
    assert streamed[-1].type == "response.completed"
    assert any(event.type == "response.output_text.delta" for event in streamed)
    for _ in range(100):
        if len(await usage_rows(owner_db, world.id)) >= 2:
            break
        await asyncio.sleep(0.1)
    assert len(await usage_rows(owner_db, world.id)) >= 2


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.parametrize("api", ["responses", "chat"])
def test_the_vercel_ai_sdk_answers_from_the_local_model(
    local_proxy: ProxyServer, world: TenantWorld, node_client: Path, api: str
) -> None:
    results = run_app(node_client, local_proxy.url, world, api)
    assert set(results) == {"generateText", "streamText"}
    for result in results.values():
        assert result["text"].strip(), result
        assert result["usage"]["totalTokens"] > 0


@pytest.mark.e2e
@pytest.mark.slow
def test_the_model_groups_the_proxy_lists_are_served_by_the_local_model(
    local_proxy: ProxyServer, world: TenantWorld, local_model_port: int
) -> None:
    listed = {model.id for model in sdk(local_proxy, world.key).models.list()}
    assert listed == {"konstruct-fast", "konstruct-quality"}
    with local_proxy.admin() as admin:
        info = admin.get("/v1/model/info")
    assert info.status_code == 200, info.text
    served = {
        (d["model_name"], d["litellm_params"]["model"], d["litellm_params"]["api_base"])
        for d in info.json()["data"]
    }
    local = f"http://127.0.0.1:{local_model_port}/v1"
    assert served == {
        ("konstruct-fast", "openai/smollm2-135m-instruct", local),
        ("konstruct-quality", "openai/smollm2-135m-instruct", local),
    }


def refuses_connections(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.integration
def test_with_a_provider_configured_the_local_model_waits_without_serving() -> None:
    """honcho stops the stack when a process exits: the launcher must stay, serving nothing."""
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / "local-model-idle.log"
    env = {
        **os.environ,
        **NO_PROVIDERS,
        "PYTHONPATH": str(ROOT),
        "OPENAI_API_KEY": "sk-test-openai-provider-key",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "LOCAL_MODEL_PORT": str(port),
    }
    with log_path.open("wb") as log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "proxy.local_model"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "not started" not in log_path.read_text() and time.monotonic() < deadline:
            assert launcher.poll() is None, log_path.read_text()
            time.sleep(0.2)
        assert "a model provider is configured: the local model is not started" in (
            log_path.read_text()
        )
        time.sleep(1)
        assert launcher.poll() is None, "the launcher exited, which would stop the whole stack"
        assert refuses_connections(port)
        launcher.send_signal(signal.SIGTERM)
        assert launcher.wait(timeout=10) == 0
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
