"""pytest fixtures for the fakes.

Each fake has a session-scoped server (``fake_<name>_session``: started once, same URL
for the whole run, handy for processes started once per session) and a function-scoped
fixture (``fake_<name>``) that hands out that same server, reset (requests and state
cleared, every knob back to its default) before and after each test.

The session servers require the platform's provider keys (``OPENAI_PLATFORM_KEY``,
``ANTHROPIC_PLATFORM_KEY``: what tests/stack.py hands the proxy), as the real services do;
``reset()`` keeps that requirement.

Use them from a conftest with ``from tests.fakes.fixtures import *  # noqa: F403`` or by
listing ``"tests.fakes.fixtures"`` in the root conftest's ``pytest_plugins``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.anthropic import AnthropicFake
from tests.fakes.ollama import OllamaFake
from tests.fakes.openai import OpenAIFake
from tests.fakes.otlp import OTLPFake
from tests.fakes.slack import SlackFake

# The platform's provider accounts in the suite: the proxy is given these, the fakes demand them.
OPENAI_PLATFORM_KEY = "sk-test-openai-provider-key"
ANTHROPIC_PLATFORM_KEY = "sk-ant-test-provider-key"

__all__ = [
    "fake_anthropic",
    "fake_anthropic_session",
    "fake_ollama",
    "fake_ollama_session",
    "fake_openai",
    "fake_openai_session",
    "fake_otlp",
    "fake_otlp_session",
    "fake_slack",
    "fake_slack_session",
]


@pytest.fixture(scope="session")
def fake_openai_session() -> Iterator[OpenAIFake]:
    with OpenAIFake(required_key=OPENAI_PLATFORM_KEY) as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_anthropic_session() -> Iterator[AnthropicFake]:
    with AnthropicFake(required_key=ANTHROPIC_PLATFORM_KEY) as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_ollama_session() -> Iterator[OllamaFake]:
    with OllamaFake() as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_slack_session() -> Iterator[SlackFake]:
    with SlackFake() as fake:
        yield fake


@pytest.fixture(scope="session")
def fake_otlp_session() -> Iterator[OTLPFake]:
    with OTLPFake() as fake:
        yield fake


@pytest.fixture
def fake_otlp(fake_otlp_session: OTLPFake) -> Iterator[OTLPFake]:
    fake_otlp_session.reset()
    yield fake_otlp_session
    fake_otlp_session.reset()


@pytest.fixture
def fake_openai(fake_openai_session: OpenAIFake) -> Iterator[OpenAIFake]:
    fake_openai_session.reset()
    yield fake_openai_session
    fake_openai_session.reset()


@pytest.fixture
def fake_anthropic(fake_anthropic_session: AnthropicFake) -> Iterator[AnthropicFake]:
    fake_anthropic_session.reset()
    yield fake_anthropic_session
    fake_anthropic_session.reset()


@pytest.fixture
def fake_ollama(fake_ollama_session: OllamaFake) -> Iterator[OllamaFake]:
    fake_ollama_session.reset()
    yield fake_ollama_session
    fake_ollama_session.reset()


@pytest.fixture
def fake_slack(fake_slack_session: SlackFake) -> Iterator[SlackFake]:
    fake_slack_session.reset()
    yield fake_slack_session
    fake_slack_session.reset()
