"""Resolve litellm_config.yaml for this environment: keep only configured providers.

A deployment whose `os.environ/NAME` references are not all set is left out with a log
line instead of failing at the first call; the resolved copy is what LiteLLM loads.
"""

import logging
import os
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("konstruct.config")

ENV_PREFIX = "os.environ/"
SOURCE = Path(__file__).resolve().parent.parent / "litellm_config.yaml"


def _env_refs(params: dict[str, Any]) -> list[str]:
    return [
        value[len(ENV_PREFIX) :]
        for value in params.values()
        if isinstance(value, str) and value.startswith(ENV_PREFIX)
    ]


def resolve(config: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    """The config with only deployments whose environment is complete."""
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
    groups = {d["model_name"] for d in kept}
    router = dict(config.get("router_settings", {}))
    router["fallbacks"] = [
        {group: [target for target in targets if target in groups]}
        for entry in router.get("fallbacks", [])
        for group, targets in entry.items()
        if group in groups
    ]
    if not kept:
        log.warning("no model provider is configured: model calls will answer 'no deployments'")
    return {**config, "model_list": kept, "router_settings": router}


def write_resolved(
    target: Path, source: Path = SOURCE, environ: dict[str, str] | None = None
) -> Path:
    config = yaml.safe_load(source.read_text())
    resolved = resolve(config, dict(os.environ if environ is None else environ))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(resolved, sort_keys=False))
    return target
