"""Operator tokens: short-lived signed JWTs carrying role, tenant and session version."""

import hashlib
import time
from dataclasses import dataclass
from uuid import UUID

import jwt

from proxy.core.settings import Settings

ALGORITHM = "HS256"
AUDIENCE = "konstruct-admin"


class TokenError(Exception):
    """The token is missing, forged, expired or malformed."""


@dataclass(frozen=True)
class OperatorClaims:
    operator_id: UUID
    role: str
    tenant_id: UUID | None
    session_version: int
    expires_at: int


def _signing_key(settings: Settings) -> bytes:
    # Derived, so operator tokens never share a key with anything else.
    master = settings.konstruct_master_key.get_secret_value().encode()
    return hashlib.sha256(b"konstruct-operator-tokens:" + master).digest()


def issue_operator_token(
    settings: Settings,
    *,
    operator_id: UUID,
    role: str,
    tenant_id: UUID | None,
    session_version: int,
) -> tuple[str, int]:
    now = int(time.time())
    expires_at = now + settings.konstruct_operator_token_ttl_seconds
    claims = {
        "sub": str(operator_id),
        "role": role,
        "tid": str(tenant_id) if tenant_id else None,
        "sv": session_version,
        "iat": now,
        "exp": expires_at,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, _signing_key(settings), algorithm=ALGORITHM), expires_at


def decode_operator_token(token: str, settings: Settings) -> OperatorClaims:
    try:
        claims = jwt.decode(
            token,
            _signing_key(settings),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["sub", "exp", "sv", "aud"]},
        )
        return OperatorClaims(
            operator_id=UUID(claims["sub"]),
            role=str(claims["role"]),
            tenant_id=UUID(claims["tid"]) if claims.get("tid") else None,
            session_version=int(claims["sv"]),
            expires_at=int(claims["exp"]),
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("This session has expired; log in again.") from exc
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise TokenError("Invalid credentials.") from exc
