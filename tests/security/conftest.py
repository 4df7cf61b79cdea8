"""A proxy whose only provider is a recording fake OpenAI holding the platform's key.

Whatever a tenant makes the proxy send to a provider lands in `platform.requests`, so the
tenant-surface tests judge by what the provider received, not by the status a tenant saw.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import Services
from tests.fakes.openai import OpenAIFake
from tests.processes import ROOT, Process, free_port
from tests.stack import (
    BRIDGE_KEY,
    MASTER_KEY,
    ProxyServer,
    TenantWorld,
    base_proxy_env,
    make_world,
)

PLATFORM_KEY = "sk-surface-platform-key"


@dataclass(frozen=True)
class Surface:
    proxy: ProxyServer
    platform: OpenAIFake
    env: dict[str, str]


@pytest.fixture(scope="session")
def surface(services: Services) -> Iterator[Surface]:
    with OpenAIFake(required_key=PLATFORM_KEY, models=["gpt-4o-mini", "gpt-4o"]) as platform:
        port = free_port()
        env = {
            **base_proxy_env(services),
            "OPENAI_BASE_URL": f"{platform.url}/v1",
            "OPENAI_API_KEY": PLATFORM_KEY,
            "OLLAMA_BASE_URL": "",
            "ANTHROPIC_API_KEY": "",
            "ANTHROPIC_BASE_URL": "",
            "PROXY_PORT": str(port),
            "PROXY_WORKERS": "1",
        }
        process = Process(
            "proxy-surface", "proxy.serve", env, f"http://127.0.0.1:{port}/healthz"
        ).start(timeout=600)
        try:
            proxy = ProxyServer(f"http://127.0.0.1:{port}", MASTER_KEY, BRIDGE_KEY, process)
            yield Surface(proxy, platform, env)
        finally:
            process.stop()


@pytest.fixture
def platform(surface: Surface) -> Iterator[OpenAIFake]:
    surface.platform.reset()
    yield surface.platform
    surface.platform.reset()


@pytest.fixture(scope="session")
def surface_a(surface: Surface) -> TenantWorld:
    return make_world(surface.proxy, "SurfaceA")


@pytest.fixture(scope="session")
def surface_b(surface: Surface) -> TenantWorld:
    return make_world(surface.proxy, "SurfaceB")


@pytest.fixture(scope="session")
def route_table(surface: Surface) -> list[dict[str, str]]:
    """Every (kind, method, path) of the proxy's app, read from the app itself."""
    listed = subprocess.run(
        [sys.executable, "-m", "tests.security.routes"],
        cwd=ROOT,
        env={**surface.env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    routes = [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
    assert len(routes) > 300, "LiteLLM's routes are missing from the table"
    return routes
