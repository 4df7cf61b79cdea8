"""Tenant keys: how a secret looks, how it is shown, and the hash it is stored and found by."""

import hashlib
import secrets
from typing import Final

SECRET_PREFIX: Final = "sk-kon-"  # noqa: S105 (a prefix, not a secret)
DISPLAY_PREFIX_LENGTH: Final = 14


def new_secret() -> str:
    """A fresh tenant key: 256 random bits behind a recognisable prefix."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_key(secret: str) -> str:
    """Tenant keys are random 256-bit secrets: a plain SHA-256 is a safe, fast index."""
    return hashlib.sha256(secret.encode()).hexdigest()
