"""Encryption at rest: the platform's secret box (AES-256-GCM, a key id in every ciphertext)
and tenants' data keys (envelope encryption of tenant content under a per-tenant key)."""

import base64
import binascii
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = "v1"
_NONCE_BYTES = 12


class SecretKeyError(ValueError):
    """The configured key material is unusable."""


class DecryptionError(ValueError):
    """A ciphertext could not be decrypted: wrong key, unknown key id, or tampering."""


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def generate_key_spec(kid: str) -> str:
    """A fresh `kid:base64key` entry for KONSTRUCT_SECRET_KEY."""
    return f"{kid}:{_b64encode(AESGCM.generate_key(bit_length=256))}"


@dataclass(frozen=True)
class SecretBox:
    """Encrypts with the first key, decrypts with any key whose id a ciphertext names.

    The associated data binds a ciphertext to its purpose and owner (for example
    `slack_bot_token:<tenant id>`), so a ciphertext copied into another tenant's row
    does not decrypt there.
    """

    keys: dict[str, AESGCM]
    current_kid: str

    @classmethod
    def from_spec(cls, spec: str) -> "SecretBox":
        keys: dict[str, AESGCM] = {}
        current = ""
        for entry in (part.strip() for part in spec.split(",")):
            if not entry:
                continue
            kid, sep, material = entry.partition(":")
            if not sep or not kid.isalnum():
                raise SecretKeyError("each key must be written `kid:base64key` (kid alphanumeric)")
            try:
                raw = _b64decode(material)
            except (binascii.Error, ValueError) as exc:
                raise SecretKeyError(f"key {kid!r} is not valid base64") from exc
            if len(raw) != 32:
                raise SecretKeyError(f"key {kid!r} must be 32 bytes, got {len(raw)}")
            if kid in keys:
                raise SecretKeyError(f"key id {kid!r} appears twice")
            keys[kid] = AESGCM(raw)
            current = current or kid
        if not keys:
            raise SecretKeyError("KONSTRUCT_SECRET_KEY holds no key")
        return cls(keys=keys, current_kid=current)

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self.keys[self.current_kid].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{_VERSION}:{self.current_kid}:{_b64encode(nonce + sealed)}"

    def key_id_of(self, ciphertext: str) -> str:
        version, _, rest = ciphertext.partition(":")
        kid, sep, _ = rest.partition(":")
        if version != _VERSION or not sep:
            raise DecryptionError("not a Konstruct ciphertext")
        return kid

    def decrypt(self, ciphertext: str, *, context: str) -> str:
        kid = self.key_id_of(ciphertext)
        key = self.keys.get(kid)
        if key is None:
            raise DecryptionError(f"ciphertext was sealed with unknown key id {kid!r}")
        try:
            blob = _b64decode(ciphertext.rsplit(":", 1)[1])
            plain = key.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], context.encode())
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise DecryptionError(
                "ciphertext failed authentication (wrong key or tampered)"
            ) from exc
        return plain.decode()

    def needs_rotation(self, ciphertext: str) -> bool:
        return self.key_id_of(ciphertext) != self.current_kid

    def rotate(self, ciphertext: str, *, context: str) -> str:
        """Re-seal under the current key; unchanged if it already is."""
        if not self.needs_rotation(ciphertext):
            return ciphertext
        return self.encrypt(self.decrypt(ciphertext, context=context), context=context)


def new_data_key() -> bytes:
    """32 fresh random bytes: one version of a tenant's data key."""
    return AESGCM.generate_key(bit_length=256)


@dataclass(frozen=True)
class DataKey:
    version: int
    material: bytes
    aead: AESGCM

    @classmethod
    def of(cls, version: int, material: bytes) -> "DataKey":
        if len(material) != 32:
            raise SecretKeyError(f"data key version {version} must be 32 bytes")
        return cls(version=version, material=material, aead=AESGCM(material))


_ASSOCIATED_CACHE_SIZE = 64


@dataclass(frozen=True)
class TenantKeyring:
    """One tenant's unwrapped data keys: seals under the current version, opens any it holds.

    A sealed value is nonce + ciphertext + tag (as bytes for a bytea column, or base64 for a
    text one); which version sealed it is kept beside it (a row's `data_key_version`). The
    associated data is `<field>:<tenant id>`, so a value copied into another tenant's row,
    or into another column, does not open there.
    """

    tenant_id: UUID
    current: int
    keys: Mapping[int, DataKey]
    # Associated data by field, built once: a thread read opens 50 values in a row.
    _associated: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    def holds(self, version: int) -> bool:
        return version in self.keys

    def _associated_data(self, field: str) -> bytes:
        data = self._associated.get(field)
        if data is None:
            data = f"{field}:{self.tenant_id}".encode()
            # Column-wide fields repeat; fields bound to one row (an approval's) do not, and
            # a re-seal of many rows must not grow this keyring's memory with them.
            if len(self._associated) < _ASSOCIATED_CACHE_SIZE:
                self._associated[field] = data
        return data

    def seal_bytes(self, plaintext: str, *, field: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        aead = self.keys[self.current].aead
        return nonce + aead.encrypt(nonce, plaintext.encode(), self._associated_data(field))

    def open_bytes(self, sealed: bytes, *, version: int, field: str) -> str:
        return self.opener(version=version, field=field)(sealed)

    def opener(self, *, version: int, field: str) -> Callable[[bytes], str]:
        """A function opening values of one field sealed under one version: reading a thread
        opens 50 in a row, and its cost per value is what the read pays for sealing."""
        key = self.keys.get(version)
        if key is None:
            raise DecryptionError(f"data key version {version} of this tenant is gone")
        decrypt = key.aead.decrypt
        associated = self._associated_data(field)

        def open_one(sealed: bytes) -> str:
            view = memoryview(sealed)  # slices without copying
            try:
                return decrypt(view[:_NONCE_BYTES], view[_NONCE_BYTES:], associated).decode()
            except (InvalidTag, ValueError) as exc:
                raise DecryptionError(
                    "sealed value failed authentication (wrong tenant, field or key, or tampered)"
                ) from exc

        return open_one

    def seal(self, plaintext: str, *, field: str) -> str:
        """Sealed for a text column: base64."""
        return binascii.b2a_base64(self.seal_bytes(plaintext, field=field), newline=False).decode()

    def open(self, sealed: str, *, version: int, field: str) -> str:
        try:
            blob = binascii.a2b_base64(sealed)
        except (binascii.Error, ValueError) as exc:
            raise DecryptionError("sealed value is not base64 (tampered)") from exc
        return self.open_bytes(blob, version=version, field=field)

    def derive(self, purpose: str, *, version: int | None = None) -> bytes:
        """A 32-byte key for another use of one of this tenant's data keys (the current one
        by default), by HKDF-SHA256, so the data key itself never leaves the proxy."""
        version = self.current if version is None else version
        return HKDF(
            algorithm=hashes.SHA256(),
            length=32,
            salt=None,
            info=f"{purpose}:{self.tenant_id}:{version}".encode(),
        ).derive(self.keys[version].material)
