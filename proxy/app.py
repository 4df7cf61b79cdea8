"""The proxy app: LiteLLM's FastAPI app with Konstruct's routers and plugins' services bound.

Served by `proxy/serve.py` (uvicorn, `proxy.app:app`); every worker process imports this
module, binds its own services and opens its own pools.
"""

from fastapi import FastAPI
from litellm.proxy.proxy_server import app as litellm_app

from plugins.contracts import bind
from plugins.firewall import TenantSurface
from proxy import cooldowns
from proxy.agents.endpoints import router as agents
from proxy.api.errors import install_error_handlers
from proxy.api.health import router as health
from proxy.audit.endpoints import router as audit
from proxy.config import model_groups
from proxy.connections.endpoints import router as connections
from proxy.gateway import GatewayServices
from proxy.internal.endpoints import router as internal
from proxy.keys.endpoints import router as keys
from proxy.lifespan import wrap_lifespan
from proxy.limits.endpoints import router as limits
from proxy.logs import configure_logging
from proxy.operators.endpoints import router as operators
from proxy.runtime import Runtime
from proxy.settings import get_settings
from proxy.tenants.endpoints import router as tenants
from proxy.tracing import trace_requests
from proxy.usage.endpoints import router as usage

ROUTERS = (health, operators, tenants, agents, keys, limits, connections, usage, audit, internal)


def mount(app: FastAPI, runtime: Runtime) -> None:
    app.state.konstruct = runtime
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)


configure_logging(get_settings())
cooldowns.install()
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
