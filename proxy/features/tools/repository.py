"""All SQL about the tool registry: MCP servers, HTTP tools and agents' tool assignments."""

from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.db.tables import agent_tool_assignments, http_tools, mcp_servers


class ToolRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # ----------------------------------------------------------------- MCP servers
    async def create_mcp_server(self, **values: Any) -> Row[Any]:
        stmt = mcp_servers.insert().values(**values).returning(mcp_servers)
        return (await self.conn.execute(stmt)).one()

    async def list_mcp_servers(self) -> list[Row[Any]]:
        stmt = select(mcp_servers).order_by(mcp_servers.c.created_at, mcp_servers.c.id)
        return list((await self.conn.execute(stmt)).all())

    async def get_mcp_server(self, server_id: UUID) -> Row[Any] | None:
        stmt = select(mcp_servers).where(mcp_servers.c.id == server_id)
        return (await self.conn.execute(stmt)).first()

    async def update_mcp_server(self, server_id: UUID, **values: Any) -> Row[Any] | None:
        stmt = (
            update(mcp_servers)
            .where(mcp_servers.c.id == server_id)
            .values(**values, updated_at=func.now())
            .returning(mcp_servers)
        )
        return (await self.conn.execute(stmt)).first()

    async def store_listing(
        self, server_id: UUID, *, tools: list[Any] | None, error: str
    ) -> Row[Any] | None:
        """The server's tools as just listed (None: the listing failed, keep the last one)."""
        values: dict[str, Any] = {"last_error": error}
        if tools is not None:
            values.update(tools=tools, tools_listed_at=func.now())
        return await self.update_mcp_server(server_id, **values)

    async def delete_mcp_server(self, server_id: UUID) -> Row[Any] | None:
        stmt = (
            delete(mcp_servers).where(mcp_servers.c.id == server_id).returning(mcp_servers.c.name)
        )
        return (await self.conn.execute(stmt)).first()

    # ----------------------------------------------------------------- HTTP tools
    async def create_http_tool(self, **values: Any) -> Row[Any]:
        stmt = http_tools.insert().values(**values).returning(http_tools)
        return (await self.conn.execute(stmt)).one()

    async def list_http_tools(self) -> list[Row[Any]]:
        stmt = select(http_tools).order_by(http_tools.c.name)
        return list((await self.conn.execute(stmt)).all())

    async def get_http_tool(self, tool_id: UUID) -> Row[Any] | None:
        stmt = select(http_tools).where(http_tools.c.id == tool_id)
        return (await self.conn.execute(stmt)).first()

    async def update_http_tool(self, tool_id: UUID, **values: Any) -> Row[Any] | None:
        stmt = (
            update(http_tools)
            .where(http_tools.c.id == tool_id)
            .values(**values, updated_at=func.now())
            .returning(http_tools)
        )
        return (await self.conn.execute(stmt)).first()

    async def delete_http_tool(self, tool_id: UUID) -> Row[Any] | None:
        stmt = delete(http_tools).where(http_tools.c.id == tool_id).returning(http_tools.c.name)
        return (await self.conn.execute(stmt)).first()

    # ----------------------------------------------------------------- assignments
    async def assignments(self, agent_id: UUID) -> list[Any]:
        """An agent's assignments, each with what its tool needs (outer joins: one is null)."""
        a, h, m = agent_tool_assignments, http_tools, mcp_servers
        stmt = (
            select(
                a.c.id,
                a.c.name,
                a.c.policy,
                a.c.http_tool_id,
                a.c.mcp_server_id,
                a.c.mcp_tool_name,
                h.c.description.label("http_description"),
                h.c.parameters.label("http_parameters"),
                h.c.status_text.label("http_status_text"),
                m.c.tools.label("mcp_tools"),
            )
            .select_from(
                a.outerjoin(h, h.c.id == a.c.http_tool_id).outerjoin(m, m.c.id == a.c.mcp_server_id)
            )
            .where(a.c.agent_id == agent_id)
            .order_by(a.c.name)
        )
        return list((await self.conn.execute(stmt)).all())

    async def replace_assignments(
        self, *, tenant_id: UUID, agent_id: UUID, rows: list[dict[str, Any]]
    ) -> None:
        await self.conn.execute(
            delete(agent_tool_assignments).where(agent_tool_assignments.c.agent_id == agent_id)
        )
        if rows:
            await self.conn.execute(
                agent_tool_assignments.insert(),
                [{"tenant_id": tenant_id, "agent_id": agent_id, **row} for row in rows],
            )
