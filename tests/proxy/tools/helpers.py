"""Registering tools for a test straight through the service, as an operator would."""

import uuid
from typing import Any

from proxy.core.principal import PLATFORM_ADMIN, Principal
from proxy.core.runtime import Runtime
from proxy.features.tools import service
from proxy.features.tools.agent_tools import AgentTool, tools_for_agent
from proxy.features.tools.schemas import (
    AssignmentIn,
    AssignmentsIn,
    HttpToolCreate,
    McpServerCreate,
)
from tests.fakes.http_tool_server import DEFAULT_KEY, HttpToolFake
from tests.fakes.mcp_server import DEFAULT_TOKEN, MCPFake
from tests.proxy.tools.conftest import Agent

OPERATOR = Principal(role=PLATFORM_ADMIN, actor="tests")


async def register_mcp(
    runtime: Runtime, agent: Agent, fake: MCPFake, *, token: str = DEFAULT_TOKEN
) -> dict[str, AgentTool]:
    """The fake MCP server registered for the agent's tenant; all its tools given, "auto"."""
    server = await service.create_mcp_server(
        runtime,
        OPERATOR,
        agent.tenant_id,
        McpServerCreate(
            name=f"orders-{uuid.uuid4().hex[:6]}", url=fake.mcp_url, bearer_token=token
        ),
    )
    assert server.tools, server.last_error
    await service.set_agent_tools(
        runtime,
        OPERATOR,
        agent.tenant_id,
        agent.id,
        AssignmentsIn(
            tools=[
                AssignmentIn(mcp_server_id=server.id, mcp_tool_name=t.name, policy="auto")
                for t in server.tools
            ]
        ),
    )
    return {t.name: t for t in await tools_for_agent(runtime, agent.tenant_id, agent.id)}


async def register_http(
    runtime: Runtime, agent: Agent, fake: HttpToolFake, **fields: Any
) -> AgentTool:
    """One HTTP tool on the fake (GET /orders/{order_id} by default), given to the agent."""
    body = {
        "name": "get_order",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string"}, "verbose": {"type": "boolean"}},
            "required": ["order_id"],
        },
        "url": f"{fake.url}/orders/{{order_id}}",
        "headers": {"X-Api-Key": DEFAULT_KEY},
        **fields,
    }
    tool = await service.create_http_tool(
        runtime, OPERATOR, agent.tenant_id, HttpToolCreate.model_validate(body)
    )
    await service.set_agent_tools(
        runtime,
        OPERATOR,
        agent.tenant_id,
        agent.id,
        AssignmentsIn(tools=[AssignmentIn(http_tool_id=tool.id, policy="auto")]),
    )
    (given,) = await tools_for_agent(runtime, agent.tenant_id, agent.id)
    return given
