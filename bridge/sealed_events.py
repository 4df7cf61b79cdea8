"""Queued Slack events carry people's words sealed: the web process seals them before the
enqueue, the worker opens them (Redis keeps the queue on disk, AOF included).

The key is the tenant's queue key, which the proxy derives from the tenant's data key (HKDF)
and hands the bridge in the workspace view, one per data key version still kept; so a
tenant's crypto-shredding covers its queued events too. What routes and traces a job
(type, channel, user, timestamps) stays readable; everything else of the event is sealed
with AES-256-GCM, bound to the tenant and the event id, so a sealed body moved into another
job does not open.
"""

import base64
import binascii
import json
import os
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED = "konstruct_sealed"
# Routing and tracing read these before the event is opened; they hold no one's words.
CLEAR_FIELDS = frozenset(
    {"type", "subtype", "channel", "channel_type", "user", "bot_id", "ts", "thread_ts", "event_ts"}
)
_NONCE = 12


class SealedEventError(ValueError):
    """A queued event could not be opened (wrong tenant or event, unknown key, tampering)."""


def _associated(tenant_id: UUID | str, event_id: str) -> bytes:
    return f"bridge-event:{tenant_id}:{event_id}".encode()


def seal_event(
    event: Mapping[str, Any], *, key: str, version: int, tenant_id: UUID | str, event_id: str
) -> dict[str, Any]:
    """The event with everything but CLEAR_FIELDS sealed under the tenant's queue key
    (base64, as the workspace view carries it)."""
    clear = {name: value for name, value in event.items() if name in CLEAR_FIELDS}
    rest = {name: value for name, value in event.items() if name not in CLEAR_FIELDS}
    nonce = os.urandom(_NONCE)
    aead = AESGCM(base64.b64decode(key))
    sealed = nonce + aead.encrypt(
        nonce, json.dumps(rest).encode(), _associated(tenant_id, event_id)
    )
    return {**clear, SEALED: {"v": version, "data": base64.b64encode(sealed).decode()}}


def sealed_version(event: Mapping[str, Any]) -> int | None:
    """The queue key version a queued event was sealed under (None: not sealed)."""
    sealed = event.get(SEALED)
    return int(sealed["v"]) if isinstance(sealed, dict) else None


def open_event(
    event: Mapping[str, Any], *, keys: Mapping[int, str], tenant_id: UUID | str, event_id: str
) -> dict[str, Any]:
    """The event as Slack sent it; one that was not sealed (lifecycle events) as it is."""
    sealed = event.get(SEALED)
    if not isinstance(sealed, dict):
        return dict(event)
    key = keys.get(int(sealed["v"]))
    if key is None:
        raise SealedEventError(f"no queue key of version {sealed['v']} for this tenant")
    try:
        blob = base64.b64decode(sealed["data"])
        plain = AESGCM(base64.b64decode(key)).decrypt(
            blob[:_NONCE], blob[_NONCE:], _associated(tenant_id, event_id)
        )
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise SealedEventError("queued event failed authentication") from exc
    clear = {name: value for name, value in event.items() if name != SEALED}
    return {**json.loads(plain), **clear}
