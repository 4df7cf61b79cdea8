"""Message rate limits and monthly budgets: when to slow down, degrade or stop a tenant."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

MODEL_GROUP_FAST: Final = "konstruct-fast"
MODEL_GROUP_QUALITY: Final = "konstruct-quality"
MODEL_TIER_GROUPS: Final[Mapping[str, str]] = MappingProxyType(
    {"fast": MODEL_GROUP_FAST, "quality": MODEL_GROUP_QUALITY}
)


@dataclass(frozen=True)
class MessageLimits:
    """Slack messages the agent answers per minute; a limit <= 0 means unlimited."""

    tenant_messages_per_minute: int = 60
    channel_messages_per_minute: int = 20


def window_start(now_epoch: float, window_seconds: int = 60) -> int:
    """Start (epoch seconds) of the fixed window `now_epoch` falls in."""
    if window_seconds <= 0:
        raise ValueError(f"window_seconds must be positive: {window_seconds}")
    return int(now_epoch // window_seconds) * window_seconds


def over_limit(count: int, limit: int) -> bool:
    """True once `count` (this message included) exceeds `limit`; a limit <= 0 is unlimited."""
    return limit > 0 and count > limit


class BudgetState(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    EXHAUSTED = "exhausted"


def budget_state(
    spent_usd: float, monthly_budget_usd: float | None, degrade_at_share: float = 0.8
) -> BudgetState:
    """Where a tenant stands against its monthly budget; no budget (None or <= 0) is unlimited."""
    if monthly_budget_usd is None or monthly_budget_usd <= 0:
        return BudgetState.OK
    if spent_usd >= monthly_budget_usd:
        return BudgetState.EXHAUSTED
    if spent_usd >= degrade_at_share * monthly_budget_usd:
        return BudgetState.DEGRADED
    return BudgetState.OK


def degrade_model_group(model_group: str, state: BudgetState) -> str:
    """Near the end of its budget a tenant's quality requests go to the cheaper fast group."""
    if state is BudgetState.DEGRADED and model_group == MODEL_GROUP_QUALITY:
        return MODEL_GROUP_FAST
    return model_group


def year_month(dt: datetime) -> str:
    """The budget month of `dt`, "YYYY-MM" in UTC; naive datetimes are refused as ambiguous."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("year_month needs a timezone-aware datetime")
    return dt.astimezone(UTC).strftime("%Y-%m")
