"""All SQL about channel connections, their overrides and the Slack team routing table."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import channel_agent_overrides, channel_connections, slack_team_routes


class ConnectionRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def create(self, *, tenant_id: UUID, workspace_id: str, **values: Any) -> Row[Any]:
        stmt = (
            channel_connections.insert()
            .values(tenant_id=tenant_id, workspace_id=workspace_id, **values)
            .returning(channel_connections)
        )
        row = (await self.conn.execute(stmt)).one()
        await self.conn.execute(
            slack_team_routes.insert().values(team_id=workspace_id, tenant_id=tenant_id)
        )
        return row

    async def get(self, connection_id: UUID) -> Row[Any] | None:
        stmt = select(channel_connections).where(channel_connections.c.id == connection_id)
        return (await self.conn.execute(stmt)).first()

    async def get_by_workspace(self, workspace_id: str) -> Row[Any] | None:
        stmt = select(channel_connections).where(channel_connections.c.workspace_id == workspace_id)
        return (await self.conn.execute(stmt)).first()

    async def list_all(self) -> list[Row[Any]]:
        stmt = select(channel_connections).order_by(channel_connections.c.created_at)
        return list((await self.conn.execute(stmt)).all())

    async def update(self, connection_id: UUID, **values: Any) -> Row[Any] | None:
        stmt = (
            update(channel_connections)
            .where(channel_connections.c.id == connection_id)
            .values(**values, updated_at=func.now())
            .returning(channel_connections)
        )
        return (await self.conn.execute(stmt)).first()

    async def touch(self, connection_id: UUID, **values: Any) -> UUID | None:
        """Health fields only: `updated_at` stays the time of the last real change."""
        stmt = (
            update(channel_connections)
            .where(channel_connections.c.id == connection_id)
            .values(**values)
            .returning(channel_connections.c.id)
        )
        found: UUID | None = (await self.conn.execute(stmt)).scalar_one_or_none()
        return found

    async def delete(self, connection_id: UUID) -> Row[Any] | None:
        stmt = (
            delete(channel_connections)
            .where(channel_connections.c.id == connection_id)
            .returning(channel_connections.c.workspace_id)
        )
        row = (await self.conn.execute(stmt)).first()
        if row is not None:
            await self.conn.execute(
                delete(slack_team_routes).where(slack_team_routes.c.team_id == row.workspace_id)
            )
        return row

    async def overrides(self, connection_ids: list[UUID]) -> dict[UUID, dict[str, UUID]]:
        stmt = select(channel_agent_overrides).where(
            channel_agent_overrides.c.connection_id.in_(connection_ids)
        )
        result: dict[UUID, dict[str, UUID]] = {cid: {} for cid in connection_ids}
        for row in (await self.conn.execute(stmt)).all():
            result[row.connection_id][row.channel_id] = row.agent_id
        return result

    async def replace_overrides(
        self, *, tenant_id: UUID, connection_id: UUID, channel_agents: dict[str, UUID]
    ) -> None:
        await self.conn.execute(
            delete(channel_agent_overrides).where(
                channel_agent_overrides.c.connection_id == connection_id
            )
        )
        if channel_agents:
            await self.conn.execute(
                insert(channel_agent_overrides),
                [
                    {
                        "tenant_id": tenant_id,
                        "connection_id": connection_id,
                        "channel_id": channel,
                        "agent_id": agent,
                    }
                    for channel, agent in channel_agents.items()
                ],
            )


class TeamRouteRepository:
    """Slack team id → tenant id, read before the tenant is known."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def resolve(
        self, team_id: str, enterprise_id: str | None = None
    ) -> tuple[UUID, str] | None:
        """The tenant of `team_id`'s own install, else of its org's org-wide install, with
        the id the connection is stored under (the team's, or the enterprise's)."""
        ids = [team_id] if not enterprise_id else [team_id, enterprise_id]
        stmt = select(slack_team_routes.c.team_id, slack_team_routes.c.tenant_id).where(
            slack_team_routes.c.team_id.in_(ids)
        )
        found = {row.team_id: row.tenant_id for row in (await self.conn.execute(stmt)).all()}
        for routed in ids:
            if routed in found:
                return found[routed], routed
        return None
