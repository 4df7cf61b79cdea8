"""A proxy worker's start and stop around LiteLLM's lifespan: heap frozen, usage not lost."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI

from proxy.core.db.engine import Database
from proxy.gateway.lifespan import GC_THRESHOLDS, wrap_lifespan
from proxy.gateway.services import GatewayServices
from tests.conftest import Services, Tenant
from tests.proxy.test_usage_writer import record, rows_of, runtime_for

pytestmark = pytest.mark.integration


async def test_start_up_freezes_the_heap_and_shutdown_writes_buffered_usage(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    built_at_start_up: list[object] = []

    @asynccontextmanager
    async def litellm_lifespan(app: FastAPI) -> AsyncIterator[None]:
        built_at_start_up.append({"model": "cost map", "entries": [1, 2, 3]})
        yield

    app = FastAPI(lifespan=litellm_lifespan)
    runtime = runtime_for(services)
    gateway = GatewayServices(runtime)
    wrap_lifespan(app, gateway)
    thresholds = gc.get_threshold()
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            # What start-up built is out of the collector's reach; young collections wait
            # for the larger threshold.
            assert gc.get_freeze_count() > 0
            scanned = {id(obj) for obj in gc.get_objects()}
            assert id(built_at_start_up[0]) not in scanned
            assert gc.get_threshold() == GC_THRESHOLDS
            await gateway.record_usage(record(tenant_a, "at-shutdown", "0.5"))
            assert await rows_of(owner_db, tenant_a) == []  # still buffered
        assert [c for c, _ in await rows_of(owner_db, tenant_a)] == ["at-shutdown"]
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        await runtime.close()
