"""Usage views: calls, tokens, cost and latency per day (every day), model, agent and key
over a date range, one agent's or one key's; budget progress this month; a CSV export."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from proxy.core.errors import Invalid
from proxy.core.runtime import Runtime
from proxy.features.limits.repository import LimitsRepository
from proxy.features.usage.repository import UsageRepository, UsageWindow
from proxy.features.usage.schemas import (
    Budget,
    Usage,
    UsageAgent,
    UsageDay,
    UsageFigures,
    UsageKey,
    UsageModel,
)
from proxy.gateway.services import month_start

MAX_DAYS = 366
CSV_COLUMNS = (
    "day",
    "model_group",
    "model",
    "agent_id",
    "agent_name",
    "key_id",
    "key_name",
    "calls",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "avg_latency_ms",
)


def date_range(days: int | None, start: date | None, end: date | None) -> tuple[date, date]:
    """The inclusive UTC days asked for: `start`..`end`, or the last `days` ending today."""
    today = datetime.now(UTC).date()
    end = end or today
    if start is None:
        start = end - timedelta(days=(days or 30) - 1)
    if start > end:
        raise Invalid("The start date is after the end date.")
    if (end - start).days + 1 > MAX_DAYS:
        raise Invalid(f"Ask for at most {MAX_DAYS} days at a time.")
    return start, end


def window(
    start: date, end: date, agent_id: UUID | None = None, key_id: UUID | None = None
) -> UsageWindow:
    return UsageWindow(
        since=datetime.combine(start, time(), UTC),
        until=datetime.combine(end + timedelta(days=1), time(), UTC),
        agent_id=agent_id,
        key_id=key_id,
    )


def _figures(row: Any) -> dict[str, Any]:
    return {
        "prompt_tokens": row.prompt_tokens or 0,
        "completion_tokens": row.completion_tokens or 0,
        "cost_usd": row.cost_usd or 0,
        "calls": row.calls or 0,
        "avg_latency_ms": _ms(row.avg_latency_ms),
        "p95_latency_ms": _ms(row.p95_latency_ms),
    }


def _ms(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _every_day(start: date, end: date, rows: list[Any]) -> list[UsageDay]:
    found = {row.day: row for row in rows}
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        row = found.get(day)
        days.append(UsageDay(day=day, **_figures(row)) if row else UsageDay(day=day))
    return days


async def usage(
    runtime: Runtime,
    tenant_id: UUID,
    start: date,
    end: date,
    agent_id: UUID | None = None,
    key_id: UUID | None = None,
) -> Usage:
    span = window(start, end, agent_id, key_id)
    now = datetime.now(UTC)
    # One snapshot: a row written between two of these queries would be in the totals and
    # missing from the breakdowns.
    async with runtime.db.tenant_transaction(tenant_id, snapshot=True) as conn:
        repo = UsageRepository(conn)
        by_day = await repo.by_day(span)
        by_model = await repo.by_model(span)
        by_agent = await repo.by_agent(span)
        by_key = await repo.by_key(span)
        totals = await repo.totals(span)
        spent = await repo.spend_since(month_start(now))
        limits = await LimitsRepository(conn).get()
    budget = limits.monthly_budget_usd if limits else None
    return Usage(
        start=start,
        end=end,
        agent_id=agent_id,
        key_id=key_id,
        by_day=_every_day(start, end, by_day),
        by_model=[
            UsageModel(model=r.model, model_group=r.model_group, **_figures(r)) for r in by_model
        ],
        by_agent=[
            UsageAgent(agent_id=r.agent_id, agent_name=r.agent_name, **_figures(r))
            for r in by_agent
        ],
        by_key=[
            UsageKey(
                key_id=r.key_id,
                key_name=r.key_name,
                key_prefix=r.key_prefix,
                key_kind=r.key_kind,
                **_figures(r),
            )
            for r in by_key
        ],
        totals=UsageFigures(**_figures(totals)),
        budget=Budget(
            monthly_budget_usd=budget,
            spent_usd=spent,
            share=float(spent / budget) if budget else None,
        ),
    )


async def export_csv(
    runtime: Runtime,
    tenant_id: UUID,
    start: date,
    end: date,
    agent_id: UUID | None = None,
    key_id: UUID | None = None,
) -> str:
    """Usage as CSV, one line per day, model, agent and key (days without calls have none)."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await UsageRepository(conn).export_rows(window(start, end, agent_id, key_id))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        figures = _figures(row)
        writer.writerow(
            [
                row.day.isoformat(),
                row.model_group,
                row.model,
                row.agent_id or "",
                _cell(row.agent_name),
                row.key_id or "",
                _cell(row.key_name),
                figures["calls"],
                figures["prompt_tokens"],
                figures["completion_tokens"],
                f"{figures['cost_usd']:f}",
                "" if figures["avg_latency_ms"] is None else figures["avg_latency_ms"],
            ]
        )
    return out.getvalue()


def _cell(text: str | None) -> str:
    """Names are operator-typed: one that starts like a formula is not run by a spreadsheet."""
    value = text or ""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
