"""Operator passwords: argon2id, verified off the event loop, with rehash on policy change."""

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("konstruct-dummy-password")


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one should be upgraded)."""
    target = stored_hash or _DUMMY_HASH
    try:
        await anyio.to_thread.run_sync(_hasher.verify, target, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored_hash is None:
        return False, None
    rehash = await hash_password(password) if _hasher.check_needs_rehash(stored_hash) else None
    return True, rehash
