"""Rate-limit windows, budget states and model degradation."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from policies.limits import (
    MODEL_GROUP_FAST,
    MODEL_GROUP_QUALITY,
    MODEL_TIER_GROUPS,
    BudgetState,
    MessageLimits,
    budget_state,
    degrade_model_group,
    over_limit,
    window_start,
    year_month,
)

pytestmark = pytest.mark.unit


def test_message_limit_defaults() -> None:
    limits = MessageLimits()
    assert (limits.tenant_messages_per_minute, limits.channel_messages_per_minute) == (60, 20)


@pytest.mark.parametrize(
    ("now", "window", "expected"),
    [(120.0, 60, 120), (179.999, 60, 120), (180.0, 60, 180), (1_700_000_123.4, 60, 1_700_000_100),
     (59.0, 10, 50)],
)  # fmt: skip
def test_window_start_floors_to_the_window(now: float, window: int, expected: int) -> None:
    assert window_start(now, window) == expected


def test_window_start_default_is_a_minute() -> None:
    assert window_start(1_700_000_119.0) == 1_700_000_100


@pytest.mark.parametrize("window", [0, -60])
def test_window_must_be_positive(window: int) -> None:
    with pytest.raises(ValueError, match="window_seconds"):
        window_start(100.0, window)


@pytest.mark.parametrize(
    ("count", "limit", "expected"),
    [(60, 60, False), (61, 60, True), (1, 0, False), (10**6, -1, False), (2, 1, True)],
)
def test_over_limit(count: int, limit: int, expected: bool) -> None:
    assert over_limit(count, limit) is expected


@pytest.mark.parametrize(
    ("spent", "budget", "expected"),
    [
        (1000.0, None, BudgetState.OK),
        (1000.0, 0.0, BudgetState.OK),
        (1000.0, -5.0, BudgetState.OK),
        (0.0, 100.0, BudgetState.OK),
        (79.99, 100.0, BudgetState.OK),
        (80.0, 100.0, BudgetState.DEGRADED),
        (99.99, 100.0, BudgetState.DEGRADED),
        (100.0, 100.0, BudgetState.EXHAUSTED),
        (150.0, 100.0, BudgetState.EXHAUSTED),
    ],
)
def test_budget_state(spent: float, budget: float | None, expected: BudgetState) -> None:
    assert budget_state(spent, budget) is expected


def test_budget_degrade_share_is_configurable() -> None:
    assert budget_state(50.0, 100.0, degrade_at_share=0.5) is BudgetState.DEGRADED
    assert budget_state(50.0, 100.0, degrade_at_share=0.9) is BudgetState.OK


def test_model_groups() -> None:
    assert MODEL_GROUP_FAST == "konstruct-fast"
    assert MODEL_GROUP_QUALITY == "konstruct-quality"
    assert dict(MODEL_TIER_GROUPS) == {"fast": "konstruct-fast", "quality": "konstruct-quality"}


def test_only_quality_degrades_and_only_when_degraded() -> None:
    assert degrade_model_group(MODEL_GROUP_QUALITY, BudgetState.DEGRADED) == MODEL_GROUP_FAST
    assert degrade_model_group(MODEL_GROUP_QUALITY, BudgetState.OK) == MODEL_GROUP_QUALITY
    assert degrade_model_group(MODEL_GROUP_QUALITY, BudgetState.EXHAUSTED) == MODEL_GROUP_QUALITY
    assert degrade_model_group(MODEL_GROUP_FAST, BudgetState.DEGRADED) == MODEL_GROUP_FAST
    assert degrade_model_group("gpt-4o", BudgetState.DEGRADED) == "gpt-4o"


def test_year_month_is_utc() -> None:
    assert year_month(datetime(2026, 11, 3, tzinfo=UTC)) == "2026-11"
    # 23:30 on Nov 30 in New York is already December in UTC.
    new_york = timezone(timedelta(hours=-5))
    assert year_month(datetime(2026, 11, 30, 23, 30, tzinfo=new_york)) == "2026-12"
    assert year_month(datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))) == "2026-12"


def test_year_month_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        year_month(datetime(2026, 11, 3))
