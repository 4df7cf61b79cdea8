"""Encryption at rest for stored secrets: AES-256-GCM with a key id in every ciphertext."""

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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
