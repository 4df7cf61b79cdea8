"""Fixtures of the tool registry's tests: the real fake MCP and HTTP tool servers, a runtime
that may reach them on 127.0.0.1 (and one that may not), and the admin API in process."""

import asyncio
import contextvars
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from proxy.core.db.engine import Database
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings
from proxy.features.agents.repository import AgentRepository
from proxy.features.api.errors import install_error_handlers
from proxy.features.tools.endpoints import router as tools_router
from tests.conftest import Services, Tenant
from tests.fakes.http_tool_server import HttpToolFake
from tests.fakes.mcp_server import MCPFake

MASTER_KEY = "sk-test-master-key-tools"


def make_runtime(services: Services, *, allow_private: bool) -> Runtime:
    return Runtime(
        Settings(
            database_url=services.app_url,
            redis_url=services.redis_url,
            konstruct_master_key=MASTER_KEY,
            konstruct_tools_allow_private_targets=allow_private,
        )  # type: ignore[arg-type]
    )


@pytest.fixture(scope="session")
async def runtime(services: Services) -> AsyncIterator[Runtime]:
    """May reach tools on loopback, as a local deployment with the setting on."""
    made = make_runtime(services, allow_private=True)
    yield made
    await made.close()


@pytest.fixture(scope="session")
async def strict_runtime(services: Services) -> AsyncIterator[Runtime]:
    """The default: tools may reach public addresses only."""
    made = make_runtime(services, allow_private=False)
    yield made
    await made.close()


def admin_app(runtime: Runtime) -> Any:
    """The tool registry's routes on an app of their own, each request in a fresh context:
    a server gives every request its own task, so the tenant it enters ends with it."""
    app = FastAPI()
    app.state.konstruct = runtime
    install_error_handlers(app)
    app.include_router(tools_router)

    async def per_request(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.create_task(app(scope, receive, send), context=contextvars.Context())

    return per_request


@pytest.fixture
async def admin(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=admin_app(runtime)),
        base_url="http://proxy.test",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        timeout=60,
    ) as client:
        yield client


@pytest.fixture
async def strict_admin(strict_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=admin_app(strict_runtime)),
        base_url="http://proxy.test",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        timeout=60,
    ) as client:
        yield client


@dataclass(frozen=True)
class Agent:
    tenant_id: uuid.UUID
    id: uuid.UUID


async def make_agent(db: Database, tenant: Tenant) -> Agent:
    async with db.tenant_transaction(tenant.id) as conn:
        row = await AgentRepository(conn).create(
            tenant_id=tenant.id, slug=f"ada-{uuid.uuid4().hex[:8]}", name="Ada", role="Support"
        )
    return Agent(tenant.id, row.id)


@pytest.fixture
async def agent_a(db: Database, tenant_a: Tenant) -> Agent:
    return await make_agent(db, tenant_a)


@pytest.fixture
async def agent_b(db: Database, tenant_b: Tenant) -> Agent:
    return await make_agent(db, tenant_b)


@pytest.fixture(scope="session")
def mcp_fake_session() -> Iterator[MCPFake]:
    with MCPFake() as fake:
        yield fake


@pytest.fixture
def mcp_fake(mcp_fake_session: MCPFake) -> Iterator[MCPFake]:
    mcp_fake_session.reset()
    yield mcp_fake_session
    mcp_fake_session.reset()


@pytest.fixture(scope="session")
def http_tool_fake_session() -> Iterator[HttpToolFake]:
    with HttpToolFake() as fake:
        yield fake


@pytest.fixture
def http_tool_fake(http_tool_fake_session: HttpToolFake) -> Iterator[HttpToolFake]:
    http_tool_fake_session.reset()
    yield http_tool_fake_session
    http_tool_fake_session.reset()
