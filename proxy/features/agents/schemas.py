"""Admin API models for agents (every Agent Designer field)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from proxy.features.api.schemas import Input, LongText, Name, Output, SlackId, Slug

ModelTier = Literal["fast", "quality"]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Target = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^\S+$")
]


class EscalationRuleIn(Input):
    keywords: list[Keyword] = Field(min_length=1, max_length=50)
    target_type: Literal["user", "channel"]
    target: Target
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class EscalationRuleOut(Output):
    keywords: list[str]
    target_type: Literal["user", "channel"]
    target: str
    note: str


# A turn's limits (defaults and bounds match the agents table in migration 0004).
DEFAULT_MAX_TOOL_STEPS = 8
DEFAULT_TURN_DEADLINE_SECONDS = 90
MaxToolSteps = Annotated[int, Field(ge=1, le=50)]
TurnDeadline = Annotated[int, Field(ge=5, le=600)]
Approvers = Annotated[list[SlackId], Field(max_length=20)]


class AgentCreate(Input):
    name: Name
    slug: Slug | None = None
    role: Annotated[str, StringConstraints(max_length=200)] = ""
    persona: LongText = ""
    system_prompt: LongText = ""
    # What the agent is hired to do, and the work it delivers: fenced operator guidance.
    job_description: LongText = ""
    statement_of_work: LongText = ""
    # Model calls that may ask for tools in one turn, and the turn's total time.
    max_tool_steps: MaxToolSteps = DEFAULT_MAX_TOOL_STEPS
    turn_deadline_seconds: TurnDeadline = DEFAULT_TURN_DEADLINE_SECONDS
    # Slack users who may approve an "ask first" tool call besides the person who asked.
    approver_ids: Approvers = Field(default_factory=list)
    escalation_rules: list[EscalationRuleIn] = Field(default_factory=list, max_length=50)
    model_tier: ModelTier = "fast"
    is_default: bool = False
    is_active: bool = True


class AgentUpdate(Input):
    name: Name | None = None
    slug: Slug | None = None
    role: Annotated[str, StringConstraints(max_length=200)] | None = None
    persona: LongText | None = None
    system_prompt: LongText | None = None
    job_description: LongText | None = None
    statement_of_work: LongText | None = None
    max_tool_steps: MaxToolSteps | None = None
    turn_deadline_seconds: TurnDeadline | None = None
    approver_ids: Approvers | None = None
    escalation_rules: list[EscalationRuleIn] | None = Field(default=None, max_length=50)
    model_tier: ModelTier | None = None
    is_default: bool | None = None
    is_active: bool | None = None


class Agent(Output):
    id: UUID
    tenant_id: UUID
    slug: str
    name: str
    role: str
    persona: str
    system_prompt: str
    job_description: str
    statement_of_work: str
    max_tool_steps: int
    turn_deadline_seconds: int
    approver_ids: list[str]
    escalation_rules: list[EscalationRuleOut]
    model_tier: ModelTier
    is_default: bool
    is_active: bool
    created_at: datetime
    updated_at: datetime


class AgentPreview(Output):
    system_prompt: str


class TryIn(Input):
    message: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class TryOut(Output):
    reply: str
    model_group: str | None
    model_id: str | None
