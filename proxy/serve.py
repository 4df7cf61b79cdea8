"""`make proxy`: prepare LiteLLM's environment and serve the assembled app with uvicorn."""

import os
from pathlib import Path

import uvicorn
from dotenv import load_dotenv

from policies.env_file import env_file
from policies.tls import uvicorn_options
from proxy.core.logs import configure_logging
from proxy.core.settings import get_settings
from proxy.gateway.config import write_resolved

RUN_DIR = Path(__file__).resolve().parent.parent / ".run"


def prepare_environment() -> None:
    """LiteLLM reads its settings from the environment: derive them from ours."""
    # LiteLLM reads provider settings (`os.environ/NAME` in its config) from the process
    # environment only: let .env fill what the environment does not set.
    if (settings_file := env_file(os.environ)) is not None:
        load_dotenv(settings_file, override=False)
    settings = get_settings()
    os.environ["LITELLM_MASTER_KEY"] = settings.konstruct_master_key.get_secret_value()
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    # In its default "DEV" mode LiteLLM loads .env itself when imported, which would
    # bring DATABASE_URL back after we hid it (and start its Prisma database).
    os.environ["LITELLM_MODE"] = "PRODUCTION"
    os.environ["DISABLE_ADMIN_UI"] = "True"
    os.environ["JSON_LOGS"] = "True"  # the portal is the admin UI; LiteLLM's stays off
    os.environ["REDIS_URL"] = settings.redis_url
    os.environ.pop("DATABASE_URL", None)  # LiteLLM must not try its own (Prisma) database
    os.environ["KONSTRUCT_DATABASE_URL"] = settings.database_url
    target = RUN_DIR / f"litellm_config.{os.getpid()}.yaml"
    os.environ["CONFIG_FILE_PATH"] = str(write_resolved(target))


def main() -> None:
    settings = get_settings()
    configure_logging(settings)
    prepare_environment()
    uvicorn.run(
        "proxy.gateway.app:app",
        host=settings.proxy_host,
        port=settings.proxy_port,
        workers=settings.proxy_workers,
        log_level="warning",
        log_config=None,  # uvicorn's records go through our JSON, redacting handler
        access_log=False,
        # A worker answers its supervisor's ping only once it has imported this module; on a
        # busy machine (or a CPU-limited pod) that takes over uvicorn's default 5 s, and the
        # supervisor would kill and respawn every worker forever.
        timeout_worker_healthcheck=120,
        **uvicorn_options(settings.konstruct_tls_cert_file, settings.konstruct_tls_key_file),
    )


if __name__ == "__main__":
    main()
