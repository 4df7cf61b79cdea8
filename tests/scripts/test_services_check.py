"""`make up` first checks the Postgres and Redis it was pointed at, and says what to do."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ADMIN_URL, APP_URL, TEST_REDIS_URL
from tests.processes import ROOT, free_port

pytestmark = pytest.mark.integration


def check_services(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.check_services"],
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_services_are_named_with_what_to_do_and_no_password() -> None:
    pg, rd = free_port(), free_port()
    result = check_services(
        DATABASE_ADMIN_URL=f"postgresql://postgres:owner-pw-123@127.0.0.1:{pg}/konstruct",
        DATABASE_URL=f"postgresql://konstruct_app:app-pw-456@127.0.0.1:{pg}/konstruct",
        REDIS_URL=f"redis://:redis-pw-789@127.0.0.1:{rd}/0",
    )
    assert result.returncode == 1
    assert f"Postgres is not reachable at 127.0.0.1:{pg}/konstruct (DATABASE_ADMIN_URL" in (
        result.stderr
    )
    assert "pg_ctlcluster --skip-systemctl-redirect 15 main start" in result.stderr
    assert f"Redis is not reachable at 127.0.0.1:{rd}/0 (REDIS_URL" in result.stderr
    assert "redis-server --daemonize yes" in result.stderr
    for secret in ("owner-pw-123", "app-pw-456", "redis-pw-789"):
        assert secret not in result.stderr + result.stdout


def test_an_application_database_apart_from_the_migrated_one_is_refused() -> None:
    """DATABASE_URL set alone would serve a database that `make migrate` never touched."""
    result = check_services(
        DATABASE_ADMIN_URL="postgresql://postgres@127.0.0.1:5432/konstruct",
        DATABASE_URL="postgresql://konstruct_app:app-pw-456@db.example.com:5432/konstruct",
        REDIS_URL=TEST_REDIS_URL,
    )
    assert result.returncode == 1
    assert (
        "DATABASE_URL names db.example.com:5432/konstruct but DATABASE_ADMIN_URL names "
        "127.0.0.1:5432/konstruct" in result.stderr
    )
    assert "set DATABASE_ADMIN_URL to its owner role" in result.stderr
    assert "app-pw-456" not in result.stderr


def test_the_same_database_spelled_two_ways_passes() -> None:
    result = check_services(
        DATABASE_ADMIN_URL=ADMIN_URL,
        DATABASE_URL=APP_URL.replace("@127.0.0.1:5432/", "@localhost/"),
        REDIS_URL=TEST_REDIS_URL,
        KONSTRUCT_ENV="development",
    )
    assert result.returncode == 0, result.stderr
    assert "DATABASE_URL names" not in result.stderr
