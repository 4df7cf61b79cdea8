"""Rotating the platform key re-wraps data keys; rotating data keys re-seals content; no
process stops reading or writing meanwhile."""

import asyncio
import json

import pytest
from sqlalchemy import text

from proxy.core.crypto import generate_key_spec
from proxy.core.db.engine import Database
from proxy.features.runtime.repository import TOOL_CALL_ARGUMENTS, ApprovalRepository
from proxy.rotate_secrets import rotate
from tests.conftest import Services, Tenant
from tests.proxy.crypto.helpers import (
    TOOL_STATUS,
    history,
    key_rows,
    runtime_with,
    store,
    store_tool_call,
    stored_rows,
    tool_rows,
)

pytestmark = pytest.mark.integration

TEXTS = ["Quarterly numbers attached", "Thanks, I have summarised them below."]
TOOL_ARGUMENTS = {"order_id": "Q-2024", "customer": "Umbrella Corp", "card_pin": "PIN-5150"}
TOOL_RESULT = "Refunded 310 EUR to Umbrella Corp"


async def test_platform_key_rotation_rewraps_data_keys_while_serving(
    services: Services, tenant_a: Tenant
) -> None:
    old, new = generate_key_spec("old"), generate_key_spec("new")
    serving = runtime_with(services, spec=old)  # a proxy process running throughout
    rotator = runtime_with(services, spec=f"{new},{old}")
    try:
        await store(serving, tenant_a.id, "T-platform", TEXTS)
        assert (await key_rows(serving, tenant_a.id))[0].wrapped_key.startswith("v1:old:")

        first = await rotate(rotator)
        again = await rotate(rotator)
        assert first.data_keys_rewrapped >= 1
        assert again.data_keys_rewrapped == 0
        assert not [p for p in first.unreadable if p.startswith(f"tenant {tenant_a.id}")]

        [key] = await key_rows(rotator, tenant_a.id)
        assert key.wrapped_key.startswith("v1:new:")
        assert key.version == 1  # the data key itself is unchanged: no content re-sealed
        # The process started before the rotation still serves from its cached keys, and a
        # process started with the old key dropped reads everything.
        assert await history(serving, tenant_a.id, "T-platform") == TEXTS
        new_only = runtime_with(services, spec=new)
        assert await history(new_only, tenant_a.id, "T-platform") == TEXTS
        await store(new_only, tenant_a.id, "T-platform", [*TEXTS, "after rotation"])
        await new_only.close()
    finally:
        await serving.close()
        await rotator.close()


async def test_data_key_rotation_reseals_content_and_retires_the_old_key_without_downtime(
    services: Services, owner_db: Database, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    ttl = 0.5
    writer = runtime_with(services, cache_seconds=ttl)  # a proxy process serving throughout
    reader = runtime_with(services, cache_seconds=60)  # a process whose cache outlives it all
    rotator = runtime_with(services, cache_seconds=ttl)
    try:
        await store(writer, tenant_a.id, "T-rotate", TEXTS)
        await store(writer, tenant_b.id, "T-rotate", TEXTS)
        approval_id = await store_tool_call(
            writer, tenant_a.id, "Ev-rotate-tool", TOOL_ARGUMENTS, TOOL_RESULT
        )
        assert await history(reader, tenant_a.id, "T-rotate") == TEXTS  # caches version 1
        before = await stored_rows(owner_db, tenant_a.id, "T-rotate")
        [approval_before], [call_before] = await tool_rows(owner_db, tenant_a.id)
        assert (approval_before.data_key_version, call_before.data_key_version) == (1, 1)
        # A message stored in clear before sealing existed is sealed by the same job.
        async with owner_db.platform_transaction() as conn:
            await conn.execute(
                text(
                    "insert into messages (tenant_id, conversation_id, role, text,"
                    " source_event_id) select :a, c.id, 'assistant', 'stored in clear',"
                    " 'Ev-clear' from conversations c"
                    " where c.tenant_id = :a and c.thread_id = 'T-rotate'"
                ),
                {"a": tenant_a.id},
            )
        expected = [*TEXTS, "stored in clear"]

        written: list[str] = []
        errors: list[BaseException] = []
        stop = asyncio.Event()

        async def keep_serving() -> None:
            i = 0
            while not stop.is_set():
                body = f"live message {i}"
                try:
                    await store(writer, tenant_a.id, "T-live", [*written, body])
                    written.append(body)
                    await history(writer, tenant_a.id, "T-live")
                except Exception as exc:  # any failure is downtime
                    errors.append(exc)
                i += 1
                await asyncio.sleep(0.02)

        serving = asyncio.create_task(keep_serving())
        done = await rotate(rotator, new_data_keys=True)
        await asyncio.sleep(ttl)
        stop.set()
        await serving
        assert errors == []
        assert len(written) > 5

        mine = [p for p in done.unreadable if p.startswith(f"tenant {tenant_a.id}")]
        assert mine == []
        assert done.data_keys_created >= 2
        assert done.content_resealed >= len(expected) + 2 + 2  # with the tool call, approval
        # Every row of A is now sealed under version 2, with fresh ciphertext...
        after = await stored_rows(owner_db, tenant_a.id, "T-rotate")
        assert [row.data_key_version for row in after] == [2, 2, 2]
        assert {row.sealed_text for row in after}.isdisjoint({row.sealed_text for row in before})
        assert {row.text for row in after} == {None}
        # The tool call and the approval too (the approval's call key is re-keyed with it).
        [approval], [call] = await tool_rows(owner_db, tenant_a.id)
        assert (approval.data_key_version, call.data_key_version) == (2, 2)
        assert approval.sealed_arguments != approval_before.sealed_arguments
        assert approval.sealed_result != approval_before.sealed_result
        assert approval.status_text != approval_before.status_text
        assert approval.call_key != approval_before.call_key
        assert call.sealed_arguments != call_before.sealed_arguments
        live = await stored_rows(owner_db, tenant_a.id, "T-live")
        # (written under version 1 from a cache not yet expired, then re-sealed, or under 2)
        assert {row.data_key_version for row in live} == {2}
        # ...version 1 is destroyed, and every process still reads everything: the reader's
        # cache held only version 1 and it reloads on the first version-2 row.
        assert [row.version for row in await key_rows(rotator, tenant_a.id)] == [2]
        assert done.data_keys_retired >= 1
        assert await history(reader, tenant_a.id, "T-rotate") == expected
        assert await history(reader, tenant_b.id, "T-rotate") == TEXTS
        assert await history(reader, tenant_a.id, "T-live") == written
        async with reader.db.tenant_transaction(tenant_a.id) as conn:
            opened = await ApprovalRepository(conn, reader.data_keys.of(tenant_a.id)).get(
                approval_id
            )
        assert opened is not None
        assert (opened.arguments, opened.status_text, opened.result) == (
            TOOL_ARGUMENTS,
            TOOL_STATUS,
            ("ok", TOOL_RESULT),
        )
        ring = await reader.data_keys.keyring(tenant_a.id, needs=(2,))
        recorded = ring.open_bytes(call.sealed_arguments, version=2, field=TOOL_CALL_ARGUMENTS)
        assert json.loads(recorded) == {**TOOL_ARGUMENTS, "card_pin": "[redacted]"}
    finally:
        for runtime in (writer, reader, rotator):
            await runtime.close()
