"""Diagnostic only: `python -m proxy.serve` with one or more Konstruct parts switched off.

    python -m bench.konstruct_variant quiet_logs+no_usage

The gateway benchmark runs such variants next to the real proxy (`--variants`) to show
where Konstruct's per-request cost goes. Nothing in proxy/ changes; the variant edits the
resolved LiteLLM config (and logging) of this process only. One worker only (more
workers would re-import `proxy.gateway.app` without these edits).

- quiet_logs: LiteLLM's loggers at WARNING. proxy/serve.py calls
  `logging.basicConfig(level=INFO)`; LiteLLM's loggers have no level of their own and
  propagate, so every model call writes several INFO lines, each twice.
- no_usage: no usage logger callback (no usage row, no spend counter).
- no_persona: no persona callback (no agent lookup, no system prompt).
- no_callbacks: neither callback (LiteLLM then skips its success-logging work too).
- no_coordination_redis: LiteLLM's limiter counts in memory instead of in Redis.
"""

import logging
import sys
from pathlib import Path
from typing import Any

import yaml

from proxy import serve
from proxy.gateway import config as konstruct_config

LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Proxy", "LiteLLM Router")
VARIANTS = ("quiet_logs", "no_usage", "no_persona", "no_callbacks", "no_coordination_redis")


def edit(config: dict[str, Any], variants: set[str]) -> dict[str, Any]:
    settings = dict(config.get("litellm_settings", {}))
    callbacks = list(settings.get("callbacks", []))
    if "no_usage" in variants or "no_callbacks" in variants:
        callbacks = [c for c in callbacks if not c.startswith("plugins.usage")]
    if "no_persona" in variants or "no_callbacks" in variants:
        callbacks = [c for c in callbacks if not c.startswith("plugins.persona")]
    if callbacks:
        settings["callbacks"] = callbacks
    else:
        settings.pop("callbacks", None)
    general = dict(config.get("general_settings", {}))
    if "no_coordination_redis" in variants:
        general.pop("coordination_redis", None)
    return {**config, "litellm_settings": settings, "general_settings": general}


def main() -> None:
    variants = set(sys.argv[1].split("+")) if len(sys.argv) > 1 else set()
    unknown = variants - set(VARIANTS)
    if unknown:
        raise SystemExit(f"unknown variant(s) {sorted(unknown)}; known: {VARIANTS}")

    def write_resolved(
        target: Path, source: Path = konstruct_config.SOURCE, environ: dict[str, str] | None = None
    ) -> Path:
        konstruct_config.write_resolved(target, source, environ)
        target.write_text(yaml.safe_dump(edit(yaml.safe_load(target.read_text()), variants)))
        return target

    setattr(serve, "write_resolved", write_resolved)  # noqa: B010 - serve imports it by name
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if "quiet_logs" in variants:
        for name in LITELLM_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
    serve.main()  # its basicConfig is a no-op now; one worker runs in this process


if __name__ == "__main__":
    main()
