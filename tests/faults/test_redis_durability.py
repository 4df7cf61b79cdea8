"""`make up` and `make test` check that the Redis holding the bridge's queue keeps it: the
append-only file on and nothing evicted. Development gets a warning with the fix; with
KONSTRUCT_ENV=production the check fails."""

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.conftest import ADMIN_URL, APP_URL
from tests.faults.conftest import QUEUE_REDIS_ARGS
from tests.private_servers import PrivateRedis
from tests.processes import ROOT

pytestmark = [pytest.mark.faults, pytest.mark.integration]


@pytest.fixture(scope="module")
def durable_redis() -> Iterator[PrivateRedis]:
    with PrivateRedis(QUEUE_REDIS_ARGS) as server:
        yield server


@pytest.fixture(scope="module")
def forgetful_redis() -> Iterator[PrivateRedis]:
    """Redis as a cache is often set up: nothing on disk, least recently used keys evicted."""
    with PrivateRedis(["--appendonly", "no", "--maxmemory-policy", "allkeys-lru"]) as server:
        yield server


def check_services(redis_url: str, konstruct_env: str) -> subprocess.CompletedProcess[str]:
    """What `make up` and `make test` run first, against this Redis."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REDIS_URL": redis_url,
        "DATABASE_ADMIN_URL": ADMIN_URL,
        "DATABASE_URL": APP_URL,
        "KONSTRUCT_ENV": konstruct_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "scripts.check_services"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("konstruct_env", ["development", "production"])
def test_a_durable_redis_passes_silently(durable_redis: PrivateRedis, konstruct_env: str) -> None:
    result = check_services(durable_redis.url, konstruct_env)
    assert (result.returncode, result.stderr) == (0, "")


def test_a_forgetful_redis_is_a_warning_with_the_fix_in_development(
    forgetful_redis: PrivateRedis,
) -> None:
    result = check_services(forgetful_redis.url, "development")
    assert result.returncode == 0
    assert "WARNING" in result.stderr
    assert "append-only file is off" in result.stderr
    assert "maxmemory-policy is allkeys-lru" in result.stderr
    for fix in (
        "CONFIG SET appendonly yes",
        "CONFIG SET maxmemory-policy noeviction",
        "appendonly yes",
        "maxmemory-policy noeviction",
    ):
        assert fix in result.stderr


def test_a_forgetful_redis_fails_the_check_in_production(forgetful_redis: PrivateRedis) -> None:
    result = check_services(forgetful_redis.url, "production")
    assert result.returncode == 1
    assert "ERROR" in result.stderr
    assert "CONFIG SET appendonly yes" in result.stderr


def test_the_fix_it_prints_makes_the_check_pass(forgetful_redis: PrivateRedis) -> None:
    client = forgetful_redis.client()
    client.config_set("appendonly", "yes")
    client.config_set("maxmemory-policy", "noeviction")
    client.close()
    result = check_services(forgetful_redis.url, "production")
    assert (result.returncode, result.stderr) == (0, "")
