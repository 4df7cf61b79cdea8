"""What a proxy worker does when it starts and stops, around LiteLLM's own lifespan."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from litellm.proxy import proxy_server

from proxy.gateway.per_call import leave_out_idle_hooks, map_priced_models
from proxy.gateway.services import GatewayServices

# Young collections once 50,000 objects (not Python's 700) are waiting: a model call
# allocates thousands, and with the default every collection finds the objects of the
# calls in flight still alive and promotes them, which is what fills the old generation.
GC_THRESHOLDS = (50_000, 20, 10)


def freeze_startup_heap() -> None:
    """Take everything built at start-up out of the cyclic garbage collector's reach.

    A worker holds close to a million long-lived objects once LiteLLM has started (model
    cost map, router, routes). Python's full collection walks all of them: about half a
    second of stopped worker every thousand or so model calls on these machines, a latency
    spike for every request in flight. Frozen objects are never scanned again, and with
    the larger young generation (`GC_THRESHOLDS`) the objects of a call mostly die young,
    so full collections become rare and short. Reference counting frees objects as usual.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def wrap_lifespan(app: FastAPI, gateway: GatewayServices) -> None:
    """LiteLLM owns the app's lifespan: wrap it to leave out the hooks LiteLLM's start-up
    registered for nothing, to enter our priced models into its model map (both
    proxy/gateway/per_call.py), to freeze the heap it built, and to write buffered usage at
    shutdown (and stop the worker's background tasks)."""
    litellm_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with litellm_lifespan(app) as state:
            leave_out_idle_hooks()
            map_priced_models(proxy_server.llm_router)
            freeze_startup_heap()
            yield state
        await gateway.close()

    app.router.lifespan_context = lifespan
