"""Queued Slack events: sealed at enqueue, opened in the worker, bound to tenant and event."""

import base64
import json
import os
from uuid import uuid4

import pytest

from bridge.sealed_events import SEALED, SealedEventError, open_event, seal_event, sealed_version

pytestmark = pytest.mark.unit

EVENT = {
    "type": "app_mention",
    "channel": "C1",
    "user": "U1",
    "ts": "1700000000.000100",
    "text": "<@UBOT> the Initech merger closes on 3 March",
    "blocks": [{"type": "rich_text", "elements": [{"text": "the Initech merger"}]}],
}


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_the_words_are_sealed_and_the_routing_stays_readable() -> None:
    tenant, k = uuid4(), key()
    sealed = seal_event(EVENT, key=k, version=3, tenant_id=tenant, event_id="Ev1")
    assert "Initech" not in json.dumps(sealed)
    assert {n: sealed[n] for n in ("type", "channel", "user", "ts")} == {
        n: EVENT[n] for n in ("type", "channel", "user", "ts")
    }
    assert sealed_version(sealed) == 3
    assert open_event(sealed, keys={3: k}, tenant_id=tenant, event_id="Ev1") == EVENT


def test_another_tenant_event_or_key_cannot_open_it() -> None:
    tenant, k = uuid4(), key()
    sealed = seal_event(EVENT, key=k, version=1, tenant_id=tenant, event_id="Ev1")
    with pytest.raises(SealedEventError):
        open_event(sealed, keys={1: k}, tenant_id=uuid4(), event_id="Ev1")
    with pytest.raises(SealedEventError):
        open_event(sealed, keys={1: k}, tenant_id=tenant, event_id="Ev2")
    with pytest.raises(SealedEventError):
        open_event(sealed, keys={1: key()}, tenant_id=tenant, event_id="Ev1")
    with pytest.raises(SealedEventError, match="version 1"):
        open_event(sealed, keys={2: k}, tenant_id=tenant, event_id="Ev1")
    tampered = {**sealed, SEALED: {**sealed[SEALED], "data": sealed[SEALED]["data"][::-1]}}
    with pytest.raises(SealedEventError):
        open_event(tampered, keys={1: k}, tenant_id=tenant, event_id="Ev1")


def test_an_unsealed_event_passes_as_it_is() -> None:
    lifecycle = {"type": "app_uninstalled"}
    assert open_event(lifecycle, keys={}, tenant_id=uuid4(), event_id="Ev9") == lifecycle
    assert sealed_version(lifecycle) is None
