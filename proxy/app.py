"""The proxy app: LiteLLM's FastAPI app with Konstruct's routers and plugins' services bound.

Served by `proxy/serve.py` (uvicorn, `proxy.app:app`); every worker process imports this
module, binds its own services and opens its own pools.
"""

from fastapi import FastAPI
from litellm.proxy.proxy_server import app as litellm_app

from plugins.contracts import bind
from proxy.api import mount
from proxy.gateway import GatewayServices
from proxy.runtime import Runtime
from proxy.settings import get_settings

runtime = Runtime(get_settings())
bind(GatewayServices(runtime))

app: FastAPI = litellm_app
mount(app, runtime)
