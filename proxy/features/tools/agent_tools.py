"""The contract the agent runtime calls: an agent's tools as the model sees them, and running one.

`tools_for_agent` answers the tools assigned to an agent whose policy is not "off", each with
the JSON Schema the model is given. `call_tool` runs one of them and never raises for a tool's
own failure (timeout, HTTP error, MCP error, a refused address): those are `ToolResult(ok=False)`
with a short plain text the model may read. Credentials never appear in an `AgentTool` or in a
result's text; they are decrypted only inside `call_tool`.
"""

import asyncio
import copy
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from proxy.core.crypto import DecryptionError
from proxy.core.runtime import Runtime
from proxy.features.tools import http_client, mcp_client
from proxy.features.tools.credentials import http_request_headers, mcp_request_headers
from proxy.features.tools.network import ToolFailure
from proxy.features.tools.repository import ToolRepository

TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
REDACTED = "[redacted]"
SECRET_MARK = "x-konstruct-secret"  # noqa: S105 (a schema keyword, not a secret)

# First words of tool names and what the status line says for them ("lookup_order" ->
# "Looking up order…"); any other name: "Using <name>…".
_GERUNDS = {
    "get": "Getting",
    "fetch": "Fetching",
    "lookup": "Looking up",
    "look": "Looking",
    "find": "Finding",
    "search": "Searching",
    "list": "Listing",
    "check": "Checking",
    "create": "Creating",
    "add": "Adding",
    "update": "Updating",
    "set": "Setting",
    "delete": "Deleting",
    "remove": "Removing",
    "send": "Sending",
    "cancel": "Cancelling",
    "refund": "Refunding",
    "book": "Booking",
    "schedule": "Scheduling",
    "read": "Reading",
    "write": "Writing",
}


@dataclass(frozen=True)
class AgentTool:
    """One tool as an agent's model sees it, and what Konstruct needs to run it."""

    # The function name the model sees: matches TOOL_NAME, unique among one agent's tools.
    name: str
    description: str
    # JSON Schema (type "object") of the arguments, as given to the model.
    parameters: dict[str, Any]
    policy: Literal["auto", "ask"]
    # Argument names the schema marks secret (`"x-konstruct-secret": true` or `writeOnly`):
    # their values are redacted wherever a call is recorded (`redact_arguments`).
    secret_arguments: frozenset[str] = field(default_factory=frozenset)
    # What Slack's status line says while it runs ("Looking up order…").
    status_text: str = ""
    # How to run it: an HTTP tool (`source_id` = http_tools.id) or a tool of an MCP server
    # (`source_id` = mcp_servers.id, `remote_name` = the tool's name on that server).
    kind: Literal["http", "mcp"] = "http"
    source_id: UUID | None = None
    remote_name: str = ""
    assignment_id: UUID | None = None


@dataclass(frozen=True)
class ToolResult:
    ok: bool
    # Plain text for the model: the tool's answer (cut at max_result_chars), or a short
    # explanation of the failure. Never holds the tool's credentials.
    text: str
    duration_ms: float


def status_text_for(name: str) -> str:
    """The default status line of a tool: `lookup_order` -> "Looking up order…"."""
    words = [word for word in re.split(r"[_\-\s]+|(?<=[a-z])(?=[A-Z])", name) if word]
    if not words:
        return "Working…"
    first = _GERUNDS.get(words[0].lower())
    if first is None:
        return f"Using {' '.join(words)}…"
    rest = " ".join(word.lower() for word in words[1:])
    return f"{first} {rest}…" if rest else f"{first}…"


def secret_arguments(schema: dict[str, Any]) -> frozenset[str]:
    """Top-level argument names the schema marks secret."""
    properties = schema.get("properties") or {}
    return frozenset(
        name
        for name, spec in properties.items()
        if isinstance(spec, dict) and (spec.get(SECRET_MARK) is True or spec.get("writeOnly"))
    )


def _model_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema the model is given: Konstruct's own marks taken out."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k != SECRET_MARK}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    cleaned: dict[str, Any] = strip(copy.deepcopy(schema))
    cleaned.setdefault("type", "object")
    cleaned.setdefault("properties", {})
    return cleaned


def redact_arguments(tool: AgentTool, arguments: dict[str, Any]) -> dict[str, Any]:
    """The arguments as they may be recorded: values of secret arguments replaced."""
    return {
        key: (REDACTED if key in tool.secret_arguments else value)
        for key, value in arguments.items()
    }


def _agent_tool(row: Any) -> AgentTool | None:
    if row.http_tool_id is not None:
        schema = row.http_parameters
        description = row.http_description
        status = row.http_status_text or status_text_for(row.name)
        kind: Literal["http", "mcp"] = "http"
        source, remote = row.http_tool_id, ""
    else:
        listed = next((t for t in row.mcp_tools or [] if t["name"] == row.mcp_tool_name), None)
        if listed is None:  # the server stopped listing it: the agent does not get it
            return None
        schema = listed["input_schema"]
        description = listed["description"]
        status = status_text_for(row.name)
        kind, source, remote = "mcp", row.mcp_server_id, row.mcp_tool_name
    return AgentTool(
        name=row.name,
        description=description,
        parameters=_model_schema(schema),
        policy=row.policy,
        secret_arguments=secret_arguments(schema),
        status_text=status,
        kind=kind,
        source_id=source,
        remote_name=remote,
        assignment_id=row.id,
    )


async def tools_for_agent(runtime: Runtime, tenant_id: UUID, agent_id: UUID) -> list[AgentTool]:
    """The agent's assigned tools whose policy is "auto" or "ask", ordered by name."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await ToolRepository(conn).assignments(agent_id)
    tools = (_agent_tool(row) for row in rows if row.policy != "off")
    return [tool for tool in tools if tool is not None]


async def run_http_tool(
    runtime: Runtime,
    tenant_id: UUID,
    row: Any,
    arguments: dict[str, Any],
    *,
    timeout_seconds: float,
    max_result_chars: int,
) -> str:
    return await http_client.call_http_tool(
        method=row.method,
        url_template=row.url,
        arguments=arguments,
        headers=http_request_headers(runtime.secrets, tenant_id, row),
        allow_private=runtime.settings.konstruct_tools_allow_private_targets,
        timeout_seconds=timeout_seconds,
        max_result_chars=max_result_chars,
    )


async def run_mcp_tool(
    runtime: Runtime,
    tenant_id: UUID,
    row: Any,
    name: str,
    arguments: dict[str, Any],
    *,
    timeout_seconds: float,
    max_result_chars: int,
) -> str:
    return await mcp_client.call_tool(
        row.url,
        mcp_request_headers(runtime.secrets, tenant_id, row),
        name,
        arguments,
        allow_private=runtime.settings.konstruct_tools_allow_private_targets,
        timeout_seconds=timeout_seconds,
        max_result_chars=max_result_chars,
    )


async def _run(
    runtime: Runtime,
    tenant_id: UUID,
    tool: AgentTool,
    arguments: dict[str, Any],
    *,
    timeout_seconds: float,
    max_result_chars: int,
) -> str:
    if tool.source_id is None:
        raise ToolFailure(f"The tool {tool.name} is not in the registry.")
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = ToolRepository(conn)
        if tool.kind == "http":
            row = await repo.get_http_tool(tool.source_id)
        else:
            row = await repo.get_mcp_server(tool.source_id)
    if row is None:
        raise ToolFailure(f"The tool {tool.name} is no longer registered.")
    if tool.kind == "http":
        return await run_http_tool(
            runtime,
            tenant_id,
            row,
            arguments,
            timeout_seconds=timeout_seconds,
            max_result_chars=max_result_chars,
        )
    return await run_mcp_tool(
        runtime,
        tenant_id,
        row,
        tool.remote_name,
        arguments,
        timeout_seconds=timeout_seconds,
        max_result_chars=max_result_chars,
    )


async def call_tool(
    runtime: Runtime,
    tenant_id: UUID,
    tool: AgentTool,
    arguments: dict[str, Any],
    *,
    timeout_seconds: float,
    max_result_chars: int,
) -> ToolResult:
    """Run one tool call; a tool's failure is an `ok=False` result, never an exception."""
    started = time.perf_counter()

    def result(ok: bool, text: str) -> ToolResult:
        return ToolResult(ok=ok, text=text, duration_ms=(time.perf_counter() - started) * 1000)

    try:
        if not isinstance(arguments, dict):
            raise ToolFailure("The arguments must be a JSON object.")
        async with asyncio.timeout(timeout_seconds):
            text = await _run(
                runtime,
                tenant_id,
                tool,
                arguments,
                timeout_seconds=timeout_seconds,
                max_result_chars=max_result_chars,
            )
    except ToolFailure as exc:
        return result(False, str(exc)[: max(max_result_chars, 200)])
    except TimeoutError:
        return result(False, f"The tool did not answer within {timeout_seconds:g} s.")
    except DecryptionError:
        return result(False, "The tool's credentials could not be read; ask an operator.")
    except Exception as exc:  # a tool must never end the agent's turn: say what kind it was
        return result(False, f"The tool could not be run ({type(exc).__name__}).")
    return result(True, text)
