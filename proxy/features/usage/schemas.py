"""Admin API models for usage."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from proxy.features.api.schemas import Output


class UsageFigures(Output):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    calls: int = 0
    # Whole calls (a stream to its end); None where no call in the group has a latency.
    avg_latency_ms: float | None = None
    p95_latency_ms: float | None = None


class UsageDay(UsageFigures):
    day: date


class UsageModel(UsageFigures):
    model: str
    model_group: str


class UsageAgent(UsageFigures):
    agent_id: UUID | None
    agent_name: str | None


class UsageKey(UsageFigures):
    key_id: UUID | None
    key_name: str | None
    key_prefix: str | None
    # "api" for a tenant's own key, "bridge" for the key its Slack agents call with.
    key_kind: str | None


class Budget(Output):
    monthly_budget_usd: Decimal | None
    spent_usd: Decimal
    share: float | None


class Usage(Output):
    start: date
    end: date
    agent_id: UUID | None = None
    key_id: UUID | None = None
    # Every day from start to end, days without a call included (all zeros).
    by_day: list[UsageDay]
    by_model: list[UsageModel]
    by_agent: list[UsageAgent]
    by_key: list[UsageKey]
    totals: UsageFigures
    budget: Budget
