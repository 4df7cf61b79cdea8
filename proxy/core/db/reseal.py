"""The one query that finds rows to re-seal under a tenant's current data key version."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection


async def rows_to_reseal(
    conn: AsyncConnection, table: Table, *, current_version: int, after: UUID | None, limit: int
) -> list[Row[Any]]:
    """The next `limit` rows of `table` (by id, after `after`) not sealed under
    `current_version` — rows stored before sealing (version None) included — locked for
    re-sealing. The table has `id` and `data_key_version` columns."""
    stmt = (
        select(table)
        .where(table.c.data_key_version.is_distinct_from(current_version))
        .order_by(table.c.id)
        .limit(limit)
        .with_for_update()
    )
    if after is not None:
        stmt = stmt.where(table.c.id > after)
    return list((await conn.execute(stmt)).all())
