"""The agent runtime's request bodies and the events a turn streams (NDJSON, one per line).

Events, in the order a turn may emit them:
- `status` {text}: what the agent is doing ("Thinking…", "Waiting for approval…").
- `text` {delta}: more of the answer, already through the AI-disclosure guard.
- `tool_started` {call_id, name, status_text, arguments}: a tool call begins (arguments the
  tool's schema marks secret are redacted).
- `approval_needed` {approval_id, call_id, name, status_text, arguments, requested_by,
  approver_ids, expires_at}: an "ask first" call waits for a person.
- `approval_resolved` {approval_id, status, decided_by}: approved, denied or expired.
- `tool_finished` {call_id, name, ok, outcome, duration_ms, excerpt}.
- `done` {text, from_model, error, replayed, model_group, model_id, step_overhead_ms}: the
  final answer (or, with `from_model` false, what the agent says instead; `error` names why:
  budget_exhausted, busy, failed, step_limit, deadline, approval_expired).
"""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from proxy.features.agents.schemas import AgentCreate
from proxy.features.api.schemas import Input, Output, SlackId

ChannelType = Literal["slack"]
ThreadId = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[0-9.]+$")]
EventId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
MessageText = Annotated[str, StringConstraints(max_length=100_000)]


class TurnIn(Input):
    """One message from a channel for an agent to answer (the bridge's call)."""

    agent_id: UUID
    channel_type: ChannelType = "slack"
    channel_id: SlackId
    thread_id: ThreadId
    text: MessageText
    sender_id: Annotated[str, StringConstraints(max_length=64)] = ""
    # The id the channel gave the message: a turn runs once per source event.
    source_event_id: EventId
    # Who the agent's stored answer is from (the Slack bot user).
    bot_user_id: Annotated[str, StringConstraints(max_length=64)] = ""


class ChatMessage(Input):
    role: Literal["user", "assistant"]
    content: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class DraftAgent(AgentCreate):
    """The Agent Designer's unsaved fields (slug, default and active flags do not matter here)."""


class TryIn(Input):
    """'Try it': a draft agent and a conversation so far; nothing is stored as Slack history.
    `agent_id` names the saved agent whose tools the draft uses (none: no tools)."""

    agent: DraftAgent
    agent_id: UUID | None = None
    messages: list[ChatMessage] = Field(min_length=1, max_length=50)


class DraftPreview(Output):
    system_prompt: str


class OperatorDecisionIn(Input):
    decision: Literal["approve", "deny"]


class DecisionIn(OperatorDecisionIn):
    # The Slack user who clicked (the bridge's call).
    user_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Decision(Output):
    approval_id: UUID
    status: str
    decided_by: str | None
    tool_name: str
    status_text: str
    # False when the approval was decided before (a retried click, or too late).
    changed: bool


class ToolCallUsage(Output):
    agent_id: UUID | None
    agent_name: str | None
    tool_name: str
    calls: int
    failed: int
    duration_ms: int


Event = dict[str, Any]


def event(kind: str, **fields: Any) -> Event:
    return {"type": kind, **fields}


def when(moment: datetime) -> str:
    return moment.isoformat()
