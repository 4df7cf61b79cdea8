"""Usage views: tokens and cost per day, model and agent; budget progress this month."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from proxy.core.runtime import Runtime
from proxy.features.limits.repository import LimitsRepository
from proxy.features.usage.repository import UsageRepository
from proxy.features.usage.schemas import (
    Budget,
    Usage,
    UsageAgent,
    UsageDay,
    UsageFigures,
    UsageModel,
)
from proxy.gateway.services import month_start


def _figures(row: Any) -> dict[str, Any]:
    return {
        "prompt_tokens": row.prompt_tokens or 0,
        "completion_tokens": row.completion_tokens or 0,
        "cost_usd": row.cost_usd or 0,
        "calls": row.calls or 0,
    }


async def usage(runtime: Runtime, tenant_id: UUID, days: int) -> Usage:
    now = datetime.now(UTC)
    since = now - timedelta(days=days)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        repo = UsageRepository(conn)
        by_day = await repo.by_day(since)
        by_model = await repo.by_model(since)
        by_agent = await repo.by_agent(since)
        totals = await repo.totals(since)
        spent = await repo.spend_since(month_start(now))
        limits = await LimitsRepository(conn).get()
    budget = limits.monthly_budget_usd if limits else None
    return Usage(
        by_day=[UsageDay(day=r.day, **_figures(r)) for r in by_day],
        by_model=[
            UsageModel(model=r.model, model_group=r.model_group, **_figures(r)) for r in by_model
        ],
        by_agent=[
            UsageAgent(agent_id=r.agent_id, agent_name=r.agent_name, **_figures(r))
            for r in by_agent
        ],
        totals=UsageFigures(**_figures(totals)),
        budget=Budget(
            monthly_budget_usd=budget,
            spent_usd=spent,
            share=float(spent / budget) if budget else None,
        ),
    )
