"""A tenant keyring seals with its current data key and opens only its own tenant's values."""

from uuid import uuid4

import pytest

from proxy.core.crypto import DataKey, DecryptionError, TenantKeyring, new_data_key

pytestmark = pytest.mark.unit

FIELD = "messages.text"


def keyring(tenant_id=None, keys=None, current=1):
    keys = keys or {1: DataKey.of(1, new_data_key())}
    return TenantKeyring(tenant_id=tenant_id or uuid4(), current=current, keys=keys)


def test_round_trip_hides_the_text_and_never_repeats() -> None:
    ring = keyring()
    sealed = ring.seal("where is my order #4411?", field=FIELD)
    assert "order" not in sealed
    assert ring.open(sealed, version=1, field=FIELD) == "where is my order #4411?"
    assert ring.seal("same", field=FIELD) != ring.seal("same", field=FIELD)


def test_the_tenant_id_is_bound_even_under_the_same_key_material() -> None:
    key = DataKey.of(1, new_data_key())
    ours, theirs = keyring(keys={1: key}), keyring(keys={1: key})
    sealed = ours.seal("secret plans", field=FIELD)
    with pytest.raises(DecryptionError, match="wrong tenant, field or key"):
        theirs.open(sealed, version=1, field=FIELD)
    with pytest.raises(DecryptionError, match="wrong tenant, field or key"):
        ours.open(sealed, version=1, field="agents.persona")
    assert ours.open(sealed, version=1, field=FIELD) == "secret plans"


def test_old_versions_open_and_a_missing_one_is_named() -> None:
    tenant = uuid4()
    v1 = DataKey.of(1, new_data_key())
    old = keyring(tenant, {1: v1})
    sealed_v1 = old.seal("before rotation", field=FIELD)
    new = keyring(tenant, {1: v1, 2: DataKey.of(2, new_data_key())}, current=2)
    assert new.open(sealed_v1, version=1, field=FIELD) == "before rotation"
    sealed_v2 = new.seal("after rotation", field=FIELD)
    with pytest.raises(DecryptionError, match="wrong tenant, field or key"):
        new.open(sealed_v2, version=1, field=FIELD)
    with pytest.raises(DecryptionError, match="version 2 of this tenant is gone"):
        old.open(sealed_v2, version=2, field=FIELD)


def test_tampering_fails_loudly() -> None:
    ring = keyring()
    sealed = ring.seal("hello", field=FIELD)
    flipped = ("B" if sealed[0] == "A" else "A") + sealed[1:]
    with pytest.raises(DecryptionError):
        ring.open(flipped, version=1, field=FIELD)
    with pytest.raises(DecryptionError):
        ring.open("not base64 at all!", version=1, field=FIELD)


def test_derived_keys_are_per_tenant_and_per_purpose() -> None:
    key = DataKey.of(1, new_data_key())
    ours, theirs = keyring(keys={1: key}), keyring(keys={1: key})
    assert len(ours.derive("bridge-queue")) == 32
    assert ours.derive("bridge-queue") == ours.derive("bridge-queue")
    assert ours.derive("bridge-queue") != theirs.derive("bridge-queue")
    assert ours.derive("bridge-queue") != ours.derive("other")
    assert key.material not in (ours.derive("bridge-queue"),)
