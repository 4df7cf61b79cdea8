"""Redis key naming: tenant namespaces, platform keys and part validation."""

import hashlib
import uuid

import pytest

from policies import redis_keys
from policies.redis_keys import (
    DECLARED_PLATFORM_PREFIXES,
    PLATFORM_PREFIX,
    is_declared_key,
    platform_key,
    tenant_key,
)

pytestmark = pytest.mark.unit

TENANT = uuid.UUID("1b4e28ba-2fa1-11d2-883f-0016d3cca427")


def test_tenant_key_starts_with_the_canonical_tenant_uuid() -> None:
    assert tenant_key(TENANT, "engaged", "C1", 17) == f"{TENANT}:engaged:C1:17"


@pytest.mark.parametrize(
    "tenant",
    ["1B4E28BA-2FA1-11D2-883F-0016D3CCA427", "1b4e28ba2fa111d2883f0016d3cca427",
     "{1b4e28ba-2fa1-11d2-883f-0016d3cca427}"],
)  # fmt: skip
def test_string_tenant_ids_are_canonicalized(tenant: str) -> None:
    assert tenant_key(tenant, "x") == "1b4e28ba-2fa1-11d2-883f-0016d3cca427:x"


@pytest.mark.parametrize("tenant", ["acme", "", "1b4e28ba-2fa1-11d2-883f"])
def test_string_tenant_must_be_a_uuid(tenant: str) -> None:
    with pytest.raises(ValueError, match="not a UUID"):
        tenant_key(tenant, "x")


def test_a_key_needs_parts() -> None:
    with pytest.raises(ValueError, match="at least one part"):
        tenant_key(TENANT)
    with pytest.raises(ValueError, match="at least one part"):
        platform_key()


@pytest.mark.parametrize(
    "bad", ["", "a:b", "a b", "tab\there", "new\nline", "{tag}", "x}", "\u00a0"]
)
def test_bad_parts_are_rejected_by_name(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid Redis key part") as tenant_error:
        tenant_key(TENANT, "ok", bad)
    assert repr(bad) in str(tenant_error.value)
    with pytest.raises(ValueError, match="invalid Redis key part"):
        platform_key(bad)


def test_platform_key() -> None:
    assert PLATFORM_PREFIX == "konstruct"
    assert platform_key("event_dedupe", "Ev1", 2) == "konstruct:event_dedupe:Ev1:2"


@pytest.mark.parametrize(
    ("key", "declared"),
    [
        (f"{TENANT}:spend:2026-11", True),
        ("konstruct:event_dedupe:Ev1", True),
        ("rq:queue:default", True),
        (f"{str(TENANT).upper()}:spend", False),
        (f"{TENANT}spend", False),
        ("1b4e28ba:spend", False),
        ("konstruct", False),
        ("litellm:limits", False),
        ("spend:1b4e28ba-2fa1-11d2-883f-0016d3cca427", False),
        ("", False),
    ],
)
def test_is_declared_key(key: str, declared: bool) -> None:
    assert is_declared_key(key) is declared


def test_declared_prefixes() -> None:
    assert DECLARED_PLATFORM_PREFIXES == (
        "konstruct:",
        "rq:",
        "{api_key:",
        "{model_per_key:",
        "global_router:",
        "deployment:",
    )
    assert redis_keys.is_declared_key("{api_key:abc123}:requests")
    assert not redis_keys.is_declared_key("{team:abc}:tokens")


def test_every_helper_builds_a_declared_key() -> None:
    keys = [
        redis_keys.engaged_thread_key(TENANT, "C1", "1700000000.000100"),
        redis_keys.escalated_thread_key(TENANT, "C1", "1700000000.000100"),
        redis_keys.workspace_changes_channel(),
        redis_keys.key_auth_cache_key("ab" * 32),
        redis_keys.monthly_spend_key(TENANT, "2026-11"),
        redis_keys.message_rate_key(TENANT, 1_700_000_040),
        redis_keys.channel_message_rate_key(TENANT, "C1", 1_700_000_040),
        redis_keys.event_dedupe_key("Ev1"),
        redis_keys.event_reply_key(TENANT, "Ev1"),
        redis_keys.native_stream_off_key(TENANT, "T1"),
        redis_keys.login_throttle_key("bob@example.com"),
        redis_keys.oauth_state_key("s7ate"),
    ]
    assert all(is_declared_key(key) for key in keys)
    assert len(set(keys)) == len(keys)


def test_tenant_helpers_are_in_the_tenant_namespace() -> None:
    assert redis_keys.engaged_thread_key(TENANT, "C1", "17.1") == f"{TENANT}:engaged_thread:C1:17.1"
    assert redis_keys.escalated_thread_key(TENANT, "C1", "17.1") == (
        f"{TENANT}:escalated_thread:C1:17.1"
    )
    assert redis_keys.monthly_spend_key(TENANT, "2026-11") == f"{TENANT}:spend:2026-11"
    assert redis_keys.message_rate_key(TENANT, 60) == f"{TENANT}:message_rate:60"
    assert redis_keys.channel_message_rate_key(TENANT, "C1", 60) == (
        f"{TENANT}:channel_message_rate:C1:60"
    )
    assert redis_keys.event_reply_key(TENANT, "Ev1") == f"{TENANT}:event_reply:Ev1"
    assert redis_keys.native_stream_off_key(TENANT, "T1") == f"{TENANT}:native_stream_off:T1"


def test_the_same_thread_in_two_tenants_gets_two_keys() -> None:
    other = uuid.uuid4()
    assert redis_keys.engaged_thread_key(TENANT, "C1", "1.2") != redis_keys.engaged_thread_key(
        other, "C1", "1.2"
    )


def test_platform_helpers_are_in_the_platform_namespace() -> None:
    assert redis_keys.workspace_changes_channel() == "konstruct:workspace_changes"
    assert redis_keys.key_auth_cache_key("abc") == "konstruct:key_auth:abc"
    assert redis_keys.event_dedupe_key("Ev1") == "konstruct:event_dedupe:Ev1"
    assert redis_keys.oauth_state_key("xyz") == "konstruct:oauth_state:xyz"


@pytest.mark.parametrize("year_month", ["2026-13", "2026-1", "26-11", "2026/11", "2026-11-01"])
def test_monthly_spend_key_needs_a_year_month(year_month: str) -> None:
    with pytest.raises(ValueError, match="year_month"):
        redis_keys.monthly_spend_key(TENANT, year_month)


def test_login_throttle_key_hashes_the_subject() -> None:
    key = redis_keys.login_throttle_key("Bob@Example.com ")
    digest = hashlib.sha256(b"bob@example.com").hexdigest()
    assert key == f"konstruct:login_throttle:{digest}"
    assert "bob" not in key.lower()
    assert key == redis_keys.login_throttle_key("bob@example.com")
    assert key != redis_keys.login_throttle_key("alice@example.com")


def test_helpers_validate_their_parts() -> None:
    with pytest.raises(ValueError, match="invalid Redis key part"):
        redis_keys.engaged_thread_key(TENANT, "C1", "")
    with pytest.raises(ValueError, match="invalid Redis key part"):
        redis_keys.oauth_state_key("a:b")
