"""One step's tool calls: checked against their schema, run (in parallel) with a timeout and
a result cap, paused for a person's approval under the "ask first" policy, recorded, and
fed back to the model as fenced, untrusted tool results (failures too).

An approved call runs at most once, whatever is replayed: the runner claims it by a
conditional update (approved -> running) and stores what it answered (sealed) in the same
row, and the run is shielded from the turn's cancellation (a bridge worker that dies
mid-turn), so a replayed turn finds the result instead of running the tool again.
"""

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Final
from uuid import UUID

import jsonschema  # type: ignore[import-untyped]

from policies.approvals import (
    APPROVED,
    DENIED,
    DONE,
    EXPIRED,
    PENDING,
    RUNNING,
    denied_result,
    unknown_result,
)
from policies.persona import fence_tool_result
from proxy.core.runtime import Runtime
from proxy.features.runtime.model import ToolCallRequest
from proxy.features.runtime.repository import ApprovalRepository, ToolCallRepository
from proxy.features.runtime.schemas import Event, event, when
from proxy.features.tools.agent_tools import AgentTool, ToolResult, call_tool, redact_arguments

log = logging.getLogger(__name__)

# How often a waiting turn looks at its approval, and says it is still waiting.
APPROVAL_POLL_SECONDS: Final = 0.25
KEEPALIVE_SECONDS: Final = 15.0
EXCERPT_CHARS: Final = 300
TIMEOUT_PREFIX: Final = "The tool did not answer within"

Emit = Callable[[Event], Awaitable[None]]


@dataclass
class Clock:
    """The turn's deadline, paused while a person decides (their time is not the agent's)."""

    timeout: asyncio.Timeout
    _waiting: int = 0
    _since: float = 0.0

    def remaining(self) -> float:
        when_ = self.timeout.when()
        return max(0.0, when_ - asyncio.get_running_loop().time()) if when_ else 3600.0

    def pause(self) -> None:
        if self._waiting == 0:
            self._since = asyncio.get_running_loop().time()
        self._waiting += 1

    def resume(self) -> None:
        self._waiting -= 1
        when_ = self.timeout.when()
        if self._waiting == 0 and when_ is not None:
            self.timeout.reschedule(when_ + asyncio.get_running_loop().time() - self._since)


@dataclass
class CallContext:
    """What a step's calls share: whose turn it is and what the agent may use."""

    runtime: Runtime
    tenant_id: UUID
    agent_id: UUID | None
    turn_id: str
    requested_by: str
    approver_ids: list[str]
    tools: dict[str, AgentTool]
    clock: Clock
    emit: Emit
    # Set when an "ask first" call expired: the turn then ends saying it could not go ahead.
    expired: list[AgentTool] = field(default_factory=list)
    tool_ms: float = 0.0
    # Each step's record of its calls, written while the model takes the next step; the
    # turn awaits them all before it is done.
    recording: list[asyncio.Task[None]] = field(default_factory=list)


@dataclass
class Outcome:
    ok: bool
    outcome: str
    text: str
    duration_ms: float


@lru_cache(maxsize=512)
def _validator(schema_json: str) -> Any:
    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def check_arguments(tool: AgentTool, raw: str) -> tuple[dict[str, Any] | None, str]:
    """The arguments as an object, or None and what is wrong with them (for the model)."""
    try:
        arguments = json.loads(raw or "{}")
    except ValueError:
        return None, "The arguments are not valid JSON."
    if not isinstance(arguments, dict):
        return None, "The arguments must be a JSON object."
    validator = _validator(json.dumps(tool.parameters, sort_keys=True))
    error = jsonschema.exceptions.best_match(validator.iter_errors(arguments))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "arguments"
        return None, f"Invalid arguments ({where}): {error.message}"
    return arguments, ""


def _outcome_of(result: ToolResult) -> Outcome:
    kind = "ok" if result.ok else "timeout" if result.text.startswith(TIMEOUT_PREFIX) else "error"
    return Outcome(result.ok, kind, result.text, result.duration_ms)


async def run_step(ctx: CallContext, calls: list[ToolCallRequest]) -> list[dict[str, Any]]:
    """Run a step's calls at once; the tool messages to give the model, in the calls' order."""
    records: list[dict[str, Any]] = []
    outcomes = await asyncio.gather(*(_one(ctx, call, records) for call in calls))
    # The tools' own time (they run at once: the longest), as call_tool measured it.
    ctx.tool_ms += max((outcome.duration_ms for outcome in outcomes), default=0.0)
    ctx.recording.append(asyncio.create_task(_record(ctx, records)))
    return [
        {
            "role": "tool",
            "tool_call_id": call.id,
            "content": fence_tool_result(call.name, outcome.text, ok=outcome.ok),
        }
        for call, outcome in zip(calls, outcomes, strict=True)
    ]


async def _record(ctx: CallContext, records: list[dict[str, Any]]) -> None:
    async with ctx.runtime.db.tenant_transaction(ctx.tenant_id) as conn:
        await ToolCallRepository(conn, ctx.runtime.data_keys.of(ctx.tenant_id)).add(records)


async def finish_recording(ctx: CallContext) -> None:
    """Every step's record written (a failed write is logged, never the turn's end)."""
    for outcome in await asyncio.gather(*ctx.recording, return_exceptions=True):
        if isinstance(outcome, BaseException):
            log.error("could not record tool calls of turn %s: %r", ctx.turn_id, outcome)
    ctx.recording.clear()


async def _one(ctx: CallContext, call: ToolCallRequest, records: list[dict[str, Any]]) -> Outcome:
    tool = ctx.tools.get(call.name)
    arguments, problem = (None, "") if tool is None else check_arguments(tool, call.arguments)
    shown = redact_arguments(tool, arguments) if tool is not None and arguments else {}
    await ctx.emit(
        event(
            "tool_started",
            call_id=call.id,
            name=call.name,
            status_text=tool.status_text if tool else "",
            arguments=shown,
        )
    )
    approval_id: UUID | None = None
    if tool is None:
        outcome = Outcome(False, "invalid", f"There is no tool named {call.name!r}.", 0.0)
    elif arguments is None:
        outcome = Outcome(False, "invalid", problem, 0.0)
    elif tool.policy == "ask":
        approval_id, outcome = await _with_approval(ctx, tool, arguments, shown, call.id)
    else:
        outcome = _outcome_of(await _call(ctx, tool, arguments))
    await ctx.emit(
        event(
            "tool_finished",
            call_id=call.id,
            name=call.name,
            ok=outcome.ok,
            outcome=outcome.outcome,
            duration_ms=round(outcome.duration_ms, 1),
            excerpt=outcome.text[:EXCERPT_CHARS],
        )
    )
    records.append(
        {
            "tenant_id": ctx.tenant_id,
            "agent_id": ctx.agent_id,
            "turn_id": ctx.turn_id,
            "tool_name": call.name[:64],
            "requested_by": ctx.requested_by,
            "arguments": shown,
            "outcome": outcome.outcome,
            "duration_ms": int(outcome.duration_ms),
            "approval_id": approval_id,
        }
    )
    return outcome


async def _call(ctx: CallContext, tool: AgentTool, arguments: dict[str, Any]) -> ToolResult:
    settings = ctx.runtime.settings
    return await call_tool(
        ctx.runtime,
        ctx.tenant_id,
        tool,
        arguments,
        timeout_seconds=max(
            0.1, min(settings.konstruct_tool_timeout_seconds, ctx.clock.remaining())
        ),
        max_result_chars=settings.konstruct_tool_result_max_chars,
    )


async def _with_approval(
    ctx: CallContext,
    tool: AgentTool,
    arguments: dict[str, Any],
    shown: dict[str, Any],
    call_id: str,
) -> tuple[UUID, Outcome]:
    runtime, tenant_id = ctx.runtime, ctx.tenant_id
    expires = datetime.now(UTC) + timedelta(
        seconds=runtime.settings.konstruct_approval_timeout_seconds
    )
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await ApprovalRepository(conn, runtime.data_keys.of(tenant_id)).ensure(
            tenant_id=tenant_id,
            turn_id=ctx.turn_id,
            agent_id=ctx.agent_id,
            tool_name=tool.name,
            status_text=tool.status_text,
            arguments=arguments,
            requested_by=ctx.requested_by,
            approver_ids=ctx.approver_ids,
            expires_at=expires,
        )
    approval_id: UUID = row.id
    if row.status == PENDING:
        await ctx.emit(
            event(
                "approval_needed",
                approval_id=str(approval_id),
                call_id=call_id,
                name=tool.name,
                status_text=tool.status_text,
                arguments=shown,
                requested_by=row.requested_by,
                approver_ids=list(row.approver_ids),
                expires_at=when(row.expires_at),
            )
        )
        row = await _wait_for_decision(ctx, approval_id)
        await ctx.emit(
            event(
                "approval_resolved",
                approval_id=str(approval_id),
                status=row.status,
                decided_by=row.decided_by,
            )
        )
    if row.status == EXPIRED:
        ctx.expired.append(tool)
        return approval_id, Outcome(False, "expired", "Nobody approved this in time; not run.", 0)
    if row.status == DENIED:
        return approval_id, Outcome(False, "denied", denied_result(row.decided_by or ""), 0.0)
    if row.status == APPROVED:
        return approval_id, await _run_approved(ctx, tool, arguments, approval_id)
    return approval_id, await _result_of_earlier_run(ctx, approval_id)


async def _wait_for_decision(ctx: CallContext, approval_id: UUID) -> Any:
    runtime, tenant_id = ctx.runtime, ctx.tenant_id
    ctx.clock.pause()
    try:
        said = time.monotonic()
        while True:
            async with runtime.db.tenant_transaction(tenant_id) as conn:
                approvals = ApprovalRepository(conn, runtime.data_keys.of(tenant_id))
                row = await approvals.get(approval_id)
                if (
                    row is not None
                    and row.status == PENDING
                    and row.expires_at <= datetime.now(UTC)
                ):
                    await approvals.expire(approval_id)
                    row = await approvals.get(approval_id)
            if row is None or row.status != PENDING:
                return row
            if time.monotonic() - said >= KEEPALIVE_SECONDS:
                # A line now and then keeps the bridge's read of the stream from timing out.
                await ctx.emit(event("status", text="Waiting for approval…"))
                said = time.monotonic()
            await asyncio.sleep(APPROVAL_POLL_SECONDS)
    finally:
        ctx.clock.resume()


async def _run_approved(
    ctx: CallContext, tool: AgentTool, arguments: dict[str, Any], approval_id: UUID
) -> Outcome:
    runtime, tenant_id = ctx.runtime, ctx.tenant_id
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        claimed = await ApprovalRepository(conn).claim(approval_id)
    if not claimed:
        return await _result_of_earlier_run(ctx, approval_id)

    async def run_and_keep() -> Outcome:
        outcome = _outcome_of(await _call(ctx, tool, arguments))
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            await ApprovalRepository(conn, runtime.data_keys.of(tenant_id)).finish(
                approval_id, result=(outcome.outcome, outcome.text), ok=outcome.ok
            )
        return outcome

    # Shielded: the tool has been asked; its answer is kept even if this turn is cancelled.
    return await asyncio.shield(asyncio.ensure_future(run_and_keep()))


async def _result_of_earlier_run(ctx: CallContext, approval_id: UUID) -> Outcome:
    """The result an earlier run of this turn kept; a run that never finished (its process
    died) is marked done with an unknown end, once, and never run again."""
    runtime, tenant_id = ctx.runtime, ctx.tenant_id
    patience = runtime.settings.konstruct_tool_timeout_seconds + 5
    deadline = time.monotonic() + patience
    while True:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            approvals = ApprovalRepository(conn, runtime.data_keys.of(tenant_id))
            row = await approvals.get(approval_id)
            if row is not None and row.status == RUNNING and time.monotonic() >= deadline:
                await approvals.finish(approval_id, result=None, ok=None)
                row = await approvals.get(approval_id)
        if row is None or row.status != RUNNING:
            break
        await asyncio.sleep(APPROVAL_POLL_SECONDS)
    if row is None or row.status != DONE or row.result is None:
        return Outcome(False, "unknown", unknown_result(), 0.0)
    kind, text = row.result
    return Outcome(bool(row.result_ok), kind, text, 0.0)
