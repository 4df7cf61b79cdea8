"""All SQL about conversations and their messages."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.reseal import rows_to_reseal
from proxy.core.db.tables import conversations, messages


class ConversationRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def ensure(
        self, *, tenant_id: UUID, channel_type: str, channel_id: str, thread_id: str
    ) -> UUID:
        stmt = (
            insert(conversations)
            .values(
                tenant_id=tenant_id,
                channel_type=channel_type,
                channel_id=channel_id,
                thread_id=thread_id,
            )
            .on_conflict_do_update(
                index_elements=["tenant_id", "channel_type", "channel_id", "thread_id"],
                set_={"last_message_at": func.now()},
            )
            .returning(conversations.c.id)
        )
        conversation_id: UUID = (await self.conn.execute(stmt)).scalar_one()
        return conversation_id

    async def find(self, *, channel_type: str, channel_id: str, thread_id: str) -> UUID | None:
        stmt = select(conversations.c.id).where(
            conversations.c.channel_type == channel_type,
            conversations.c.channel_id == channel_id,
            conversations.c.thread_id == thread_id,
        )
        value: UUID | None = (await self.conn.execute(stmt)).scalar_one_or_none()
        return value

    async def add_message(self, *, tenant_id: UUID, conversation_id: UUID, **values: Any) -> bool:
        """Store a message; False when this event's message of that role is already stored."""
        stmt = (
            insert(messages)
            .values(tenant_id=tenant_id, conversation_id=conversation_id, **values)
            .on_conflict_do_nothing(index_elements=["tenant_id", "source_event_id", "role"])
        )
        result = await self.conn.execute(stmt)
        await self.conn.execute(
            update(conversations)
            .where(conversations.c.id == conversation_id)
            .values(last_message_at=func.now())
        )
        return result.rowcount > 0

    async def unsealed_messages(
        self, *, current_version: int, after: UUID | None, limit: int
    ) -> list[Row[Any]]:
        """The next `limit` messages (by id) not sealed under `current_version`, locked for
        re-sealing; stored in clear (version None) included."""
        return await rows_to_reseal(
            self.conn, messages, current_version=current_version, after=after, limit=limit
        )

    async def reseal_messages(
        self, sealed: list[tuple[UUID, bytes]], data_key_version: int
    ) -> None:
        """Store re-sealed texts, (message id, sealed text) each, in one round trip; the text
        in clear of a row from before #18 goes."""
        if not sealed:
            return
        stmt = (
            update(messages)
            .where(messages.c.id == bindparam("message_id"))
            .values(text=None, sealed_text=bindparam("sealed"), data_key_version=data_key_version)
        )
        await self.conn.execute(stmt, [{"message_id": mid, "sealed": blob} for mid, blob in sealed])

    async def data_key_versions(self) -> set[int | None]:
        """Every data key version some message is sealed under (None: some are in clear)."""
        stmt = select(messages.c.data_key_version).distinct()
        return {row.data_key_version for row in (await self.conn.execute(stmt)).all()}

    async def newest_messages(self, conversation_id: UUID, limit: int) -> list[Row[Any]]:
        """The newest `limit` messages of a conversation, oldest first."""
        stmt = (
            select(messages)
            .where(messages.c.conversation_id == conversation_id)
            .order_by(messages.c.created_at.desc(), messages.c.id.desc())
            .limit(limit)
        )
        return list(reversed((await self.conn.execute(stmt)).all()))
