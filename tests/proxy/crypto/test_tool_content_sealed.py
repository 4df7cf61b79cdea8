"""The agent runtime's tool content (what the model passed to tools, what an approval shows
and what the tool answered) is sealed with the tenant's data key at rest, opened in the
proxy, and rows from before migration 0008 are sealed by `rotate_secrets`."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import text, update

from policies.approvals import call_key
from proxy.core.crypto import DecryptionError, SecretBox
from proxy.core.db.engine import Database
from proxy.core.db.tables import approvals
from proxy.core.errors import Conflict
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.runtime import service as runtime_service
from proxy.features.runtime.repository import (
    APPROVAL_ARGUMENTS,
    TOOL_CALL_ARGUMENTS,
    ApprovalRepository,
    ApprovalRow,
    ToolCallRepository,
    approval_field,
    legacy_approval_context,
)
from proxy.features.runtime.schemas import Decision, DecisionIn
from proxy.rotate_secrets import rotate
from tests.conftest import Services, Tenant
from tests.proxy.crypto.helpers import (
    TOOL_NAME,
    TOOL_STATUS,
    clear_text_of,
    runtime_with,
    store_tool_call,
    swap_approvals,
    tool_rows,
)

pytestmark = pytest.mark.integration

ARGUMENTS = {"order_id": "A-7731", "customer": "Jane Roe", "amount": 42, "card_pin": "PIN-4417"}
RESULT = "Refunded 42.00 EUR to Jane Roe's card ending 0042"
IN_CLEAR = ["A-7731", "Jane Roe", "PIN-4417", "Refunded 42.00", "Refunding order"]
BRIDGE = Principal(role="bridge", actor="slack:U0BOSS")


async def _approve(runtime: Runtime, tenant_id: UUID, approval_id: UUID) -> Decision:
    """The approver's click in Slack, as the bridge passes it on."""
    return await runtime_service.decide(
        runtime,
        tenant_id,
        approval_id,
        DecisionIn(decision="approve", user_id="U0BOSS"),
        principal=BRIDGE,
    )


async def test_tool_content_is_sealed_at_rest_and_opened_in_the_proxy(
    services: Services, owner_db: Database, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        keys = runtime.data_keys.of(tenant_a.id)
        async with runtime.db.tenant_transaction(tenant_a.id) as conn:
            asked = await ApprovalRepository(conn, keys).ensure(
                tenant_id=tenant_a.id,
                turn_id="Ev-sealed-1",
                tool_name=TOOL_NAME,
                arguments=ARGUMENTS,
                status_text=TOOL_STATUS,
                requested_by="U0ASKER",
                approver_ids=["U0BOSS"],
                expires_at=datetime.now(UTC) + timedelta(minutes=10),
            )
        # The decision's answer (what Slack shows in place of the buttons) is in clear.
        decision = await _approve(runtime, tenant_a.id, asked.id)
        assert (decision.status, decision.status_text, decision.changed) == (
            "approved",
            TOOL_STATUS,
            True,
        )
        async with runtime.db.tenant_transaction(tenant_a.id) as conn:
            approvals = ApprovalRepository(conn, keys)
            assert await approvals.claim(asked.id)
            assert await approvals.finish(asked.id, result=("ok", RESULT), ok=True)
            await ToolCallRepository(conn, keys).add(
                [
                    {
                        "tenant_id": tenant_a.id,
                        "agent_id": None,
                        "turn_id": "Ev-sealed-1",
                        "tool_name": TOOL_NAME,
                        "requested_by": "U0ASKER",
                        "arguments": {**ARGUMENTS, "card_pin": "[redacted]"},
                        "outcome": "ok",
                        "duration_ms": 7,
                        "approval_id": asked.id,
                    }
                ]
            )

        # The database holds none of it in clear: not the arguments, the status text, the
        # result, nor a plain hash of the call that guessed arguments could be checked against.
        [approval], [call] = await tool_rows(owner_db, tenant_a.id)
        stored = clear_text_of([approval, call])
        for plain in IN_CLEAR:
            assert plain not in stored
        assert (approval.data_key_version, approval.arguments) == (1, None)
        assert (call.data_key_version, call.arguments) == (1, None)
        assert approval.call_key != call_key(TOOL_NAME, ARGUMENTS)
        # What SQL needs stays in clear.
        assert (approval.tool_name, approval.status, approval.decided_by) == (
            TOOL_NAME,
            "done",
            "U0BOSS",
        )
        assert (call.tool_name, call.outcome, call.duration_ms) == (TOOL_NAME, "ok", 7)

        # The proxy opens it all: a replayed turn finds its approval, with its result.
        async with runtime.db.tenant_transaction(tenant_a.id) as conn:
            again = await ApprovalRepository(conn, keys).ensure(
                tenant_id=tenant_a.id,
                turn_id="Ev-sealed-1",
                tool_name=TOOL_NAME,
                arguments=ARGUMENTS,
                status_text=TOOL_STATUS,
                requested_by="U0ASKER",
                approver_ids=[],
                expires_at=datetime.now(UTC) + timedelta(minutes=10),
            )
        assert again.id == asked.id
        assert (again.arguments, again.status_text, again.result) == (
            ARGUMENTS,
            TOOL_STATUS,
            ("ok", RESULT),
        )
        ring_a = await runtime.data_keys.keyring(tenant_a.id)
        recorded = ring_a.open_bytes(call.sealed_arguments, version=1, field=TOOL_CALL_ARGUMENTS)
        assert json.loads(recorded) == {**ARGUMENTS, "card_pin": "[redacted]"}

        # Bound to its tenant and its column (an approval's also to its row): another
        # tenant's key does not open it, and a value moved into another column of the row
        # does not open there.
        ring_b = await runtime.data_keys.keyring(tenant_b.id)
        with pytest.raises(DecryptionError):
            ring_b.open_bytes(call.sealed_arguments, version=1, field=TOOL_CALL_ARGUMENTS)
        own_field = approval_field(APPROVAL_ARGUMENTS, asked.id)
        opened = ring_a.open(approval.sealed_arguments, version=1, field=own_field)
        assert json.loads(opened) == ARGUMENTS
        with pytest.raises(DecryptionError):
            ring_b.open(approval.sealed_arguments, version=1, field=own_field)
        async with owner_db.platform_transaction() as conn:
            await conn.execute(
                text("update approvals set sealed_arguments = sealed_result where id = :id"),
                {"id": asked.id},
            )
        with pytest.raises(DecryptionError):
            async with runtime.db.tenant_transaction(tenant_a.id) as conn:
                await ApprovalRepository(conn, keys).get(asked.id)
    finally:
        await runtime.close()


async def _legacy_rows(box: SecretBox, owner_db: Database, tenant_id: UUID) -> UUID:
    """An approval and its tool call as they were stored before 0008: arguments and status
    text in clear, the full arguments and the result under the platform key."""
    turn, key = "Ev-legacy-1", call_key(TOOL_NAME, ARGUMENTS)
    context = legacy_approval_context(tenant_id, turn, key)
    shown = json.dumps({**ARGUMENTS, "card_pin": "[redacted]"})
    async with owner_db.platform_transaction() as conn:
        approval_id: UUID = (
            await conn.execute(
                text(
                    "insert into approvals (tenant_id, turn_id, call_key, tool_name, status_text,"
                    " arguments, sealed_arguments, requested_by, status, decided_by,"
                    " expires_at, sealed_result, result_ok) values (:t, :turn, :key, :tool,"
                    " :status, cast(:shown as jsonb), :args, 'U0ASKER', 'done', 'U0ASKER',"
                    " now() + interval '10 minutes', :result, true) returning id"
                ),
                {
                    "t": tenant_id,
                    "turn": turn,
                    "key": key,
                    "tool": TOOL_NAME,
                    "status": TOOL_STATUS,
                    "shown": shown,
                    "args": box.encrypt(json.dumps(ARGUMENTS), context=context),
                    "result": box.encrypt(json.dumps(["ok", RESULT]), context=context),
                },
            )
        ).scalar_one()
        await conn.execute(
            text(
                "insert into tool_calls (tenant_id, turn_id, tool_name, requested_by, arguments,"
                " outcome, approval_id) values (:t, :turn, :tool, 'U0ASKER',"
                " cast(:shown as jsonb), 'ok', :approval)"
            ),
            {
                "t": tenant_id,
                "turn": turn,
                "tool": TOOL_NAME,
                "shown": shown,
                "approval": approval_id,
            },
        )
    return approval_id


async def test_rows_from_before_0008_are_read_then_sealed_by_rotate_secrets(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    runtime = runtime_with(services)
    try:
        approval_id = await _legacy_rows(runtime.secrets, owner_db, tenant_a.id)
        before = clear_text_of(
            [row for rows in await tool_rows(owner_db, tenant_a.id) for row in rows]
        )
        assert "A-7731" in before  # the step this migration closes

        keys = runtime.data_keys.of(tenant_a.id)

        async def replayed() -> ApprovalRow:
            async with runtime.db.tenant_transaction(tenant_a.id) as conn:
                return await ApprovalRepository(conn, keys).ensure(
                    tenant_id=tenant_a.id,
                    turn_id="Ev-legacy-1",
                    tool_name=TOOL_NAME,
                    arguments=ARGUMENTS,
                    status_text=TOOL_STATUS,
                    requested_by="U0ASKER",
                    approver_ids=[],
                    expires_at=datetime.now(UTC) + timedelta(minutes=10),
                )

        # Until it is sealed, a replayed turn still finds its approval and its result.
        found = await replayed()
        assert (found.id, found.arguments, found.result) == (
            approval_id,
            ARGUMENTS,
            ("ok", RESULT),
        )

        done = await rotate(runtime)
        assert not [p for p in done.unreadable if p.startswith(f"tenant {tenant_a.id}")]
        assert done.content_resealed >= 2

        [approval], [call] = await tool_rows(owner_db, tenant_a.id)
        stored = clear_text_of([approval, call])
        for plain in IN_CLEAR:
            assert plain not in stored
        ring = await runtime.data_keys.keyring(tenant_a.id)
        assert (approval.data_key_version, call.data_key_version) == (ring.current, ring.current)
        assert (approval.arguments, call.arguments) == (None, None)
        assert not approval.sealed_arguments.startswith("v1:")  # off the platform key
        assert approval.call_key != call_key(TOOL_NAME, ARGUMENTS)
        found = await replayed()
        assert (found.id, found.arguments, found.status_text, found.result) == (
            approval_id,
            ARGUMENTS,
            TOOL_STATUS,
            ("ok", RESULT),
        )
        recorded = ring.open_bytes(
            call.sealed_arguments, version=call.data_key_version, field=TOOL_CALL_ARGUMENTS
        )
        assert json.loads(recorded) == {**ARGUMENTS, "card_pin": "[redacted]"}
        # Sealed once: a second run leaves the tenant's rows as they are.
        await rotate(runtime)
        assert await tool_rows(owner_db, tenant_a.id) == ([approval], [call])
    finally:
        await runtime.close()


# Two "ask first" calls of one turn: a small refund a person approved, a big one still pending.
SMALL = {"order_id": "A-3", "amount": 3, "card_pin": "PIN-4417"}
BIG = {"order_id": "A-3000", "amount": 3000, "card_pin": "PIN-4417"}
SWAP_TURN = "Ev-swap-1"


async def _ask(runtime: Runtime, tenant_id: UUID, arguments: dict[str, Any]) -> ApprovalRow:
    """The runtime's step for one call: its approval, found (a replayed turn) or asked for."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        return await ApprovalRepository(conn, runtime.data_keys.of(tenant_id)).ensure(
            tenant_id=tenant_id,
            turn_id=SWAP_TURN,
            tool_name=TOOL_NAME,
            arguments=arguments,
            status_text=f"Refunding {arguments['amount']} EUR on order {arguments['order_id']}…",
            requested_by="U0ASKER",
            approver_ids=["U0BOSS"],
            expires_at=datetime.now(UTC) + timedelta(minutes=10),
        )


async def _get(runtime: Runtime, tenant_id: UUID, approval_id: UUID) -> ApprovalRow | None:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        return await ApprovalRepository(conn, runtime.data_keys.of(tenant_id)).get(approval_id)


@pytest.mark.parametrize(
    "columns",
    [
        ("sealed_arguments",),
        ("call_key",),
        ("call_key", "sealed_arguments"),
        ("status_text",),
        ("call_key", "sealed_arguments", "status_text"),
    ],
    ids="+".join,
)
async def test_an_approval_opens_only_as_its_own_call(
    services: Services, owner_db: Database, tenant_a: Tenant, columns: tuple[str, ...]
) -> None:
    runtime = runtime_with(services)
    try:
        small, big = await _ask(runtime, tenant_a.id, SMALL), await _ask(runtime, tenant_a.id, BIG)
        approved = await _approve(runtime, tenant_a.id, small.id)
        assert approved.status == "approved"

        # Someone who can write to the database moves the pending call's sealed values (or
        # its call key, by which a replayed turn finds its approval) into the approved one.
        await swap_approvals(owner_db, small.id, big.id, columns)
        # A replayed turn asks for both calls again: neither approval opens, so the big
        # refund never runs on the small one's approval (nor the small one on none).
        for arguments in (BIG, SMALL):
            with pytest.raises(DecryptionError):
                await _ask(runtime, tenant_a.id, arguments)
        for approval_id in (small.id, big.id):
            with pytest.raises(DecryptionError):
                await _get(runtime, tenant_a.id, approval_id)
        # Nor can a person decide on it: the click is refused in words, nothing is recorded.
        with pytest.raises(Conflict, match="cannot be decided"):
            await _approve(runtime, tenant_a.id, big.id)
        [first, second], _ = await tool_rows(owner_db, tenant_a.id)
        assert {(row.id, row.status) for row in (first, second)} == {
            (small.id, "approved"),
            (big.id, "pending"),
        }

        # Moved back, each is its own call again.
        await swap_approvals(owner_db, small.id, big.id, columns)
        again_big, again_small = (
            await _ask(runtime, tenant_a.id, BIG),
            await _ask(runtime, tenant_a.id, SMALL),
        )
        assert (again_big.id, again_big.arguments, again_big.status) == (big.id, BIG, "pending")
        assert (again_small.id, again_small.arguments, again_small.status) == (
            small.id,
            SMALL,
            "approved",
        )
    finally:
        await runtime.close()


async def test_an_approvals_result_and_tool_stay_its_own(
    services: Services, owner_db: Database, tenant_a: Tenant
) -> None:
    """A result moved from another approval does not open; an approval (sealed, or from
    before 0008) renamed to another tool is refused."""
    runtime = runtime_with(services)
    try:
        first = await store_tool_call(runtime, tenant_a.id, "Ev-result-1", SMALL, "Refunded 3")
        second = await store_tool_call(runtime, tenant_a.id, "Ev-result-2", BIG, "Refunded 3000")
        legacy = await _legacy_rows(runtime.secrets, owner_db, tenant_a.id)
        await swap_approvals(owner_db, first, second, ("sealed_result",))
        for approval_id in (first, second):
            with pytest.raises(DecryptionError):
                await _get(runtime, tenant_a.id, approval_id)
        await swap_approvals(owner_db, first, second, ("sealed_result",))
        opened = await _get(runtime, tenant_a.id, first)
        assert opened is not None
        assert opened.result == ("ok", "Refunded 3")

        async def rename(approval_id: UUID, tool_name: str) -> None:
            async with owner_db.platform_transaction() as conn:
                await conn.execute(
                    update(approvals)
                    .where(approvals.c.id == approval_id)
                    .values(tool_name=tool_name)
                )

        for approval_id in (first, legacy):
            await rename(approval_id, "delete_customer")
            with pytest.raises(DecryptionError):
                await _get(runtime, tenant_a.id, approval_id)
            await rename(approval_id, TOOL_NAME)
            opened = await _get(runtime, tenant_a.id, approval_id)
            assert opened is not None
            assert opened.tool_name == TOOL_NAME
    finally:
        # Its pre-0008 rows hold tool content in clear: gone, so that no later test's dump of
        # the whole database (test_shredding.py) finds them.
        async with owner_db.platform_transaction() as conn:
            for table in ("tool_calls", "approvals"):
                await conn.execute(
                    text(f"delete from {table} where tenant_id = :t"), {"t": tenant_a.id}
                )
        await runtime.close()
