"""Migrations of several databases on one server at once (parallel test workers, two
deployments sharing a server) all succeed: the application role is the cluster's, and
setting it up at the same moment is retried, not failed."""

import asyncio
import uuid

import pytest

from proxy.migrate import drop_database, ensure_app_role, ensure_database
from tests.conftest import ADMIN_URL, APP_URL

pytestmark = pytest.mark.integration


def _renamed(url: str, name: str) -> str:
    return f"{url.rpartition('/')[0]}/{name}"


async def test_the_app_role_is_set_up_by_eight_migrations_at_once() -> None:
    names = [f"konstruct_roles_{uuid.uuid4().hex[:8]}" for _ in range(8)]
    try:
        for name in names:
            await ensure_database(_renamed(ADMIN_URL, name))
        roles = await asyncio.gather(
            *(ensure_app_role(_renamed(ADMIN_URL, n), _renamed(APP_URL, n)) for n in names)
        )
        assert roles == ["konstruct_app"] * len(names)
    finally:
        for name in names:
            await drop_database(_renamed(ADMIN_URL, name))
