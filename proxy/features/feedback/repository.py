"""All SQL about answer feedback."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import answer_feedback


class FeedbackRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def upsert(self, *, tenant_id: UUID, **values: Any) -> None:
        stmt = insert(answer_feedback).values(tenant_id=tenant_id, **values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["tenant_id", "channel_id", "message_ts", "user_id"],
            set_={
                "rating": stmt.excluded.rating,
                "agent_id": stmt.excluded.agent_id,
                "updated_at": func.now(),
            },
        )
        await self.conn.execute(stmt)

    async def per_agent(self) -> list[Row[Any]]:
        stmt = (
            select(
                answer_feedback.c.agent_id,
                func.count(case((answer_feedback.c.rating > 0, 1))).label("up"),
                func.count(case((answer_feedback.c.rating < 0, 1))).label("down"),
            )
            .group_by(answer_feedback.c.agent_id)
            .order_by(answer_feedback.c.agent_id)
        )
        return list((await self.conn.execute(stmt)).all())
