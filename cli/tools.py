"""Tool registry commands: register MCP servers and HTTP tools, try them, give them to agents.

Credentials are read from the environment (`--bearer-token-env`, `--header NAME=ENV_VAR`), not
from the command line, so they stay out of shell history and process listings.
"""

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from cli.api import AdminAPI, CliError, by_id_prefix
from cli.output import (
    JsonOption,
    TenantOption,
    console,
    day,
    friendly,
    print_json,
    record,
    settings,
    short_id,
    table,
)

tool_app = typer.Typer(
    help="Register MCP servers and HTTP tools, try them, give them to agents.",
    no_args_is_help=True,
)

SERVER_FIELDS = ("id", "name", "url", "has_bearer_token", "secret_headers", "last_error")
HTTP_FIELDS = ("id", "name", "method", "url", "status_text", "secret_headers")

BearerEnvOption = Annotated[
    str | None,
    typer.Option(help="Name of an environment variable holding the server's bearer token."),
]
HeaderOption = Annotated[
    list[str] | None,
    typer.Option(
        "--header",
        help="A secret header as NAME=ENV_VAR: its value is read from that variable (repeatable).",
    ),
]


def _from_env(variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        raise CliError(f"the environment variable {variable} is empty or not set")
    return value


def _headers(specs: list[str] | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    for spec in specs or []:
        name, sep, variable = spec.partition("=")
        if not sep or not name or not variable:
            raise CliError(f"--header {spec!r}: write it NAME=ENV_VAR")
        headers[name] = _from_env(variable)
    return headers


def _json_option(text: str, what: str) -> Any:
    """JSON given inline, or `@file` to read it from a file."""
    raw = Path(text[1:]).read_text() if text.startswith("@") else text
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise CliError(f"{what} is not valid JSON: {exc}") from None


def _one(items: list[dict[str, Any]], ref: str, what: str) -> dict[str, Any]:
    for item in items:
        if ref in (item["id"], item["name"]):
            return dict(item)
    found = by_id_prefix(items, ref, what)
    if found is None:
        raise CliError(f"no {what[:-1]} {ref!r} (see `konstruct tool list`)")
    return found


def _source(api: AdminAPI, tenant_id: str, ref: str) -> tuple[str, dict[str, Any]]:
    """An MCP server or an HTTP tool by name, id or the beginning of its id."""
    servers = api.get(f"/admin/tenants/{tenant_id}/mcp-servers")["items"]
    tools = api.get(f"/admin/tenants/{tenant_id}/http-tools")["items"]
    matches = [("mcp-servers", s) for s in servers if ref in (s["id"], s["name"])]
    matches += [("http-tools", t) for t in tools if ref in (t["id"], t["name"])]
    if not matches:
        for kind, items in (("mcp-servers", servers), ("http-tools", tools)):
            found = by_id_prefix(items, ref, kind.replace("-", " "))
            if found is not None:
                matches.append((kind, found))
    if len(matches) != 1:
        raise CliError(f"no single MCP server or HTTP tool {ref!r} (see `konstruct tool list`)")
    return matches[0]


def _show_server(server: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(server)
        return
    record(server, SERVER_FIELDS)
    names = ", ".join(tool["name"] for tool in server["tools"]) or "(none listed)"
    console.print(escape(f"tools: {names}"))


@tool_app.command("list")
@friendly
def tool_list(ctx: typer.Context, tenant: TenantOption, as_json: JsonOption = False) -> None:
    """List the tenant's MCP servers and HTTP tools (never their credentials)."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        servers = api.get(f"/admin/tenants/{found['id']}/mcp-servers")["items"]
        tools = api.get(f"/admin/tenants/{found['id']}/http-tools")["items"]
    if as_json:
        print_json({"mcp_servers": servers, "http_tools": tools})
        return
    rows = [
        (
            short_id(s["id"]),
            "mcp",
            s["name"],
            s["url"],
            ", ".join(t["name"] for t in s["tools"]) or s["last_error"],
            day(s["tools_listed_at"]),
        )
        for s in servers
    ]
    rows += [
        (short_id(t["id"]), "http", t["name"], f"{t['method']} {t['url']}", t["description"], "")
        for t in tools
    ]
    table(
        f"Tools of {found['slug']}", ["id", "kind", "name", "url", "tools / about", "listed"], rows
    )


@tool_app.command("add-mcp")
@friendly
def tool_add_mcp(
    ctx: typer.Context,
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="What the operator calls this server.")],
    url: Annotated[str, typer.Option(help="Its Streamable HTTP endpoint, e.g. https://…/mcp.")],
    bearer_token_env: BearerEnvOption = None,
    header: HeaderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register an MCP server; Konstruct lists its tools at once."""
    body: dict[str, Any] = {"name": name, "url": url, "headers": _headers(header)}
    if bearer_token_env:
        body["bearer_token"] = _from_env(bearer_token_env)
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        server = api.post(f"/admin/tenants/{found['id']}/mcp-servers", body)
    _show_server(server, as_json)


@tool_app.command("add-http")
@friendly
def tool_add_http(
    ctx: typer.Context,
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="The function name the model sees.")],
    url: Annotated[str, typer.Option(help="May hold {argument} placeholders in path and query.")],
    method: Annotated[str, typer.Option(help="GET, POST, PUT, PATCH or DELETE.")] = "GET",
    description: Annotated[str, typer.Option(help="What the tool does, for the model.")] = "",
    parameters: Annotated[
        str,
        typer.Option(help="JSON Schema of the arguments (inline JSON, or @file)."),
    ] = '{"type": "object", "properties": {}}',
    status_text: Annotated[str, typer.Option(help="Slack's status line while it runs.")] = "",
    header: HeaderOption = None,
    as_json: JsonOption = False,
) -> None:
    """Register an HTTP tool on the business's own API."""
    body = {
        "name": name,
        "url": url,
        "method": method.upper(),
        "description": description,
        "parameters": _json_option(parameters, "--parameters"),
        "status_text": status_text,
        "headers": _headers(header),
    }
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        tool = api.post(f"/admin/tenants/{found['id']}/http-tools", body)
    if as_json:
        print_json(tool)
    else:
        record(tool, HTTP_FIELDS)


@tool_app.command("refresh")
@friendly
def tool_refresh(
    ctx: typer.Context,
    tenant: TenantOption,
    server: Annotated[str, typer.Argument(help="The MCP server's name or id (or its beginning).")],
    as_json: JsonOption = False,
) -> None:
    """List an MCP server's tools again."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        servers = api.get(f"/admin/tenants/{found['id']}/mcp-servers")["items"]
        chosen = _one(servers, server, "MCP servers")
        fresh = api.post(f"/admin/tenants/{found['id']}/mcp-servers/{chosen['id']}/refresh")
    _show_server(fresh, as_json)


@tool_app.command("test")
@friendly
def tool_test(
    ctx: typer.Context,
    tenant: TenantOption,
    source: Annotated[str, typer.Argument(help="An MCP server or HTTP tool (name or id).")],
    tool: Annotated[
        str | None, typer.Option(help="MCP: the tool to call; left out: list the tools.")
    ] = None,
    arguments: Annotated[str, typer.Option("--args", help="Arguments as JSON (or @file).")] = "{}",
    as_json: JsonOption = False,
) -> None:
    """Try an MCP server or an HTTP tool; exits 1 when the call failed."""
    body: dict[str, Any] = {"arguments": _json_option(arguments, "--args")}
    if tool:
        body["tool"] = tool
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        kind, chosen = _source(api, found["id"], source)
        result = api.post(f"/admin/tenants/{found['id']}/{kind}/{chosen['id']}/test", body)
    if as_json:
        print_json(result)
    else:
        state = "ok" if result["ok"] else "FAILED"
        console.print(escape(f"{state} in {result['duration_ms']:.0f} ms"))
        typer.echo(result["text"])
    if not result["ok"]:
        raise typer.Exit(1)


@tool_app.command("remove")
@friendly
def tool_remove(
    ctx: typer.Context,
    tenant: TenantOption,
    source: Annotated[str, typer.Argument(help="An MCP server or HTTP tool (name or id).")],
) -> None:
    """Remove an MCP server or HTTP tool (every agent loses it)."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        kind, chosen = _source(api, found["id"], source)
        api.request("DELETE", f"/admin/tenants/{found['id']}/{kind}/{chosen['id']}")
    console.print(escape(f"removed {chosen['name']}"))


def _assignment(spec: str, registry: list[dict[str, Any]]) -> dict[str, Any]:
    """`TOOL=POLICY` (TOOL: a registry tool's name, or `SERVER/TOOL` when names repeat)."""
    ref, sep, policy = spec.rpartition("=")
    if not sep or policy not in ("auto", "ask", "off"):
        raise CliError(f"{spec!r}: write it TOOL=auto, TOOL=ask or TOOL=off")
    server, _, name = ref.rpartition("/")
    matches = [
        item
        for item in registry
        if item["name"] == name and (not server or item.get("mcp_server_name") == server)
    ]
    if len(matches) != 1:
        why = "several tools have" if matches else "no registry tool has"
        raise CliError(f"{why} the name {ref!r} (see `konstruct tool list`; SERVER/TOOL picks one)")
    item = matches[0]
    if item["kind"] == "http":
        return {"http_tool_id": item["http_tool_id"], "policy": policy}
    return {
        "mcp_server_id": item["mcp_server_id"],
        "mcp_tool_name": item["mcp_tool_name"],
        "policy": policy,
    }


def _show_assignments(items: list[dict[str, Any]], slug: str, as_json: bool) -> None:
    if as_json:
        print_json(items)
        return
    rows = [
        (t["name"], t["kind"], t["policy"], "" if t["available"] else "no longer listed")
        for t in items
    ]
    table(f"Tools of agent {slug}", ["name", "kind", "policy", "note"], rows)


@tool_app.command("assign")
@friendly
def tool_assign(
    ctx: typer.Context,
    tenant: TenantOption,
    agent: Annotated[str, typer.Option(help="The agent's slug or id (or its beginning).")],
    tools: Annotated[
        list[str] | None,
        typer.Argument(help="TOOL=auto|ask|off for each tool the agent gets; none: no tools."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Set the agent's tools from the registry (replaces the ones it had)."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        chosen = api.agent(found["id"], agent)
        registry = api.get(f"/admin/tenants/{found['id']}/tools")["items"]
        body = {"tools": [_assignment(spec, registry) for spec in tools or []]}
        saved = api.request(
            "PUT", f"/admin/tenants/{found['id']}/agents/{chosen['id']}/tools", json=body
        )
    _show_assignments(saved["items"], chosen["slug"], as_json)


@tool_app.command("assigned")
@friendly
def tool_assigned(
    ctx: typer.Context,
    tenant: TenantOption,
    agent: Annotated[str, typer.Option(help="The agent's slug or id (or its beginning).")],
    as_json: JsonOption = False,
) -> None:
    """Show the agent's tools and their policies."""
    with AdminAPI(settings(ctx)) as api:
        found = api.tenant(tenant)
        chosen = api.agent(found["id"], agent)
        items = api.get(f"/admin/tenants/{found['id']}/agents/{chosen['id']}/tools")["items"]
    _show_assignments(items, chosen["slug"], as_json)
