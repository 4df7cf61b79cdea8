"""Conversation history: the one place the runtime and the internal API store and read
thread messages (so what is stored, and how it is protected at rest, is decided here).

Message text is sealed with the tenant's data key before it is stored (`sealed_text`) and
opened after it is read (proxy/core/datakeys.py); rows stored in clear before that (`text`,
no data key version) are read as they are until `python -m proxy.rotate_secrets` seals them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import Row

from proxy.core.crypto import DecryptionError, TenantKeyring
from proxy.core.runtime import Runtime
from proxy.features.conversations.repository import ConversationRepository

Role = Literal["user", "assistant"]

# The associated data of a sealed message text: it opens only as this column of its tenant.
MESSAGE_TEXT = "messages.text"
RESEAL_BATCH = 500


@dataclass(frozen=True)
class HistoryItem:
    role: Role
    text: str
    sender_id: str
    agent_id: UUID | None
    created_at: datetime
    # The channel's id of the message (the runtime replays an answer already stored for it).
    source_event_id: str = ""


async def thread_history(
    runtime: Runtime,
    tenant_id: UUID,
    *,
    channel_type: str,
    channel_id: str,
    thread_id: str,
    limit: int,
) -> list[HistoryItem]:
    """The newest `limit` messages of a thread, oldest first; empty for an unknown thread."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ConversationRepository(conn)
        conversation = await repo.find(
            channel_type=channel_type, channel_id=channel_id, thread_id=thread_id
        )
        rows = await repo.newest_messages(conversation, limit) if conversation else []
    return await _history_items(runtime, tenant_id, rows)


async def _history_items(
    runtime: Runtime, tenant_id: UUID, rows: Sequence[Row[Any]]
) -> list[HistoryItem]:
    """The rows with their text opened: one pass, each column read once per row (reading
    a Row attribute costs about a third of opening a value)."""
    keyring: TenantKeyring | None = None
    openers: dict[int, Callable[[bytes], str]] = {}
    items = []
    for row in rows:
        version = row.data_key_version
        if version is None:
            text = row.text
        else:
            opener = openers.get(version)
            if opener is None:
                if keyring is None or not keyring.holds(version):
                    keyring = await runtime.data_keys.keyring(tenant_id, needs=(version,))
                opener = openers[version] = keyring.opener(version=version, field=MESSAGE_TEXT)
            text = opener(row.sealed_text)
        items.append(
            HistoryItem(
                role=row.role,
                text=text,
                sender_id=row.sender_id,
                agent_id=row.agent_id,
                created_at=row.created_at,
                source_event_id=row.source_event_id,
            )
        )
    return items


def _open_text(keyring: TenantKeyring, row: Row[Any]) -> str:
    if row.data_key_version is None:
        return str(row.text)
    return keyring.open_bytes(row.sealed_text, version=row.data_key_version, field=MESSAGE_TEXT)


async def store_message(
    runtime: Runtime,
    tenant_id: UUID,
    *,
    channel_type: str,
    channel_id: str,
    thread_id: str,
    role: Role,
    text: str,
    sender_id: str,
    source_event_id: str,
    agent_id: UUID | None = None,
) -> bool:
    """Store one message; False when this event's message of that role is already stored."""
    keyring = await runtime.data_keys.keyring(tenant_id)
    sealed = keyring.seal_bytes(text, field=MESSAGE_TEXT)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ConversationRepository(conn)
        conversation = await repo.ensure(
            tenant_id=tenant_id,
            channel_type=channel_type,
            channel_id=channel_id,
            thread_id=thread_id,
        )
        return await repo.add_message(
            tenant_id=tenant_id,
            conversation_id=conversation,
            role=role,
            sealed_text=sealed,
            data_key_version=keyring.current,
            sender_id=sender_id,
            source_event_id=source_event_id,
            agent_id=agent_id,
        )


@dataclass
class Reseal:
    resealed: int = 0
    unreadable: list[str] = field(default_factory=list)


async def reseal_messages(runtime: Runtime, keyring: TenantKeyring) -> Reseal:
    """Seal every message of the keyring's tenant under its current version (key rotation,
    and rows stored in clear before #18), a batch per transaction so writers barely wait."""
    done = Reseal()
    after: UUID | None = None
    while True:
        async with runtime.db.tenant_transaction(keyring.tenant_id) as conn:
            repo = ConversationRepository(conn)
            rows = await repo.unsealed_messages(
                current_version=keyring.current, after=after, limit=RESEAL_BATCH
            )
            sealed: list[tuple[UUID, bytes]] = []
            for row in rows:
                try:
                    plain = _open_text(keyring, row)
                except DecryptionError as exc:
                    done.unreadable.append(f"message {row.id}: {exc}")
                    continue
                sealed.append((row.id, keyring.seal_bytes(plain, field=MESSAGE_TEXT)))
            await repo.reseal_messages(sealed, keyring.current)
            done.resealed += len(sealed)
        if len(rows) < RESEAL_BATCH:
            return done
        after = rows[-1].id


async def data_key_versions(runtime: Runtime, tenant_id: UUID) -> set[int | None]:
    """The data key versions the tenant's messages are sealed under (None: some in clear)."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        return await ConversationRepository(conn).data_key_versions()
