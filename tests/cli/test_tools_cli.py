"""`konstruct tool`: register an MCP server and an HTTP tool (credentials from the environment,
never printed), give them to an agent, try them, remove them, against the real proxy."""

import json

import pytest

from tests.cli.conftest import Konstruct
from tests.fakes.http_tool_server import DEFAULT_KEY, HttpToolFake
from tests.fakes.mcp_server import DEFAULT_TOKEN, MCPFake
from tests.stack import ProxyServer, make_world

pytestmark = pytest.mark.e2e

SCHEMA = json.dumps(
    {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}
)


def test_register_assign_try_and_remove_tools(konstruct: Konstruct, proxy: ProxyServer) -> None:
    world = make_world(proxy, "Toolshop")
    secrets = {"SHOP_MCP_TOKEN": DEFAULT_TOKEN, "SHOP_API_KEY": DEFAULT_KEY}
    with MCPFake() as mcp, HttpToolFake() as api:
        added = konstruct(
            "tool", "add-mcp", "-t", world.slug, "--name", "orders", "--url", mcp.mcp_url,
            "--bearer-token-env", "SHOP_MCP_TOKEN", **secrets,
        )  # fmt: skip
        assert added.exit_code == 0, added.output
        assert "lookup_order" in added.output
        http = konstruct(
            "tool", "add-http", "-t", world.slug, "--name", "get_order",
            "--url", f"{api.url}/orders/{{order_id}}", "--parameters", SCHEMA,
            "--header", "X-Api-Key=SHOP_API_KEY", **secrets,
        )  # fmt: skip
        assert http.exit_code == 0, http.output

        listed = konstruct("tool", "list", "-t", world.slug)
        assert listed.exit_code == 0, listed.output
        assert "orders" in listed.output
        assert "get_order" in listed.output

        assigned = konstruct(
            "tool", "assign", "-t", world.slug, "--agent", world.agent["slug"],
            "lookup_order=auto", "refund_order=ask", "get_order=ask", "--json",
        )  # fmt: skip
        assert assigned.exit_code == 0, assigned.output
        policies = {t["name"]: t["policy"] for t in json.loads(assigned.output)}
        assert policies == {"lookup_order": "auto", "refund_order": "ask", "get_order": "ask"}
        unknown = konstruct(
            "tool", "assign", "-t", world.slug, "--agent", world.agent["slug"], "nope=auto"
        )
        assert unknown.exit_code == 1

        tried = konstruct(
            "tool", "test", "-t", world.slug, "orders", "--tool", "lookup_order",
            "--args", '{"order_id": "C-3"}',
        )  # fmt: skip
        assert tried.exit_code == 0, tried.output
        assert "Order C-3: shipped" in tried.output
        assert mcp.tool_calls == [("lookup_order", {"order_id": "C-3"})]
        tried_http = konstruct(
            "tool", "test", "-t", world.slug, "get_order", "--args", '{"order_id": "D-4"}'
        )
        assert tried_http.exit_code == 0, tried_http.output
        assert api.requests[-1].header("x-api-key") == DEFAULT_KEY

        api.configure(required_key="rotated")
        failed = konstruct(
            "tool", "test", "-t", world.slug, "get_order", "--args", '{"order_id": "D-4"}'
        )
        assert failed.exit_code == 1
        assert "401" in failed.output

        for shown in (added, http, listed, assigned, tried, tried_http, failed):
            assert DEFAULT_TOKEN not in shown.output
            assert DEFAULT_KEY not in shown.output

        removed = konstruct("tool", "remove", "-t", world.slug, "get_order")
        assert removed.exit_code == 0, removed.output
        left = konstruct("tool", "assigned", "-t", world.slug, "--agent", world.agent["slug"])
        assert "get_order" not in left.output
        assert "lookup_order" in left.output
