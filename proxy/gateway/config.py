"""Resolve litellm_config.yaml for this environment: keep only configured providers.

A deployment whose `os.environ/NAME` references are not all set is left out with a log
line instead of failing at the first call; the resolved copy is what LiteLLM loads.
When no provider is configured at all, every model group is served by the local model
(proxy/local_model.py), so a first `make up` answers without an account anywhere.
"""

import logging
import os
from pathlib import Path
from typing import Any

import yaml

from proxy.core.settings import get_settings

log = logging.getLogger("konstruct.config")

ENV_PREFIX = "os.environ/"
SOURCE = Path(__file__).resolve().parents[2] / "litellm_config.yaml"
# The name the local server answers to; LiteLLM reaches it as an OpenAI-compatible API.
LOCAL_MODEL_ALIAS = "smollm2-135m-instruct"


def _env_refs(params: dict[str, Any]) -> list[str]:
    return [
        value[len(ENV_PREFIX) :]
        for value in params.values()
        if isinstance(value, str) and value.startswith(ENV_PREFIX)
    ]


def configured_deployments(config: dict[str, Any], environ: dict[str, str]) -> list[dict[str, Any]]:
    """The deployments of the config whose environment is complete."""
    kept: list[dict[str, Any]] = []
    for deployment in config.get("model_list", []):
        missing = [
            name for name in _env_refs(deployment["litellm_params"]) if not environ.get(name)
        ]
        ident = deployment.get("model_info", {}).get("id", deployment["litellm_params"]["model"])
        if missing:
            log.info(
                "provider not configured, leaving out %s (unset: %s)", ident, ", ".join(missing)
            )
            continue
        kept.append(deployment)
    return kept


def needs_local_model(environ: dict[str, str], source: Path = SOURCE) -> bool:
    """Whether no provider is configured, so the model groups are served locally."""
    return not configured_deployments(yaml.safe_load(source.read_text()), environ)


def local_deployments(groups: list[str], api_base: str) -> list[dict[str, Any]]:
    """One deployment of the local model per model group; it costs nothing."""
    return [
        {
            "model_name": group,
            "litellm_params": {
                "model": f"openai/{LOCAL_MODEL_ALIAS}",
                "api_base": api_base,
                "api_key": "no-key-needed",  # the local server listens on 127.0.0.1 only
                "max_retries": 0,
                "input_cost_per_token": 0,
                "output_cost_per_token": 0,
                # llama.cpp's server has no Responses API: LiteLLM answers it through chat.
                "use_chat_completions_api": True,
            },
            "model_info": {
                "id": f"{group.removeprefix('konstruct-')}-local",
                "text_only_content": True,  # plugins/text_only.py
            },
        }
        for group in groups
    ]


def model_groups(source: Path = SOURCE) -> dict[str, frozenset[str]]:
    """The model groups of the config by what they serve: "embedding" for groups whose
    deployments say `model_info.mode: embedding`, "chat" for the rest."""
    groups: dict[str, set[str]] = {"chat": set(), "embedding": set()}
    for deployment in yaml.safe_load(source.read_text()).get("model_list", []):
        mode = deployment.get("model_info", {}).get("mode")
        groups["embedding" if mode == "embedding" else "chat"].add(deployment["model_name"])
    return {mode: frozenset(names) for mode, names in groups.items()}


def resolve(
    config: dict[str, Any], environ: dict[str, str], local_model_url: str | None = None
) -> dict[str, Any]:
    """The config with only deployments whose environment is complete.

    With none, and a `local_model_url`, every model group routes to the local model.
    """
    kept = configured_deployments(config, environ)
    if not kept and local_model_url is not None:
        groups = list(dict.fromkeys(d["model_name"] for d in config.get("model_list", [])))
        kept = local_deployments(groups, local_model_url)
        log.warning(
            "no model provider is configured: %s served by the local model at %s",
            ", ".join(groups),
            local_model_url,
        )
    elif not kept:
        log.warning("no model provider is configured: model calls will answer 'no deployments'")
    groups_kept = {d["model_name"] for d in kept}
    router = dict(config.get("router_settings", {}))
    router["fallbacks"] = [
        {group: [target for target in targets if target in groups_kept]}
        for entry in router.get("fallbacks", [])
        for group, targets in entry.items()
        if group in groups_kept
    ]
    return {**config, "model_list": kept, "router_settings": router}


def with_provider_timeout(config: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Every attempt at one deployment (streams too) gets `seconds`; then the router moves on
    to the next deployment or fallback group."""
    router = {**config.get("router_settings", {}), "timeout": seconds}
    settings = {**config.get("litellm_settings", {}), "request_timeout": seconds}
    return {**config, "router_settings": router, "litellm_settings": settings}


TRACING_CALLBACK = "plugins.tracing.call_tracer"


def without_tracing(config: dict[str, Any]) -> dict[str, Any]:
    """With no OTLP endpoint set nothing is exported: the call tracer is left out altogether,
    so untraced gateways pay nothing for it per call."""
    settings = dict(config.get("litellm_settings", {}))
    settings["callbacks"] = [c for c in settings.get("callbacks", []) if c != TRACING_CALLBACK]
    return {**config, "litellm_settings": settings}


def write_resolved(
    target: Path, source: Path = SOURCE, environ: dict[str, str] | None = None
) -> Path:
    config = yaml.safe_load(source.read_text())
    local_model_url = get_settings().local_model_url
    resolved = resolve(config, dict(os.environ if environ is None else environ), local_model_url)
    resolved = with_provider_timeout(resolved, get_settings().konstruct_provider_timeout_seconds)
    settings = get_settings()
    if not (settings.otel_exporter_otlp_endpoint or settings.otel_exporter_otlp_traces_endpoint):
        resolved = without_tracing(resolved)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(resolved, sort_keys=False))
    return target
