"""Encryption at rest: round trip, rotation by key id, and loud failure on tampering."""

import pytest

from proxy.core.crypto import DecryptionError, SecretBox, SecretKeyError, generate_key_spec

pytestmark = pytest.mark.unit

CONTEXT = "slack_bot_token:tenant-a"


def test_round_trip_never_stores_the_plaintext() -> None:
    box = SecretBox.from_spec(generate_key_spec("k1"))
    sealed = box.encrypt("xoxb-secret-token", context=CONTEXT)
    assert "xoxb" not in sealed
    assert sealed.startswith("v1:k1:")
    assert box.decrypt(sealed, context=CONTEXT) == "xoxb-secret-token"
    assert box.encrypt("same", context=CONTEXT) != box.encrypt("same", context=CONTEXT)


def test_rotation_reseals_under_the_new_key_and_old_keys_still_decrypt() -> None:
    old = generate_key_spec("old")
    old_box = SecretBox.from_spec(old)
    sealed = old_box.encrypt("token", context=CONTEXT)
    box = SecretBox.from_spec(f"{generate_key_spec('new')},{old}")
    assert box.needs_rotation(sealed)
    rotated = box.rotate(sealed, context=CONTEXT)
    assert rotated.startswith("v1:new:")
    assert box.decrypt(rotated, context=CONTEXT) == "token"
    assert box.rotate(rotated, context=CONTEXT) == rotated
    with pytest.raises(DecryptionError, match="unknown key id 'new'"):
        old_box.decrypt(rotated, context=CONTEXT)


def test_wrong_key_tampering_and_wrong_context_raise_clear_errors() -> None:
    box = SecretBox.from_spec(generate_key_spec("k1"))
    sealed = box.encrypt("token", context=CONTEXT)
    impostor = SecretBox.from_spec(generate_key_spec("k1"))
    with pytest.raises(DecryptionError, match="wrong key or tampered"):
        impostor.decrypt(sealed, context=CONTEXT)
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(DecryptionError, match="wrong key or tampered"):
        box.decrypt(flipped, context=CONTEXT)
    with pytest.raises(DecryptionError, match="wrong key or tampered"):
        box.decrypt(sealed, context="slack_bot_token:tenant-b")
    with pytest.raises(DecryptionError, match="not a Konstruct ciphertext"):
        box.decrypt("plain-text", context=CONTEXT)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "holds no key"),
        ("nokid", "kid:base64key"),
        ("k1:c2hvcnQ", "must be 32 bytes"),
        ("k1:!!!", "not valid base64"),
    ],
)
def test_bad_key_material_is_refused(spec: str, message: str) -> None:
    with pytest.raises(SecretKeyError, match=message):
        SecretBox.from_spec(spec)


def test_duplicate_key_ids_are_refused() -> None:
    spec = generate_key_spec("k1")
    with pytest.raises(SecretKeyError, match="appears twice"):
        SecretBox.from_spec(f"{spec},{spec}")
