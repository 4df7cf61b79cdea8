"""An approval is a person's yes to one call: moving a pending call's sealed arguments and call
key into an approval a person gave, in the database, makes the proxy run nothing."""

from typing import Any
from uuid import UUID

import pytest

from policies.turns import FAILED
from proxy.core.db.engine import Database
from tests.fakes.http_tool_server import HttpToolFake
from tests.fakes.mcp_server import MCPFake
from tests.fakes.ollama import OllamaFake
from tests.proxy.crypto.helpers import swap_approvals, tool_rows
from tests.proxy.runtime.conftest import done, slack_turn, slack_turn_until_approvals
from tests.proxy.runtime.test_tools import decide, register_tools
from tests.stack import ProxyServer, make_world

pytestmark = pytest.mark.e2e

TEXT = "Refund A-3 by 3 EUR, and A-3000 by 3000 EUR"
SMALL = {"name": "refund_order", "arguments": {"order_id": "A-3", "amount": 3, "card_pin": "1"}}
BIG = {"name": "refund_order", "arguments": {"order_id": "A-3000", "amount": 3000, "card_pin": "1"}}


async def test_a_pending_call_moved_into_an_approved_one_runs_nothing(
    proxy: ProxyServer,
    fake_ollama: OllamaFake,
    http_tool: HttpToolFake,
    mcp: MCPFake,
    owner_db: Database,
) -> None:
    world = make_world(proxy, "Swap")
    register_tools(proxy, world, http_tool, mcp, policy="ask")
    agent_id = world.agent["id"]
    # The model asks for both refunds at once, and again when the turn is run again.
    fake_ollama.configure(tool_calls_script=[[SMALL, BIG], [SMALL, BIG]], reply_text="Done.")
    asked = slack_turn_until_approvals(
        proxy,
        world.id,
        agent_id,
        TEXT,
        count=2,
        thread_id="1700000000.000300",
        source_event_id="EvSwap1",
    )
    approval = {a["arguments"]["order_id"]: a["approval_id"] for a in asked}
    # The person who asked approves the small refund only.
    yes = decide(proxy, world.id, approval["A-3"], "approve", "U0ASKER")
    assert (yes.status_code, yes.json()["status"]) == (200, "approved"), yes.text

    # Someone who can write to the database moves the big refund into the approved approval:
    # its call key (by which the run again finds it) and its sealed arguments and status text.
    small, big = UUID(approval["A-3"]), UUID(approval["A-3000"])
    await swap_approvals(owner_db, small, big, ("call_key", "sealed_arguments", "status_text"))

    # The job is run again: the proxy refuses the rows, the turn ends in an apology, and the
    # tool server is never asked for anything.
    final: dict[str, Any] = done(
        slack_turn(
            proxy,
            world.id,
            agent_id,
            TEXT,
            thread_id="1700000000.000300",
            source_event_id="EvSwap1",
        )
    )
    assert (final["error"], final["from_model"]) == (FAILED, False)
    assert mcp.tool_calls == []
    [first, second], calls = await tool_rows(owner_db, UUID(world.id))
    assert {(row.id, row.status) for row in (first, second)} == {
        (small, "approved"),
        (big, "pending"),
    }
    assert calls == []
    # A click on the tampered approval is refused in words, not with a server error, and
    # decides nothing.
    click = decide(proxy, world.id, approval["A-3000"], "approve", "U0ASKER")
    assert click.status_code == 409, click.text
    assert click.json()["error"]["message"] == (
        "This approval cannot be read, so it cannot be decided."
    )
    [first, second], calls = await tool_rows(owner_db, UUID(world.id))
    assert {row.status for row in (first, second)} == {"approved", "pending"}
    assert calls == []
