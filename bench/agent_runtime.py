"""`agent_tool_step_overhead_ms`: the agent runtime's own time per tool step (target ≤ 5 ms).

A real proxy (one worker) runs agent turns from its internal endpoint; the fake OpenAI
provider answers each turn with one tool call, then text; the tool is a real MCP server (the
suite's fake, on loopback, the `mcp` SDK). Each turn's `done` event reports, per tool step,
the step's wall time minus the time spent waiting on the model's stream and minus the
tool's own time (as `call_tool` measured it): what is left is the runtime's own work —
parsing the model's calls, checking arguments against the schema, events, recording the
call in Postgres, building the next request. The figure is the p50 over every step of
every measured turn, after warm-up turns; its spread over rounds is reported beside it.
"""

import json
import sys
import time
from typing import Any

import httpx

from bench.common import (
    BENCH_REDIS_URL,
    MASTER_KEY,
    Child,
    Context,
    Result,
    base_env,
    create_tenant_with_agent,
    free_port,
    log,
    median,
    percentile,
    result,
    spread,
)
from bench.gateway import provider_env, start_fake
from tests.fakes.mcp_server import DEFAULT_TOKEN, MCPFake

BRIDGE_KEY = "bench-bridge-key-not-for-production"
TARGET_MS = 5.0
LOOKUP = {"name": "lookup_order", "arguments": {"order_id": "A-1001"}}


def _proxy(fake_url: str, app_url: str, admin_url: str) -> tuple[Child, str]:
    port = free_port()
    env = base_env(
        PROXY_PORT=str(port),
        PROXY_WORKERS="1",
        DATABASE_URL=app_url,
        DATABASE_ADMIN_URL=admin_url,
        REDIS_URL=BENCH_REDIS_URL,
        KONSTRUCT_MASTER_KEY=MASTER_KEY,
        KONSTRUCT_BRIDGE_KEY=BRIDGE_KEY,
        KONSTRUCT_TOOLS_ALLOW_PRIVATE_TARGETS="true",
        **provider_env(fake_url),
    )
    child = Child("konstruct-runtime", [sys.executable, "-m", "proxy.serve"], env)
    return child, f"http://127.0.0.1:{port}"


def _setup(url: str, mcp: MCPFake) -> tuple[str, str]:
    """A tenant whose agent has the MCP server's lookup tool (run automatically)."""
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as admin:
        tenant_id, agent_id = create_tenant_with_agent(admin, "Bench Runtime")
        server = admin.post(
            f"/admin/tenants/{tenant_id}/mcp-servers",
            json={"name": "orders", "url": mcp.mcp_url, "bearer_token": DEFAULT_TOKEN},
        )
        server.raise_for_status()
        assigned = admin.put(
            f"/admin/tenants/{tenant_id}/agents/{agent_id}/tools",
            json={
                "tools": [
                    {
                        "mcp_server_id": server.json()["id"],
                        "mcp_tool_name": "lookup_order",
                        "policy": "auto",
                    }
                ]
            },
        )
        assigned.raise_for_status()
    return tenant_id, agent_id


def _turn(client: httpx.Client, tenant_id: str, agent_id: str, n: int) -> dict[str, Any]:
    body = {
        "agent_id": agent_id,
        "channel_id": "CBENCH",
        "thread_id": f"1700000000.{n:06d}",
        "text": "Where is order A-1001?",
        "sender_id": "UBENCH",
        "source_event_id": f"EvBench{n:06d}",
    }
    done: dict[str, Any] = {}
    with client.stream("POST", f"/internal/tenants/{tenant_id}/agent-turns", json=body) as answer:
        answer.raise_for_status()
        for line in answer.iter_lines():
            if line.strip():
                event = json.loads(line)
                if event["type"] == "done":
                    done = event
    if not done.get("from_model") or not done.get("step_overhead_ms"):
        raise RuntimeError(f"a benchmark turn did not use its tool: {done}")
    return done


def run(ctx: Context) -> list[Result]:
    rounds, per_round, warm = (2, 10, 3) if ctx.quick else (5, 40, 10)
    admin_url, app_url = ctx.scratch_database()
    fake, fake_url = start_fake()
    mcp = MCPFake().start()
    proxy, url = _proxy(fake_url, app_url, admin_url)
    try:
        log(f"agent_runtime: proxy healthy in {proxy.wait_healthy(f'{url}/healthz', 300):.1f}s")
        tenant_id, agent_id = _setup(url, mcp)
        turns = warm + rounds * per_round
        # Each turn: the model asks for the tool, then (offered tools again) answers text.
        script = {"tool_calls_script": [[LOOKUP], []] * turns, "reply_text": "It has shipped."}
        httpx.post(f"{fake_url}/_fake/script", json=script, timeout=10).raise_for_status()
        headers = {"Authorization": f"Bearer {BRIDGE_KEY}"}
        steps: list[float] = []
        round_p50s: list[float] = []
        with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
            for n in range(warm):
                _turn(client, tenant_id, agent_id, n)
            t0 = time.monotonic()
            for r in range(rounds):
                this_round: list[float] = []
                for i in range(per_round):
                    n = warm + r * per_round + i
                    this_round += _turn(client, tenant_id, agent_id, n)["step_overhead_ms"]
                steps += this_round
                round_p50s.append(median(this_round))
        log(f"agent_runtime: {len(steps)} tool steps in {time.monotonic() - t0:.1f}s")
        if len(mcp.tool_calls) < len(steps):
            raise RuntimeError("the MCP server ran fewer tools than the steps measured")
    finally:
        proxy.stop()
        mcp.stop()
        fake.stop()
    p50 = round(median(steps), 3)
    return [
        result(
            "agent_tool_step_overhead_ms",
            p50,
            "ms",
            target_max=TARGET_MS,
            meets_target=p50 <= TARGET_MS,
            p90=round(percentile(steps, 90), 3),
            steps=len(steps),
            rounds=spread(round_p50s, 3),
            what="runtime's own time per tool step (model stream and tool time excluded)",
        )
    ]
