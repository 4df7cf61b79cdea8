"""KONSTRUCT_ENV=production refuses plain connections: every entry point stops at start-up
with one clear error naming each setting and its fix (never its password), while the same
settings load in development and verified TLS loads in production."""

import os
import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from bridge.settings import Settings as BridgeSettings
from policies.tls import plain_transport
from proxy.core.settings import Settings as ProxySettings
from tests.processes import ROOT

pytestmark = pytest.mark.tls

PASSWORD = "pw-that-must-not-be-printed"
PLAIN = {
    "DATABASE_URL": f"postgresql://konstruct_app:{PASSWORD}@postgres:5432/konstruct",
    "DATABASE_ADMIN_URL": f"postgresql://postgres:{PASSWORD}@postgres:5432/konstruct",
    "REDIS_URL": f"redis://:{PASSWORD}@redis:6379/0",
    "KONSTRUCT_PROXY_URL": "http://lb:4000",
    "KONSTRUCT_BRIDGE_URL": "https://slack.konstruct.example.com",
}
CA = "/etc/konstruct/tls/ca.crt"
VERIFIED = {
    "DATABASE_URL": f"{PLAIN['DATABASE_URL']}?sslmode=verify-full&sslrootcert={CA}",
    "DATABASE_ADMIN_URL": f"{PLAIN['DATABASE_ADMIN_URL']}?sslmode=verify-full&sslrootcert={CA}",
    "REDIS_URL": f"rediss://:{PASSWORD}@redis:6379/0?ssl_ca_certs={CA}",
    "KONSTRUCT_PROXY_URL": "https://lb:4000",
    "KONSTRUCT_BRIDGE_URL": "https://slack.konstruct.example.com",
}
# What each entry point must name (the proxy's processes read no proxy URL; the bridge's no
# database).
REFUSED = {
    "proxy.serve": ["DATABASE_URL", "DATABASE_ADMIN_URL", "REDIS_URL"],
    "proxy.migrate": ["DATABASE_URL", "DATABASE_ADMIN_URL", "REDIS_URL"],
    "bridge.web": ["REDIS_URL", "KONSTRUCT_PROXY_URL"],
    "bridge.worker": ["REDIS_URL", "KONSTRUCT_PROXY_URL"],
}


def _start(module: str, settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **settings, "KONSTRUCT_ENV": "production"}
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", module],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.integration
@pytest.mark.parametrize("module", sorted(REFUSED))
def test_each_entry_point_refuses_plain_connections_in_production(module: str) -> None:
    result = _start(module, PLAIN)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "KONSTRUCT_ENV=production" in output
    assert "refuses to start with plain connections" in output
    for name in REFUSED[module]:
        assert f"\n  {name} reaches " in output, (name, output)
    # The refusal names hosts, never credentials: the URLs' password is nowhere.
    assert PASSWORD not in output
    assert "postgres:5432" in output or "redis:6379" in output


def test_local_defaults_and_plain_urls_still_load_in_development() -> None:
    for settings in (ProxySettings, BridgeSettings):
        assert settings(konstruct_env="development").konstruct_env == "development"
    proxy = ProxySettings(
        konstruct_env="development",
        database_url=PLAIN["DATABASE_URL"],
        redis_url=PLAIN["REDIS_URL"],
    )
    assert proxy.redis_url == PLAIN["REDIS_URL"]
    bridge = BridgeSettings(
        konstruct_env="development",
        redis_url=PLAIN["REDIS_URL"],
        konstruct_proxy_url=PLAIN["KONSTRUCT_PROXY_URL"],
    )
    assert bridge.konstruct_proxy_url == "http://lb:4000"


def test_verified_tls_loads_in_production_and_each_plain_setting_alone_is_refused() -> None:
    proxy_fields = {
        "database_url": "DATABASE_URL",
        "database_admin_url": "DATABASE_ADMIN_URL",
        "redis_url": "REDIS_URL",
        "konstruct_bridge_url": "KONSTRUCT_BRIDGE_URL",
    }
    bridge_fields = {
        "redis_url": "REDIS_URL",
        "konstruct_proxy_url": "KONSTRUCT_PROXY_URL",
        "konstruct_bridge_url": "KONSTRUCT_BRIDGE_URL",
    }
    for settings, fields in ((ProxySettings, proxy_fields), (BridgeSettings, bridge_fields)):
        verified: dict[str, Any] = {field: VERIFIED[name] for field, name in fields.items()}
        assert settings(konstruct_env="production", **verified).konstruct_env == "production"
        for field, name in fields.items():
            plain = PLAIN[name].replace("https://", "http://")
            with pytest.raises(ValidationError, match=f"{name} reaches") as refused:
                settings(konstruct_env="production", **{**verified, field: plain})
            assert PASSWORD not in str(refused.value)


def test_a_plain_key_store_is_refused_and_by_default_it_follows_database_url() -> None:
    verified: dict[str, Any] = {"database_url": VERIFIED["DATABASE_URL"]}
    verified["redis_url"] = VERIFIED["REDIS_URL"]
    verified["database_admin_url"] = VERIFIED["DATABASE_ADMIN_URL"]
    settings = ProxySettings(konstruct_env="production", **verified)
    assert "sslmode=verify-full" in settings.keystore_url
    plain = f"postgresql://konstruct_app:{PASSWORD}@keys.internal:5432/konstruct_keys"
    with pytest.raises(ValidationError, match="KONSTRUCT_KEYSTORE_URL reaches keys.internal"):
        ProxySettings(konstruct_env="production", konstruct_keystore_url=plain, **verified)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:pw@db.internal:5432/k",
        "postgresql://app:pw@db.internal:5432/k?sslmode=require",
        "postgresql://app:pw@db.internal:5432/k?sslmode=verify-ca&sslrootcert=/ca.pem",
        "postgresql://app:pw@db.internal:5432/k?sslmode=disable",
        "postgresql://app:pw@10.0.0.5/k?sslmode=prefer",
    ],
)
def test_postgres_without_verify_full_to_another_host_is_plain(url: str) -> None:
    assert len(plain_transport(postgres={"DATABASE_URL": url})) == 1


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("postgres", "postgresql://app@db.internal/k?sslmode=verify-full&sslrootcert=/ca.pem"),
        # The bytes never leave the host (or the pod): a loopback address or a Unix socket.
        ("postgres", "postgresql://app@127.0.0.1:5432/k"),
        ("postgres", "postgresql://app@localhost/k"),
        ("postgres", "postgresql://app@[::1]:5432/k"),
        ("postgres", "postgresql:///k?host=/var/run/postgresql"),
        ("redis", "rediss://cache.internal:6380/0?ssl_ca_certs=/ca.pem"),
        ("redis", "redis://127.0.0.1:6379/0"),
        ("redis", "unix:///run/redis.sock"),
        ("https", "https://proxy:4000"),
        ("https", "http://127.0.0.1:4000"),
    ],
)
def test_verified_or_local_connections_pass(kind: str, url: str) -> None:
    assert plain_transport(**{kind: {"URL": url}}) == []


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        ("redis", "redis://cache.internal:6379/0"),
        ("redis", "redis://10.1.2.3:6379/0"),
        ("https", "http://proxy:4000"),
        ("https", "http://10.0.0.7:4000"),
        ("https", "proxy:4000"),
    ],
)
def test_plain_redis_and_http_to_another_host_are_refused(kind: str, url: str) -> None:
    assert len(plain_transport(**{kind: {"URL": url}})) == 1
