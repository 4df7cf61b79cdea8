"""All SQL about the Responses API results a tenant created (under its RLS)."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import gateway_responses


class ResponseRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def record(self, *, tenant_id: UUID, response_id: str) -> None:
        stmt = (
            insert(gateway_responses)
            .values(tenant_id=tenant_id, response_id=response_id)
            .on_conflict_do_nothing(index_elements=["tenant_id", "response_id"])
        )
        await self.conn.execute(stmt)

    async def owns(self, response_id: str) -> bool:
        """Whether the transaction's tenant created this response (RLS hides the others')."""
        stmt = select(gateway_responses.c.response_id).where(
            gateway_responses.c.response_id == response_id
        )
        return (await self.conn.execute(stmt)).first() is not None
