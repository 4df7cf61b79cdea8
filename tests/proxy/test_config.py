"""Which deployments LiteLLM gets: configured providers, else the local model in every group."""

from pathlib import Path

import pytest
import yaml

from proxy.gateway.config import SOURCE, needs_local_model, resolve, write_resolved

pytestmark = pytest.mark.unit

LOCAL = "http://127.0.0.1:8008/v1"
SOURCE_CONFIG = yaml.safe_load(SOURCE.read_text())
GROUPS = {"konstruct-fast", "konstruct-quality"}


def deployments_by_group(config: dict[str, object]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for deployment in config["model_list"]:  # type: ignore[attr-defined]
        found.setdefault(deployment["model_name"], []).append(deployment["model_info"]["id"])
    return found


def test_no_provider_key_routes_every_model_group_to_the_local_model() -> None:
    resolved = resolve(SOURCE_CONFIG, {}, LOCAL)
    assert deployments_by_group(resolved) == {
        "konstruct-fast": ["fast-local"],
        "konstruct-quality": ["quality-local"],
    }
    for deployment in resolved["model_list"]:
        params = deployment["litellm_params"]
        assert params["model"] == "openai/smollm2-135m-instruct"
        assert params["api_base"] == LOCAL
        assert (params["input_cost_per_token"], params["output_cost_per_token"]) == (0, 0)
    assert resolved["router_settings"]["fallbacks"] == [{"konstruct-quality": ["konstruct-fast"]}]
    assert needs_local_model({})


def test_an_openai_key_replaces_the_local_model() -> None:
    environ = {"OPENAI_API_KEY": "sk-test-openai-provider-key", "OPENAI_BASE_URL": "http://x/v1"}
    resolved = resolve(SOURCE_CONFIG, environ, LOCAL)
    assert deployments_by_group(resolved) == {
        "konstruct-fast": ["fast-openai"],
        "konstruct-quality": ["quality-openai"],
    }
    assert all(d["litellm_params"]["api_base"] != LOCAL for d in resolved["model_list"])
    assert not needs_local_model(environ)


def test_ollama_alone_is_a_provider_too() -> None:
    environ = {"OLLAMA_BASE_URL": "http://127.0.0.1:11434"}
    resolved = resolve(SOURCE_CONFIG, environ, LOCAL)
    assert set(deployments_by_group(resolved)) == GROUPS
    assert "-local" not in str(deployments_by_group(resolved))
    assert not needs_local_model(environ)


def test_an_incomplete_provider_does_not_count() -> None:
    """A key without its base URL leaves that provider out, so the local model still serves."""
    environ = {"ANTHROPIC_API_KEY": "sk-ant-test-provider-key", "ANTHROPIC_BASE_URL": ""}
    assert needs_local_model(environ)
    resolved = resolve(SOURCE_CONFIG, environ, LOCAL)
    assert deployments_by_group(resolved)["konstruct-fast"] == ["fast-local"]


def test_the_written_config_points_at_the_configured_local_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from proxy.core.settings import get_settings

    monkeypatch.setenv("LOCAL_MODEL_PORT", "8123")
    get_settings.cache_clear()
    try:
        written = write_resolved(tmp_path / "litellm.yaml", environ={})
    finally:
        get_settings.cache_clear()
    resolved = yaml.safe_load(written.read_text())
    assert {d["litellm_params"]["api_base"] for d in resolved["model_list"]} == {
        "http://127.0.0.1:8123/v1"
    }


def test_the_call_tracer_runs_only_when_traces_are_exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from proxy.core.settings import get_settings

    def callbacks() -> list[str]:
        get_settings.cache_clear()
        config = yaml.safe_load(write_resolved(tmp_path / "resolved.yaml", environ={}).read_text())
        return list(config["litellm_settings"]["callbacks"])

    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    try:
        untraced = callbacks()
        monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
        traced = callbacks()
    finally:
        get_settings.cache_clear()
    assert "plugins.tracing.call_tracer" not in untraced
    assert "plugins.usage.usage_logger" in untraced
    assert traced[-1] == "plugins.tracing.call_tracer"
