"""Network-edge test doubles: local HTTP servers speaking the real wire formats.

- :mod:`tests.fakes.openai`    — OpenAI chat completions (``OpenAIFake``)
- :mod:`tests.fakes.anthropic` — Anthropic Messages API (``AnthropicFake``)
- :mod:`tests.fakes.ollama`    — Ollama native API (``OllamaFake``)
- :mod:`tests.fakes.slack`     — Slack Web API (``SlackFake``)
- :mod:`tests.fakes.fixtures`  — pytest fixtures for all of them

Submodules are not imported here, so ``python -m tests.fakes.<name>`` stays clean.
"""
