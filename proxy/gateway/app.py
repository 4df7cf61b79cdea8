"""The proxy app: LiteLLM's FastAPI app with Konstruct's routers and plugins' services bound.

Served by `proxy/serve.py` (uvicorn, `proxy.gateway.app:app`); every worker process imports this
module, binds its own services and opens its own pools.
"""

import os

from fastapi import FastAPI
from litellm.proxy.proxy_server import app as litellm_app

from plugins.contracts import bind
from plugins.firewall import TenantSurface
from proxy.core.logs import configure_logging
from proxy.core.runtime import Runtime
from proxy.core.settings import get_settings
from proxy.features.agents.endpoints import router as agents
from proxy.features.api.errors import install_error_handlers
from proxy.features.api.health import router as health
from proxy.features.audit.endpoints import router as audit
from proxy.features.connections.endpoints import router as connections
from proxy.features.feedback.endpoints import admin_router as feedback
from proxy.features.feedback.endpoints import internal_router as feedback_internal
from proxy.features.internal.endpoints import router as internal
from proxy.features.keys.endpoints import router as keys
from proxy.features.limits.endpoints import router as limits
from proxy.features.operators.endpoints import router as operators
from proxy.features.runtime.endpoints import admin as runtime_admin
from proxy.features.runtime.endpoints import internal as runtime_internal
from proxy.features.slack_app.endpoints import router as slack_app
from proxy.features.tenants.endpoints import router as tenants
from proxy.features.tools.endpoints import router as tools
from proxy.features.usage.endpoints import router as usage
from proxy.gateway import cooldowns, per_call
from proxy.gateway.config import model_groups
from proxy.gateway.lifespan import wrap_lifespan
from proxy.gateway.services import GatewayServices
from proxy.gateway.tracing import trace_requests

ROUTERS = (
    health,
    operators,
    tenants,
    agents,
    runtime_admin,
    keys,
    limits,
    connections,
    tools,
    slack_app,
    feedback,
    usage,
    audit,
    internal,
    runtime_internal,
    feedback_internal,
)


def mount(app: FastAPI, runtime: Runtime) -> None:
    app.state.konstruct = runtime
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)


# Each worker takes one new connection at a time from the listening socket they share (libuv's
# switch, read when the server starts listening): a burst of connections then spreads over
# the workers instead of landing on whichever woke first, which would serve them all while
# the others idle (bench/gateway_workers.py).
os.environ.setdefault("UV_TCP_SINGLE_ACCEPT", "1")
configure_logging(get_settings())
cooldowns.install()
per_call.install()
runtime = Runtime(get_settings())
gateway = GatewayServices(runtime)
bind(gateway)

app: FastAPI = litellm_app
mount(app, runtime)
served = model_groups()
app.add_middleware(
    TenantSurface,
    master_key=get_settings().konstruct_master_key.get_secret_value(),
    chat_models=served["chat"],
    embedding_models=served["embedding"],
)
wrap_lifespan(app, gateway)
trace_requests(app, get_settings())
