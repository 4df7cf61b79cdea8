"""One agent turn: the message stored, the thread loaded, the prompt composed, the model
asked through the gateway, the agent's tools run (with approvals), the answer stored, and
every step streamed as events (proxy/features/runtime/schemas.py).

Two callers, one turn: the Slack bridge (`slack_turn`: stored as the thread's history, run
once per source event, so a replay after the answer was stored only repeats `done`) and the
portal's "try it" (`try_turn`: a draft agent and a conversation that is not stored).

A saved agent speaks through the gateway's persona hook (`X-Konstruct-Agent`: its system
prompt, model tier, usage per agent, and the AI-disclosure guard on every answer); a
draft, which the gateway does not know, gets its prompt composed and its answer guarded
here, so the disclosure holds for every turn. (One guard per answer: two in a row would
each hold back the last words, and a stream would show nothing until its end.)
"""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from uuid import UUID, uuid4

from policies.approvals import APPROVE, EXPIRED, PENDING, expired_text, may_decide
from policies.disclosure import StreamGuard
from policies.limits import MODEL_TIER_GROUPS
from policies.persona import TOOLS_RULE, compose_system_prompt
from policies.turns import APPROVAL_EXPIRED, DEADLINE, FAILED, STEP_LIMIT, error_text
from proxy.core.crypto import DecryptionError
from proxy.core.errors import Conflict, Forbidden, Invalid, NotFound
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.agents.repository import AgentRepository
from proxy.features.audit.service import record
from proxy.features.conversations import service as conversations
from proxy.features.runtime.calls import CallContext, Clock, finish_recording, run_step
from proxy.features.runtime.model import Gateway, Step
from proxy.features.runtime.repository import ApprovalRepository, ToolCallRepository
from proxy.features.runtime.schemas import (
    ChatMessage,
    Decision,
    DecisionIn,
    DraftAgent,
    Event,
    ToolCallUsage,
    TryIn,
    TurnIn,
    event,
)
from proxy.features.tenants.repository import TenantRepository
from proxy.features.tools.agent_tools import AgentTool, tools_for_agent
from proxy.gateway.services import persona_of

log = logging.getLogger(__name__)

HISTORY_LIMIT: Final = 50
THINKING: Final = "Thinking…"


@dataclass(frozen=True)
class TurnAgent:
    """The agent of one turn, as the runtime needs it."""

    name: str
    model_tier: str
    max_tool_steps: int
    turn_deadline_seconds: int
    approver_ids: list[str]
    # A saved agent (the gateway gives it its persona); None: a draft.
    agent_id: UUID | None
    # A draft's composed system prompt; None for a saved agent.
    system_prompt: str | None = None
    # Whose tools the turn may use.
    tools_of: UUID | None = None


@dataclass
class Ending:
    text: str
    from_model: bool = False
    error: str | None = None


@dataclass
class Turn:
    """Everything one turn needs, and what it measured."""

    runtime: Runtime
    tenant_id: UUID
    agent: TurnAgent
    messages: list[dict[str, Any]]
    turn_id: str
    requested_by: str
    model_group: str | None = None
    model_id: str | None = None
    step_overhead_ms: list[float] = field(default_factory=list)
    # The agent's tools when the caller read them already (else the turn reads them).
    tools: list[AgentTool] | None = None


class _Gateways:
    """One gateway client per process (its connection pool is shared by every turn)."""

    client: Gateway | None = None


def gateway(runtime: Runtime) -> Gateway:
    if _Gateways.client is None:
        _Gateways.client = Gateway(runtime.settings)
    return _Gateways.client


def _wire(tool: AgentTool) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        },
    }


class _Unguarded:
    """A saved agent's answer as the gateway sent it: its persona hook guarded it."""

    def __init__(self) -> None:
        self.has_text = False

    def push(self, delta: str) -> str:
        self.has_text = self.has_text or bool(delta.strip())
        return delta

    def close(self) -> str:
        return ""


def _question(messages: list[dict[str, Any]]) -> str | None:
    return next((str(m["content"]) for m in reversed(messages) if m["role"] == "user"), None)


Emit = Callable[[Event], Awaitable[None]]
OnAnswer = Callable[[str], Awaitable[None]] | None


async def stream_turn(turn: Turn, *, on_answer: OnAnswer = None) -> AsyncIterator[Event]:
    """The turn's events as they happen; it runs in a task of its own, so the turn's deadline
    never fires while the caller is busy with an event, and a caller that goes away (its
    connection closed) cancels the turn."""
    queue: asyncio.Queue[Event | None] = asyncio.Queue()
    task = asyncio.create_task(_run(turn, queue.put, on_answer))
    task.add_done_callback(lambda _: queue.put_nowait(None))
    try:
        while (item := await queue.get()) is not None:
            yield item
        await task
    finally:
        if not task.done():
            task.cancel()


async def _run(turn: Turn, emit: Emit, on_answer: OnAnswer) -> None:
    await emit(event("status", text=THINKING))
    try:
        async with asyncio.timeout(turn.agent.turn_deadline_seconds) as timeout:
            ending = await _loop(turn, Clock(timeout), emit)
    except TimeoutError:
        ending = Ending(error_text(DEADLINE), error=DEADLINE)
    except Exception:  # the person must still get an answer: an apology, never silence
        log.exception("agent turn %s failed", turn.turn_id)
        ending = Ending(error_text(FAILED), error=FAILED)
    if ending.from_model and on_answer is not None:
        await on_answer(ending.text)
    await emit(
        event(
            "done",
            text=ending.text,
            from_model=ending.from_model,
            error=ending.error,
            replayed=False,
            model_group=turn.model_group,
            model_id=turn.model_id,
            step_overhead_ms=[round(ms, 3) for ms in turn.step_overhead_ms],
        )
    )


async def _loop(turn: Turn, clock: Clock, emit: Emit) -> Ending:
    runtime, agent = turn.runtime, turn.agent
    tools = turn.tools if turn.tools is not None else await _tools(runtime, turn.tenant_id, agent)
    conversation: list[dict[str, Any]] = []
    if agent.system_prompt is not None:
        conversation.append({"role": "system", "content": agent.system_prompt})
    if tools:
        conversation.append({"role": "system", "content": TOOLS_RULE})
    conversation += turn.messages
    guard: StreamGuard | _Unguarded = (
        _Unguarded()
        if agent.agent_id is not None
        else StreamGuard(question=_question(turn.messages), agent_name=agent.name)
    )
    ctx = CallContext(
        runtime=runtime,
        tenant_id=turn.tenant_id,
        agent_id=agent.tools_of,
        turn_id=turn.turn_id,
        requested_by=turn.requested_by,
        approver_ids=agent.approver_ids,
        tools={tool.name: tool for tool in tools},
        clock=clock,
        emit=emit,
    )

    try:
        return await _steps(turn, ctx, conversation, guard)
    finally:
        # Shielded: a cancelled turn still leaves the record of the calls it made.
        await asyncio.shield(finish_recording(ctx))


async def _steps(
    turn: Turn,
    ctx: CallContext,
    conversation: list[dict[str, Any]],
    guard: "StreamGuard | _Unguarded",
) -> Ending:
    """The model asked, its tool calls run, until it answers (or a limit ends the turn)."""
    agent, tools, clock, emit = turn.agent, list(ctx.tools.values()), ctx.clock, ctx.emit
    client = gateway(turn.runtime)
    key = await client.key(turn.runtime, turn.tenant_id)
    shown: list[str] = []
    fresh = [False]

    async def say(delta: str) -> None:
        if fresh[0]:
            # A later step's text is a new paragraph of the same answer.
            fresh[0] = False
            if guard.has_text:
                delta = "\n\n" + delta.lstrip()
        released = guard.push(delta)
        if released:
            shown.append(released)
            await emit(event("text", delta=released))

    for step_number in range(agent.max_tool_steps + 1):
        started = time.perf_counter()
        waited = 0.0
        fresh[0] = True
        stream = client.step(
            key,
            model=MODEL_TIER_GROUPS.get(agent.model_tier, MODEL_TIER_GROUPS["fast"]),
            messages=conversation,
            tools=[_wire(tool) for tool in tools],
            agent_id=agent.agent_id,
            timeout=max(1.0, clock.remaining()),
        )
        step = Step(error=FAILED)
        while True:
            asked = time.perf_counter()
            try:
                item = await anext(stream)
            except StopAsyncIteration:
                break
            finally:
                waited += time.perf_counter() - asked
            if isinstance(item, Step):
                step = item
            else:
                await say(item)
        turn.model_group, turn.model_id = step.model_group or turn.model_group, step.model_id
        if step.error is not None:
            return Ending(error_text(step.error), error=step.error)
        if not step.tool_calls:
            break
        if step_number == agent.max_tool_steps:
            return Ending(error_text(STEP_LIMIT), error=STEP_LIMIT)
        conversation.append(
            {
                "role": "assistant",
                "content": step.text or None,
                "tool_calls": [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.arguments or "{}"},
                    }
                    for call in step.tool_calls
                ],
            }
        )
        tool_ms_before = ctx.tool_ms
        conversation += await run_step(ctx, step.tool_calls)
        if ctx.expired:
            return Ending(expired_text(ctx.expired[0].status_text), error=APPROVAL_EXPIRED)
        # The runtime's own time in this step: neither the model's nor the tools'.
        spent = (time.perf_counter() - started) * 1000
        turn.step_overhead_ms.append(spent - waited * 1000 - (ctx.tool_ms - tool_ms_before))
    rest = guard.close()
    if rest:
        shown.append(rest)
        await emit(event("text", delta=rest))
    answer = "".join(shown).strip()
    if not answer:
        return Ending(error_text(FAILED), error=FAILED)
    return Ending(answer, from_model=True)


async def _tools(runtime: Runtime, tenant_id: UUID, agent: TurnAgent) -> list[AgentTool]:
    return await tools_for_agent(runtime, tenant_id, agent.tools_of) if agent.tools_of else []


async def _agent_row(runtime: Runtime, tenant_id: UUID, agent_id: UUID) -> Any:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await AgentRepository(conn).get(agent_id)
    if row is None or not row.is_active:
        raise NotFound("No active agent with this id in this tenant.")
    return row


def _saved(row: Any) -> TurnAgent:
    return TurnAgent(
        name=row.name,
        model_tier=row.model_tier,
        max_tool_steps=row.max_tool_steps,
        turn_deadline_seconds=row.turn_deadline_seconds,
        approver_ids=list(row.approver_ids),
        agent_id=row.id,
        tools_of=row.id,
    )


async def slack_turn(runtime: Runtime, tenant_id: UUID, body: TurnIn) -> AsyncIterator[Event]:
    """A channel message answered by its agent, once per source event (raises NotFound
    before anything streams if the agent is not there)."""
    agent = _saved(await _agent_row(runtime, tenant_id, body.agent_id))
    # The message is stored while the thread and the agent's tools are read, each in its own
    # transaction (the model is asked that much sooner): the history read may or may not see
    # the message, and it is added below when it did not.
    _, history, tools = await asyncio.gather(
        conversations.store_message(
            runtime,
            tenant_id,
            channel_type=body.channel_type,
            channel_id=body.channel_id,
            thread_id=body.thread_id,
            role="user",
            text=body.text,
            sender_id=body.sender_id,
            source_event_id=body.source_event_id,
        ),
        conversations.thread_history(
            runtime,
            tenant_id,
            channel_type=body.channel_type,
            channel_id=body.channel_id,
            thread_id=body.thread_id,
            limit=HISTORY_LIMIT,
        ),
        _tools(runtime, tenant_id, agent),
    )
    stored = next(
        (
            item.text
            for item in history
            if item.role == "assistant" and item.source_event_id == body.source_event_id
        ),
        None,
    )
    if stored is not None:
        return _replay(stored)
    messages = [{"role": item.role, "content": item.text} for item in history]
    if not any(
        item.role == "user" and item.source_event_id == body.source_event_id for item in history
    ):
        messages.append({"role": "user", "content": body.text})

    async def keep(answer: str) -> None:
        await conversations.store_message(
            runtime,
            tenant_id,
            channel_type=body.channel_type,
            channel_id=body.channel_id,
            thread_id=body.thread_id,
            role="assistant",
            text=answer,
            sender_id=body.bot_user_id,
            source_event_id=body.source_event_id,
            agent_id=agent.agent_id,
        )

    turn = Turn(
        runtime,
        tenant_id,
        agent,
        messages,
        turn_id=body.source_event_id,
        requested_by=body.sender_id,
        tools=tools,
    )
    return stream_turn(turn, on_answer=keep)


async def _replay(text: str) -> AsyncIterator[Event]:
    yield event(
        "done",
        text=text,
        from_model=True,
        error=None,
        replayed=True,
        model_group=None,
        model_id=None,
        step_overhead_ms=[],
    )


async def draft_prompt(runtime: Runtime, tenant_id: UUID, draft: DraftAgent) -> str:
    """The system prompt a draft agent would get."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        tenant = await TenantRepository(conn).get(tenant_id)
    if tenant is None:
        raise NotFound("No such tenant.")
    fields = draft.model_dump()
    fields["escalation_rules"] = [
        {**rule, "keywords": [k.lower() for k in rule["keywords"]]}
        for rule in fields["escalation_rules"]
    ]
    return compose_system_prompt(persona_of(fields), tenant_name=tenant.name)


async def try_turn(
    runtime: Runtime, tenant_id: UUID, body: TryIn, *, requested_by: str
) -> AsyncIterator[Event]:
    """'Try it': a draft agent answers a conversation; nothing is stored as history."""
    if body.messages[-1].role != "user":
        raise Invalid("The conversation must end with the person's message.")
    if body.agent_id is not None:
        await _agent_row(runtime, tenant_id, body.agent_id)
    draft = body.agent
    agent = TurnAgent(
        name=draft.name,
        model_tier=draft.model_tier,
        max_tool_steps=draft.max_tool_steps,
        turn_deadline_seconds=draft.turn_deadline_seconds,
        approver_ids=list(draft.approver_ids),
        agent_id=None,
        system_prompt=await draft_prompt(runtime, tenant_id, draft),
        tools_of=body.agent_id,
    )
    messages = [_message(m) for m in body.messages]
    turn = Turn(runtime, tenant_id, agent, messages, f"try-{uuid4()}", requested_by=requested_by)
    return stream_turn(turn)


def _message(message: ChatMessage) -> dict[str, Any]:
    return {"role": message.role, "content": message.content}


async def saved_turn(
    runtime: Runtime, tenant_id: UUID, agent_id: UUID, text: str, *, requested_by: str
) -> AsyncIterator[Event]:
    """One message to a saved agent, as it is (the Designer's single-message "try")."""
    agent = _saved(await _agent_row(runtime, tenant_id, agent_id))
    messages = [{"role": "user", "content": text}]
    turn = Turn(runtime, tenant_id, agent, messages, f"try-{uuid4()}", requested_by=requested_by)
    return stream_turn(turn)


async def decide(
    runtime: Runtime,
    tenant_id: UUID,
    approval_id: UUID,
    body: DecisionIn,
    *,
    principal: Principal,
) -> Decision:
    """A person's answer to an "ask first" call: only the person who asked or one of the
    agent's approvers decides, once; a retried or late click changes nothing."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        approvals = ApprovalRepository(conn, runtime.data_keys.of(tenant_id))
        try:
            row = await approvals.get(approval_id)
        except DecryptionError as exc:  # changed outside Konstruct, or its key is gone
            raise Conflict("This approval cannot be read, so it cannot be decided.") from exc
        if row is None:
            raise NotFound("No such approval.")
        if not may_decide(
            body.user_id, requested_by=row.requested_by, approver_ids=row.approver_ids
        ):
            raise Forbidden("Only the person who asked, or an approver of this agent, can decide.")
        decided = await approvals.decide(
            approval_id, approve=body.decision == APPROVE, user_id=body.user_id
        )
        if decided is not None:
            await record(
                conn,
                principal,
                f"approval.{body.decision}",
                tenant_id=tenant_id,
                target=row.tool_name,
                detail={"approval_id": str(approval_id), "decided_by": body.user_id},
            )
    now = decided or row
    status = now.status
    if status == PENDING and now.expires_at <= datetime.now(UTC):
        status = EXPIRED
    return Decision(
        approval_id=approval_id,
        status=status,
        decided_by=now.decided_by,
        tool_name=now.tool_name,
        status_text=now.status_text,
        changed=decided is not None,
    )


async def tool_call_usage(runtime: Runtime, tenant_id: UUID, days: int) -> list[ToolCallUsage]:
    since = datetime.now(UTC) - timedelta(days=days)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await ToolCallRepository(conn).per_agent(since)
    return [ToolCallUsage.model_validate(row) for row in rows]
