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


class UsageDay(UsageFigures):
    day: date


class UsageModel(UsageFigures):
    model: str
    model_group: str


class UsageAgent(UsageFigures):
    agent_id: UUID | None
    agent_name: str | None


class Budget(Output):
    monthly_budget_usd: Decimal | None
    spent_usd: Decimal
    share: float | None


class Usage(Output):
    by_day: list[UsageDay]
    by_model: list[UsageModel]
    by_agent: list[UsageAgent]
    totals: UsageFigures
    budget: Budget
