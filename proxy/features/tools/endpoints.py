"""HTTP routes for the tool registry (`/admin/tenants/{tenant_id}/mcp-servers`, `/http-tools`,
`/tools`) and each agent's tools (`/admin/tenants/{tenant_id}/agents/{agent_id}/tools`)."""

from uuid import UUID

from fastapi import APIRouter, Response

from proxy.features.api.deps import PrincipalDep, RuntimeDep, TenantIdDep
from proxy.features.api.schemas import Page
from proxy.features.tools import service
from proxy.features.tools.schemas import (
    Assignment,
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
)

router = APIRouter(prefix="/admin/tenants/{tenant_id}", tags=["tools"])


@router.get("/tools", response_model=Page[RegistryTool], summary="Every tool agents can be given")
async def list_registry(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[RegistryTool]:
    return Page(items=await service.registry(runtime, tenant_id))


# ---------------------------------------------------------------------- MCP servers
@router.get("/mcp-servers", response_model=Page[McpServer], summary="Registered MCP servers")
async def list_mcp_servers(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[McpServer]:
    return Page(items=await service.list_mcp_servers(runtime, tenant_id))


@router.post(
    "/mcp-servers",
    status_code=201,
    response_model=McpServer,
    summary="Register an MCP server (credentials stored encrypted) and list its tools",
)
async def create_mcp_server(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, body: McpServerCreate
) -> McpServer:
    return await service.create_mcp_server(runtime, principal, tenant_id, body)


@router.get("/mcp-servers/{server_id}", response_model=McpServer, summary="An MCP server")
async def get_mcp_server(runtime: RuntimeDep, tenant_id: TenantIdDep, server_id: UUID) -> McpServer:
    return await service.get_mcp_server(runtime, tenant_id, server_id)


@router.patch(
    "/mcp-servers/{server_id}",
    response_model=McpServer,
    summary="Change an MCP server's name, URL or credentials",
)
async def update_mcp_server(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    server_id: UUID,
    body: McpServerUpdate,
) -> McpServer:
    return await service.update_mcp_server(runtime, principal, tenant_id, server_id, body)


@router.delete(
    "/mcp-servers/{server_id}",
    status_code=204,
    summary="Remove an MCP server (and every agent's assignment of its tools)",
)
async def delete_mcp_server(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, server_id: UUID
) -> Response:
    await service.delete_mcp_server(runtime, principal, tenant_id, server_id)
    return Response(status_code=204)


@router.post(
    "/mcp-servers/{server_id}/refresh",
    response_model=McpServer,
    summary="List the server's tools again and keep the listing",
)
async def refresh_mcp_server(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, server_id: UUID
) -> McpServer:
    return await service.refresh_mcp_server(runtime, principal, tenant_id, server_id)


@router.post(
    "/mcp-servers/{server_id}/test",
    response_model=ToolTestOut,
    summary="Try the server: list its tools, or call one with arguments",
)
async def test_mcp_server(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    server_id: UUID,
    body: ToolTestIn,
) -> ToolTestOut:
    return await service.test_mcp_server(runtime, principal, tenant_id, server_id, body)


# ---------------------------------------------------------------------- HTTP tools
@router.get("/http-tools", response_model=Page[HttpTool], summary="Registered HTTP tools")
async def list_http_tools(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[HttpTool]:
    return Page(items=await service.list_http_tools(runtime, tenant_id))


@router.post(
    "/http-tools",
    status_code=201,
    response_model=HttpTool,
    summary="Register an HTTP tool (secret headers stored encrypted)",
)
async def create_http_tool(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, body: HttpToolCreate
) -> HttpTool:
    return await service.create_http_tool(runtime, principal, tenant_id, body)


@router.get("/http-tools/{tool_id}", response_model=HttpTool, summary="An HTTP tool")
async def get_http_tool(runtime: RuntimeDep, tenant_id: TenantIdDep, tool_id: UUID) -> HttpTool:
    return await service.get_http_tool(runtime, tenant_id, tool_id)


@router.patch("/http-tools/{tool_id}", response_model=HttpTool, summary="Change an HTTP tool")
async def update_http_tool(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    tool_id: UUID,
    body: HttpToolUpdate,
) -> HttpTool:
    return await service.update_http_tool(runtime, principal, tenant_id, tool_id, body)


@router.delete(
    "/http-tools/{tool_id}",
    status_code=204,
    summary="Remove an HTTP tool (and every agent's assignment of it)",
)
async def delete_http_tool(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, tool_id: UUID
) -> Response:
    await service.delete_http_tool(runtime, principal, tenant_id, tool_id)
    return Response(status_code=204)


@router.post(
    "/http-tools/{tool_id}/test",
    response_model=ToolTestOut,
    summary="Try the tool with arguments",
)
async def test_http_tool(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    tool_id: UUID,
    body: ToolTestIn,
) -> ToolTestOut:
    return await service.test_http_tool(runtime, principal, tenant_id, tool_id, body)


# ---------------------------------------------------------------------- an agent's tools
@router.get(
    "/agents/{agent_id}/tools",
    response_model=Page[Assignment],
    summary="The agent's tools and their policies",
)
async def get_agent_tools(
    runtime: RuntimeDep, tenant_id: TenantIdDep, agent_id: UUID
) -> Page[Assignment]:
    return Page(items=await service.agent_tools(runtime, tenant_id, agent_id))


@router.put(
    "/agents/{agent_id}/tools",
    response_model=Page[Assignment],
    summary="Replace the agent's tools (chosen from the registry) and their policies",
)
async def set_agent_tools(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    tenant_id: TenantIdDep,
    agent_id: UUID,
    body: AssignmentsIn,
) -> Page[Assignment]:
    return Page(items=await service.set_agent_tools(runtime, principal, tenant_id, agent_id, body))
