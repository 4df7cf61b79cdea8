"""Speaking to a tenant's MCP server (Streamable HTTP) with the official `mcp` SDK.

Each operation opens its own session over a guarded HTTP client (proxy/features/tools/network.py)
carrying the server's credentials, does one thing (list the tools, or call one) and closes it.
The SDK follows a redirect only within the server's own origin, and the guarded client checks
every address it connects to. Failures of any kind come out as ToolFailure with a short text:
the SDK reports them as nested exception groups whose leaves say what happened.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import httpx2
import mcp_types
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from proxy.features.tools.network import (
    GuardedBackend,
    OutboundRefused,
    ToolFailure,
    check_url,
    clip,
    guarded_client,
    scrub,
)

MAX_LISTED_TOOLS = 200
MAX_LIST_PAGES = 20
ERROR_CHARS = 300

T = TypeVar("T")


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
        return
    yield exc
    if exc.__cause__ is not None:
        yield from _leaves(exc.__cause__)


def _explain(
    exc: BaseException, backend: GuardedBackend, statuses: list[int], timeout: float
) -> str:
    if backend.refusals:
        return f"Konstruct refused to call this MCP server: {backend.refusals[0]}."
    leaves = list(_leaves(exc))
    if any(isinstance(leaf, OutboundRefused) for leaf in leaves):
        refused = next(leaf for leaf in leaves if isinstance(leaf, OutboundRefused))
        return f"Konstruct refused to call this MCP server: {refused}."
    if statuses:
        status = statuses[0]
        if status in (401, 403):
            return f"The MCP server refused Konstruct's credentials (HTTP {status})."
        return f"The MCP server answered HTTP {status}."
    if any(isinstance(leaf, TimeoutError | httpx2.TimeoutException) for leaf in leaves):
        return f"The MCP server did not answer within {timeout:g} s."
    if any(isinstance(leaf, httpx2.ConnectError) for leaf in leaves):
        return "Could not connect to the MCP server."
    for leaf in leaves:
        if isinstance(leaf, MCPError):
            return f"The MCP server answered with an error: {clip(leaf.error.message, ERROR_CHARS)}"
    return f"The MCP server could not be used ({type(leaves[0]).__name__})."


async def _with_session(
    url: str,
    headers: dict[str, str],
    *,
    allow_private: bool,
    timeout_seconds: float,
    work: Callable[[Client], Awaitable[T]],
) -> T:
    await check_url(url, allow_private=allow_private)
    http, backend = guarded_client(
        allow_private=allow_private, timeout_seconds=timeout_seconds, headers=headers
    )
    statuses: list[int] = []

    async def note_status(response: httpx2.Response) -> None:
        if response.status_code >= 400:
            statuses.append(response.status_code)

    http.event_hooks["response"] = [note_status]
    try:
        async with asyncio.timeout(timeout_seconds), http:
            transport = streamable_http_client(url, http_client=http)
            async with Client(
                transport, cache=None, read_timeout_seconds=timeout_seconds
            ) as client:
                return await work(client)
    except Exception as exc:  # the SDK's failures are many and nested: explain, never raise
        text = _explain(exc, backend, statuses, timeout_seconds)
        raise ToolFailure(scrub(text, list(headers.values()))) from exc


def _tool_info(tool: mcp_types.Tool) -> dict[str, Any]:
    schema = dict(tool.input_schema or {})
    schema.setdefault("type", "object")
    return {"name": tool.name, "description": tool.description or "", "input_schema": schema}


async def list_tools(
    url: str, headers: dict[str, str], *, allow_private: bool, timeout_seconds: float
) -> list[dict[str, Any]]:
    """The server's tools (name, description, input_schema), every page of the listing."""

    async def work(client: Client) -> list[dict[str, Any]]:
        tools: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(MAX_LIST_PAGES):
            page = await client.list_tools(cursor=cursor)
            tools.extend(_tool_info(tool) for tool in page.tools)
            cursor = page.next_cursor
            if cursor is None or len(tools) >= MAX_LISTED_TOOLS:
                break
        return tools[:MAX_LISTED_TOOLS]

    return await _with_session(
        url, headers, allow_private=allow_private, timeout_seconds=timeout_seconds, work=work
    )


def result_text(result: mcp_types.CallToolResult) -> str:
    """A tool result as the text the model reads."""
    parts: list[str] = []
    for item in result.content:
        if isinstance(item, mcp_types.TextContent):
            parts.append(item.text)
        elif isinstance(item, mcp_types.EmbeddedResource):
            resource = item.resource
            if isinstance(resource, mcp_types.TextResourceContents):
                parts.append(resource.text)
            else:
                parts.append(f"[binary resource {resource.uri}]")
        elif isinstance(item, mcp_types.ResourceLink):
            parts.append(f"[resource {item.uri}]")
        else:
            parts.append(f"[{item.type} content]")
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


async def call_tool(
    url: str,
    headers: dict[str, str],
    name: str,
    arguments: dict[str, Any],
    *,
    allow_private: bool,
    timeout_seconds: float,
    max_result_chars: int,
) -> str:
    """The tool's result as text; ToolFailure when the call or the tool failed."""

    async def work(client: Client) -> mcp_types.CallToolResult:
        return await client.call_tool(name, arguments)

    result = await _with_session(
        url, headers, allow_private=allow_private, timeout_seconds=timeout_seconds, work=work
    )
    text = clip(scrub(result_text(result), list(headers.values())), max_result_chars)
    if result.is_error:
        raise ToolFailure(text or "The tool failed.")
    return text
