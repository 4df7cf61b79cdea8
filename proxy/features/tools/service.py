"""Tool registry rules: URLs checked before they are stored, credentials sealed, listings
cached, assignments chosen from the tenant's own registry, every change audited."""

import re
import time
import uuid
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from proxy.core.errors import Conflict, Invalid, NotFound
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.agents.repository import AgentRepository
from proxy.features.audit.service import record
from proxy.features.tools import mcp_client
from proxy.features.tools.agent_tools import run_http_tool, run_mcp_tool
from proxy.features.tools.credentials import (
    http_headers_context,
    mcp_bearer_context,
    mcp_headers_context,
    mcp_request_headers,
    seal_headers,
)
from proxy.features.tools.network import OutboundRefused, ToolFailure, check_url
from proxy.features.tools.repository import ToolRepository
from proxy.features.tools.schemas import (
    Assignment,
    AssignmentIn,
    AssignmentsIn,
    HttpTool,
    HttpToolCreate,
    HttpToolUpdate,
    McpServer,
    McpServerCreate,
    McpServerUpdate,
    RegistryTool,
    ToolTestIn,
    ToolTestOut,
    placeholders,
)

# Listing a server's tools and a test call from the portal: what an operator waits for.
ADMIN_TIMEOUT_SECONDS = 20.0
TEST_RESULT_CHARS = 4000
ERROR_CHARS = 500


async def _allowed_url(runtime: Runtime, url: str) -> None:
    try:
        await check_url(url, allow_private=runtime.settings.konstruct_tools_allow_private_targets)
    except OutboundRefused as exc:
        raise Invalid(f"url: {exc}") from exc


def _fixed_part(url: str) -> str:
    """An HTTP tool's URL with its placeholders filled by a harmless word, for the check."""
    return url.format_map(dict.fromkeys(placeholders(url), "x"))


def _conflict(exc: IntegrityError, what: str) -> Exception:
    if "unique" in str(exc.orig).lower():
        return Conflict(f"{what} with this name already exists.")
    return Invalid(f"{what} could not be stored: it contradicts the registry.")


# ---------------------------------------------------------------------- MCP servers
def _mcp_out(row: Any) -> McpServer:
    return McpServer.model_validate(
        {
            **row._mapping,
            "has_bearer_token": row.encrypted_bearer_token is not None,
            "secret_headers": row.secret_header_names,
        }
    )


async def _listing(runtime: Runtime, tenant_id: UUID, row: Any) -> tuple[list[Any] | None, str]:
    """The server's tools now, or None and why they could not be listed."""
    try:
        tools = await mcp_client.list_tools(
            row.url,
            mcp_request_headers(runtime.secrets, tenant_id, row),
            allow_private=runtime.settings.konstruct_tools_allow_private_targets,
            timeout_seconds=ADMIN_TIMEOUT_SECONDS,
        )
    except ToolFailure as exc:
        return None, str(exc)[:ERROR_CHARS]
    return tools, ""


async def list_mcp_servers(runtime: Runtime, tenant_id: UUID) -> list[McpServer]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await ToolRepository(conn).list_mcp_servers()
    return [_mcp_out(row) for row in rows]


async def get_mcp_server(runtime: Runtime, tenant_id: UUID, server_id: UUID) -> McpServer:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ToolRepository(conn).get_mcp_server(server_id)
    if row is None:
        raise NotFound("No such MCP server.")
    return _mcp_out(row)


async def create_mcp_server(
    runtime: Runtime, principal: Principal, tenant_id: UUID, body: McpServerCreate
) -> McpServer:
    """Store the server, then list its tools (a server that cannot be listed is still kept,
    with the reason in `last_error`, so the operator can fix its credentials)."""
    await _allowed_url(runtime, body.url)
    server_id = uuid.uuid4()
    box = runtime.secrets
    values = {
        "id": server_id,
        "tenant_id": tenant_id,
        "name": body.name,
        "url": body.url,
        "encrypted_bearer_token": (
            box.encrypt(body.bearer_token, context=mcp_bearer_context(tenant_id, server_id))
            if body.bearer_token
            else None
        ),
        "encrypted_headers": seal_headers(
            box, body.headers, context=mcp_headers_context(tenant_id, server_id)
        ),
        "secret_header_names": sorted(body.headers),
    }
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            row = await ToolRepository(conn).create_mcp_server(**values)
            await record(
                conn, principal, "mcp_server.create", tenant_id=tenant_id, target=str(server_id)
            )
    except IntegrityError as exc:
        raise _conflict(exc, "An MCP server") from exc
    return await _store_listing(runtime, tenant_id, row)


async def _store_listing(runtime: Runtime, tenant_id: UUID, row: Any) -> McpServer:
    tools, error = await _listing(runtime, tenant_id, row)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        fresh = await ToolRepository(conn).store_listing(row.id, tools=tools, error=error)
    if fresh is None:
        raise NotFound("No such MCP server.")
    return _mcp_out(fresh)


async def update_mcp_server(
    runtime: Runtime,
    principal: Principal,
    tenant_id: UUID,
    server_id: UUID,
    body: McpServerUpdate,
) -> McpServer:
    given = body.model_dump(exclude_unset=True)
    values: dict[str, Any] = {k: v for k, v in given.items() if k in ("name", "url")}
    if body.url is not None:
        await _allowed_url(runtime, body.url)
    if "bearer_token" in given:
        values["encrypted_bearer_token"] = (
            runtime.secrets.encrypt(
                body.bearer_token, context=mcp_bearer_context(tenant_id, server_id)
            )
            if body.bearer_token
            else None
        )
    if "headers" in given:
        headers = body.headers or {}
        values["encrypted_headers"] = seal_headers(
            runtime.secrets, headers, context=mcp_headers_context(tenant_id, server_id)
        )
        values["secret_header_names"] = sorted(headers)
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            repo = ToolRepository(conn)
            row = (
                await repo.update_mcp_server(server_id, **values)
                if values
                else await repo.get_mcp_server(server_id)
            )
            if row is None:
                raise NotFound("No such MCP server.")
            await record(
                conn,
                principal,
                "mcp_server.update",
                tenant_id=tenant_id,
                target=str(server_id),
                detail={"fields": sorted(given)},
            )
    except IntegrityError as exc:
        raise _conflict(exc, "An MCP server") from exc
    if {"url", "bearer_token", "headers"} & set(given):
        return await _store_listing(runtime, tenant_id, row)
    return _mcp_out(row)


async def refresh_mcp_server(
    runtime: Runtime, principal: Principal, tenant_id: UUID, server_id: UUID
) -> McpServer:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ToolRepository(conn).get_mcp_server(server_id)
        if row is None:
            raise NotFound("No such MCP server.")
        await record(
            conn, principal, "mcp_server.refresh", tenant_id=tenant_id, target=str(server_id)
        )
    return await _store_listing(runtime, tenant_id, row)


async def delete_mcp_server(
    runtime: Runtime, principal: Principal, tenant_id: UUID, server_id: UUID
) -> None:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ToolRepository(conn).delete_mcp_server(server_id)
        if row is None:
            raise NotFound("No such MCP server.")
        await record(
            conn,
            principal,
            "mcp_server.delete",
            tenant_id=tenant_id,
            target=str(server_id),
            detail={"name": row.name},
        )


async def test_mcp_server(
    runtime: Runtime, principal: Principal, tenant_id: UUID, server_id: UUID, body: ToolTestIn
) -> ToolTestOut:
    """List the server's tools (no `tool`), or call one tool with the given arguments."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ToolRepository(conn).get_mcp_server(server_id)
        if row is None:
            raise NotFound("No such MCP server.")
        await record(
            conn,
            principal,
            "mcp_server.test",
            tenant_id=tenant_id,
            target=str(server_id),
            detail={"tool": body.tool} if body.tool else {},
        )
    started = time.perf_counter()
    try:
        if body.tool is None:
            tools = await mcp_client.list_tools(
                row.url,
                mcp_request_headers(runtime.secrets, tenant_id, row),
                allow_private=runtime.settings.konstruct_tools_allow_private_targets,
                timeout_seconds=ADMIN_TIMEOUT_SECONDS,
            )
            names = ", ".join(tool["name"] for tool in tools)
            text = f"{len(tools)} tool(s): {names}" if tools else "The server lists no tools."
        else:
            text = await run_mcp_tool(
                runtime,
                tenant_id,
                row,
                body.tool,
                body.arguments,
                timeout_seconds=ADMIN_TIMEOUT_SECONDS,
                max_result_chars=TEST_RESULT_CHARS,
            )
    except ToolFailure as exc:
        return _tested(False, str(exc), started)
    return _tested(True, text, started)


def _tested(ok: bool, text: str, started: float) -> ToolTestOut:
    return ToolTestOut(ok=ok, text=text, duration_ms=(time.perf_counter() - started) * 1000)


# ---------------------------------------------------------------------- HTTP tools
def _http_out(row: Any) -> HttpTool:
    return HttpTool.model_validate({**row._mapping, "secret_headers": row.secret_header_names})


async def list_http_tools(runtime: Runtime, tenant_id: UUID) -> list[HttpTool]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await ToolRepository(conn).list_http_tools()
    return [_http_out(row) for row in rows]


async def get_http_tool(runtime: Runtime, tenant_id: UUID, tool_id: UUID) -> HttpTool:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ToolRepository(conn).get_http_tool(tool_id)
    if row is None:
        raise NotFound("No such HTTP tool.")
    return _http_out(row)


async def create_http_tool(
    runtime: Runtime, principal: Principal, tenant_id: UUID, body: HttpToolCreate
) -> HttpTool:
    await _allowed_url(runtime, _fixed_part(body.url))
    tool_id = uuid.uuid4()
    values = body.model_dump(exclude={"headers"})
    values.update(
        id=tool_id,
        tenant_id=tenant_id,
        encrypted_headers=seal_headers(
            runtime.secrets, body.headers, context=http_headers_context(tenant_id, tool_id)
        ),
        secret_header_names=sorted(body.headers),
    )
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            row = await ToolRepository(conn).create_http_tool(**values)
            await record(
                conn,
                principal,
                "http_tool.create",
                tenant_id=tenant_id,
                target=str(tool_id),
                detail={"name": body.name},
            )
    except IntegrityError as exc:
        raise _conflict(exc, "An HTTP tool") from exc
    return _http_out(row)


async def update_http_tool(
    runtime: Runtime,
    principal: Principal,
    tenant_id: UUID,
    tool_id: UUID,
    body: HttpToolUpdate,
) -> HttpTool:
    given = body.model_dump(exclude_unset=True)
    values = {k: v for k, v in given.items() if k != "headers" and v is not None}
    if "url" in values:
        await _allowed_url(runtime, _fixed_part(values["url"]))
    if "headers" in given:
        headers = body.headers or {}
        values["encrypted_headers"] = seal_headers(
            runtime.secrets, headers, context=http_headers_context(tenant_id, tool_id)
        )
        values["secret_header_names"] = sorted(headers)
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            repo = ToolRepository(conn)
            current = await repo.get_http_tool(tool_id)
            if current is None:
                raise NotFound("No such HTTP tool.")
            url = values.get("url", current.url)
            parameters = values.get("parameters", current.parameters)
            missing = set(placeholders(url)) - set(parameters.get("properties", {}))
            if missing:
                raise Invalid(f"url: the placeholders are not arguments: {sorted(missing)}")
            row = await repo.update_http_tool(tool_id, **values) if values else current
            await record(
                conn,
                principal,
                "http_tool.update",
                tenant_id=tenant_id,
                target=str(tool_id),
                detail={"fields": sorted(given)},
            )
    except IntegrityError as exc:
        raise _conflict(exc, "An HTTP tool") from exc
    return _http_out(row)


async def delete_http_tool(
    runtime: Runtime, principal: Principal, tenant_id: UUID, tool_id: UUID
) -> None:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ToolRepository(conn).delete_http_tool(tool_id)
        if row is None:
            raise NotFound("No such HTTP tool.")
        await record(
            conn,
            principal,
            "http_tool.delete",
            tenant_id=tenant_id,
            target=str(tool_id),
            detail={"name": row.name},
        )


async def test_http_tool(
    runtime: Runtime, principal: Principal, tenant_id: UUID, tool_id: UUID, body: ToolTestIn
) -> ToolTestOut:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ToolRepository(conn).get_http_tool(tool_id)
        if row is None:
            raise NotFound("No such HTTP tool.")
        await record(conn, principal, "http_tool.test", tenant_id=tenant_id, target=str(tool_id))
    started = time.perf_counter()
    try:
        text = await run_http_tool(
            runtime,
            tenant_id,
            row,
            body.arguments,
            timeout_seconds=ADMIN_TIMEOUT_SECONDS,
            max_result_chars=TEST_RESULT_CHARS,
        )
    except ToolFailure as exc:
        return _tested(False, str(exc), started)
    return _tested(True, text, started)


# ---------------------------------------------------------------------- the registry, assignments
async def registry(runtime: Runtime, tenant_id: UUID) -> list[RegistryTool]:
    """Every tool an agent of this tenant can be given (MCP tools as last listed)."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ToolRepository(conn)
        tools = await repo.list_http_tools()
        servers = await repo.list_mcp_servers()
    items = [
        RegistryTool(kind="http", name=t.name, description=t.description, http_tool_id=t.id)
        for t in tools
    ]
    for server in servers:
        items.extend(
            RegistryTool(
                kind="mcp",
                name=tool["name"],
                description=tool["description"],
                mcp_server_id=server.id,
                mcp_server_name=server.name,
                mcp_tool_name=tool["name"],
            )
            for tool in server.tools
        )
    return items


def _function_name(name: str) -> str:
    """A registry tool's name as a function name the model accepts."""
    return re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:64] or "tool"


def _assignment_out(row: Any) -> Assignment:
    if row.http_tool_id is not None:
        kind, description, available = "http", row.http_description, True
    else:
        listed = next((t for t in row.mcp_tools or [] if t["name"] == row.mcp_tool_name), None)
        kind, available = "mcp", listed is not None
        description = listed["description"] if listed else ""
    return Assignment.model_validate(
        {**row._mapping, "kind": kind, "description": description, "available": available}
    )


async def _require_agent(conn: Any, agent_id: UUID) -> None:
    if await AgentRepository(conn).get(agent_id) is None:
        raise NotFound("No such agent.")


async def agent_tools(runtime: Runtime, tenant_id: UUID, agent_id: UUID) -> list[Assignment]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        await _require_agent(conn, agent_id)
        rows = await ToolRepository(conn).assignments(agent_id)
    return [_assignment_out(row) for row in rows]


def _resolve(
    item: AssignmentIn, http: dict[UUID, Any], mcp: dict[UUID, Any], index: int
) -> dict[str, Any]:
    """One assignment's row, its tool found in this tenant's registry (else 422)."""
    where = f"tools.{index}"
    if item.http_tool_id is not None:
        tool = http.get(item.http_tool_id)
        if tool is None:
            raise Invalid(f"{where}: no such HTTP tool in this tenant's registry.")
        return {
            "name": item.name or tool.name,
            "http_tool_id": tool.id,
            "mcp_server_id": None,
            "mcp_tool_name": None,
            "policy": item.policy,
        }
    server = mcp.get(item.mcp_server_id) if item.mcp_server_id else None
    if server is None:
        raise Invalid(f"{where}: no such MCP server in this tenant's registry.")
    if not any(tool["name"] == item.mcp_tool_name for tool in server.tools):
        raise Invalid(
            f"{where}: the MCP server {server.name} does not list a tool "
            f"{item.mcp_tool_name!r} (refresh its tools first)."
        )
    return {
        "name": item.name or _function_name(str(item.mcp_tool_name)),
        "http_tool_id": None,
        "mcp_server_id": server.id,
        "mcp_tool_name": item.mcp_tool_name,
        "policy": item.policy,
    }


async def set_agent_tools(
    runtime: Runtime,
    principal: Principal,
    tenant_id: UUID,
    agent_id: UUID,
    body: AssignmentsIn,
) -> list[Assignment]:
    """Replace the agent's tools with these; each must be in this tenant's registry, and the
    names the model sees must differ (`name` gives one another)."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        await _require_agent(conn, agent_id)
        repo = ToolRepository(conn)
        http = {row.id: row for row in await repo.list_http_tools()}
        mcp = {row.id: row for row in await repo.list_mcp_servers()}
        rows = [_resolve(item, http, mcp, index) for index, item in enumerate(body.tools)]
        names = [row["name"] for row in rows]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise Invalid(
                f"tools: two tools would be called {', '.join(duplicates)}; "
                "give one of them another name."
            )
        sources = [
            (row["http_tool_id"], row["mcp_server_id"], row["mcp_tool_name"]) for row in rows
        ]
        if len(set(sources)) != len(sources):
            raise Invalid("tools: the same tool is listed twice.")
        before = {row.name: row.policy for row in await repo.assignments(agent_id)}
        await repo.replace_assignments(tenant_id=tenant_id, agent_id=agent_id, rows=rows)
        after = {row["name"]: row["policy"] for row in rows}
        await record(
            conn,
            principal,
            "agent.tools.update",
            tenant_id=tenant_id,
            target=str(agent_id),
            detail={
                "added": sorted(set(after) - set(before)),
                "removed": sorted(set(before) - set(after)),
                "policy_changed": sorted(
                    name for name in set(before) & set(after) if before[name] != after[name]
                ),
            },
        )
        fresh = await repo.assignments(agent_id)
    return [_assignment_out(row) for row in fresh]
