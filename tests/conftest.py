"""Shared fixtures: a scratch database migrated once per run, real Redis, two tenants."""

import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# Neither this process nor the servers it starts read the checkout's .env (`make up` makes one).
os.environ["KONSTRUCT_ENV_FILE"] = ""
# LiteLLM in its default "DEV" mode loads the .env it finds above its own files on import.
os.environ["LITELLM_MODE"] = "PRODUCTION"

# Before anything reads the databases' names: a parallel worker's own (tests/workers.py).
import tests.workers  # noqa: F401, I001

import pytest
import redis

from policies.redis_keys import is_declared_key
from proxy.core.db.engine import Database
from proxy.migrate import drop_database, migrate
from tests.processes import LOG_DIR

pytest_plugins = ["tests.fakes.fixtures", "tests.stack", "tests.clients.node_app"]

ADMIN_URL = os.environ.get(
    "TEST_DATABASE_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/konstruct_test"
)
APP_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://konstruct_app:konstruct_app@127.0.0.1:5432/konstruct_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


# Secret shapes that must never appear in a component's log: tenant keys, Slack tokens,
# and the suite's fixed credentials (tests/stack.py).
SECRET_SHAPES = re.compile(
    r"sk-kon-[A-Za-z0-9_-]{20,}|xox[abp]-[A-Za-z0-9-]{10,}|sk-test-master-key|test-bridge-key"
    r"|sk-ant-test-provider-key|sk-test-openai-provider-key|sk-surface-platform-key"
)


def leaked_secrets(log_dir: Path) -> list[str]:
    """Lines of any component log that carry a secret."""
    return [
        f"{path.name}: {line.strip()[:200]}"
        for path in sorted(log_dir.glob("*.log"))
        for line in path.read_text(errors="replace").splitlines()
        if SECRET_SHAPES.search(line)
    ]


def holds_secret(client: redis.Redis, key: bytes) -> bool:
    """Whether a string or hash value in Redis carries a secret shape."""
    kind = client.type(key)
    if kind == b"string":
        values = [client.get(key) or b""]
    elif kind == b"hash":
        values = list(client.hgetall(key).values())
    else:
        return False
    return any(SECRET_SHAPES.search(value.decode(errors="replace")) for value in values)


@dataclass(frozen=True)
class Services:
    admin_url: str
    app_url: str
    redis_url: str


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    """A freshly migrated scratch database and a flushed Redis database, once per run."""
    import asyncio

    shutil.rmtree(LOG_DIR, ignore_errors=True)
    asyncio.run(drop_database(ADMIN_URL))
    migrate(ADMIN_URL, APP_URL)
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield Services(admin_url=ADMIN_URL, app_url=APP_URL, redis_url=TEST_REDIS_URL)
    keys = list(client.scan_iter(count=1000))
    undeclared = [key.decode() for key in keys if not is_declared_key(key.decode())]
    secret_values = [key.decode() for key in keys if holds_secret(client, key)]
    client.close()
    assert not secret_values, f"Redis holds secrets in clear under: {secret_values[:5]}"
    leaks = leaked_secrets(LOG_DIR)
    assert not leaks, f"secrets in component logs: {leaks[:5]}"
    assert not undeclared, f"Redis keys outside tenant/platform namespaces: {undeclared[:20]}"


@pytest.fixture(scope="session")
async def db(services: Services) -> AsyncIterator[Database]:
    """The application's own connection pool: the app role, under RLS."""
    database = Database(services.app_url, pool_size=4)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
async def owner_db(services: Services) -> AsyncIterator[Database]:
    """The owner role, for checks that must look past RLS."""
    database = Database(services.admin_url, pool_size=2)
    yield database
    await database.dispose()


@dataclass(frozen=True)
class Tenant:
    id: uuid.UUID
    slug: str
    name: str


async def make_tenant(db: Database, name: str) -> Tenant:
    from proxy.features.tenants.repository import TenantRepository

    slug = f"{name.lower()}-{uuid.uuid4().hex[:8]}"
    async with db.platform_transaction() as conn:
        row = await TenantRepository(conn).create(name=name, slug=slug, settings={})
    return Tenant(id=row.id, slug=row.slug, name=row.name)


@pytest.fixture
async def tenant_a(db: Database) -> Tenant:
    return await make_tenant(db, "Acme")


@pytest.fixture
async def tenant_b(db: Database) -> Tenant:
    return await make_tenant(db, "Globex")
