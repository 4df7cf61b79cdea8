"""What the crypto suites share: proxy runtimes on the test databases, raw row reads."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select, text, update

from proxy.core.db.engine import Database
from proxy.core.db.tables import approvals as approval_table
from proxy.core.runtime import Runtime
from proxy.core.settings import Settings
from proxy.features.conversations import service as conversations
from proxy.features.runtime.repository import ApprovalRepository, ToolCallRepository
from tests.conftest import Services

DEV_KEY = "dev:ZGV2LW9ubHktc2VjcmV0LWtleS0zMi1ieXRlcyEhISE"


def runtime_with(
    services: Services,
    *,
    spec: str = DEV_KEY,
    cache_seconds: float = 60.0,
    database_url: str | None = None,
    keystore_url: str = "",
) -> Runtime:
    """A proxy process's resources; its key store is the one `make migrate` made beside
    the test database (`<name>_keys`)."""
    return Runtime(
        Settings(
            database_url=database_url or services.app_url,
            redis_url=services.redis_url,
            konstruct_secret_key=spec,  # type: ignore[arg-type]
            konstruct_keystore_url=keystore_url,
            konstruct_data_key_cache_seconds=cache_seconds,
        )
    )


async def store(runtime: Runtime, tenant_id: UUID, thread: str, texts: list[str]) -> None:
    for i, body in enumerate(texts):
        await conversations.store_message(
            runtime,
            tenant_id,
            channel_type="slack",
            channel_id="C1",
            thread_id=thread,
            role="user" if i % 2 == 0 else "assistant",
            text=body,
            sender_id="U1",
            source_event_id=f"Ev-{thread}-{i}",
        )


async def history(runtime: Runtime, tenant_id: UUID, thread: str) -> list[str]:
    items = await conversations.thread_history(
        runtime, tenant_id, channel_type="slack", channel_id="C1", thread_id=thread, limit=100
    )
    return [item.text for item in items]


async def stored_rows(owner_db: Database, tenant_id: UUID, thread: str) -> list[Any]:
    """The messages as Postgres holds them (owner role, past RLS), oldest first."""
    async with owner_db.platform_transaction() as conn:
        result = await conn.execute(
            text(
                "select m.id, m.text, m.sealed_text, m.data_key_version from messages m"
                " join conversations c on c.id = m.conversation_id"
                " where m.tenant_id = :t and c.thread_id = :thread"
                " order by m.created_at, m.id"
            ),
            {"t": tenant_id, "thread": thread},
        )
        return list(result.all())


async def key_rows(runtime: Runtime, tenant_id: UUID) -> list[Any]:
    """The tenant's rows in the key store, as it holds them."""
    async with runtime.keystore.platform_transaction() as conn:
        result = await conn.execute(
            text(
                "select version, wrapped_key, superseded_at from tenant_data_keys"
                " where tenant_id = :t order by version"
            ),
            {"t": tenant_id},
        )
        return list(result.all())


# An "ask first" call as the runtime stores it: what the model passed (a secret included),
# what the tool is doing, what it answered.
TOOL_NAME = "refund_order"
TOOL_STATUS = "Refunding order A-7731 for Jane Roe…"


async def store_tool_call(
    runtime: Runtime,
    tenant_id: UUID,
    turn_id: str,
    arguments: dict[str, Any],
    result_text: str,
) -> UUID:
    """An approved call run to its end and recorded, through the runtime's repositories
    (proxy/features/runtime/calls.py stores each step this way); the approval's id."""
    keys = runtime.data_keys.of(tenant_id)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        approvals = ApprovalRepository(conn, keys)
        row = await approvals.ensure(
            tenant_id=tenant_id,
            turn_id=turn_id,
            tool_name=TOOL_NAME,
            arguments=arguments,
            status_text=TOOL_STATUS,
            requested_by="U0ASKER",
            approver_ids=["U0BOSS"],
            expires_at=datetime.now(UTC) + timedelta(minutes=10),
        )
        assert await approvals.decide(row.id, approve=True, user_id="U0BOSS") is not None
        assert await approvals.claim(row.id)
        assert await approvals.finish(row.id, result=("ok", result_text), ok=True)
        await ToolCallRepository(conn, keys).add(
            [
                {
                    "tenant_id": tenant_id,
                    "agent_id": None,
                    "turn_id": turn_id,
                    "tool_name": TOOL_NAME,
                    "requested_by": "U0ASKER",
                    "arguments": {**arguments, "card_pin": "[redacted]"},
                    "outcome": "ok",
                    "duration_ms": 12,
                    "approval_id": row.id,
                }
            ]
        )
    approval_id: UUID = row.id
    return approval_id


async def tool_rows(owner_db: Database, tenant_id: UUID) -> tuple[list[Any], list[Any]]:
    """The tenant's approvals and tool calls as Postgres holds them (owner role, past RLS)."""
    async with owner_db.platform_transaction() as conn:
        approvals = await conn.execute(
            text("select * from approvals where tenant_id = :t order by created_at, id"),
            {"t": tenant_id},
        )
        calls = await conn.execute(
            text("select * from tool_calls where tenant_id = :t order by created_at, id"),
            {"t": tenant_id},
        )
        return list(approvals.all()), list(calls.all())


def clear_text_of(rows: list[Any]) -> str:
    """Everything the rows hold, as text a reader of the database would see."""
    return "\n".join(
        value.decode(errors="replace") if isinstance(value, bytes) else str(value)
        for row in rows
        for value in row
    )


async def swap_approvals(
    owner_db: Database, first: UUID, second: UUID, columns: tuple[str, ...]
) -> None:
    """As the database's owner (someone who can write to it): two approvals exchange these
    columns' stored values (the call key through a free value: a turn's call keys are unique)."""
    async with owner_db.platform_transaction() as conn:
        stmt = select(approval_table).where(approval_table.c.id.in_([first, second]))
        rows = {row.id: row for row in (await conn.execute(stmt)).all()}
        if "call_key" in columns:
            await conn.execute(
                update(approval_table).where(approval_table.c.id == first).values(call_key="moving")
            )
        for target, source in ((second, first), (first, second)):
            await conn.execute(
                update(approval_table)
                .where(approval_table.c.id == target)
                .values({column: getattr(rows[source], column) for column in columns})
            )
