"""Admin API models for a tenant's limits."""

from decimal import Decimal

from pydantic import Field

from proxy.features.api.schemas import Input, Output


class LimitsIn(Input):
    rpm_limit: int | None = Field(
        default=None,
        gt=0,
        le=1_000_000,
        description="Requests per minute per key (a key's own limit wins)",
    )
    tpm_limit: int | None = Field(default=None, gt=0, le=1_000_000_000)
    monthly_budget_usd: Decimal | None = Field(
        default=None, ge=0, le=Decimal("99999999"), decimal_places=4
    )
    degrade_at_share: Decimal = Field(default=Decimal("0.8"), gt=0, le=1, decimal_places=3)
    tenant_messages_per_minute: int = Field(default=60, ge=0, le=100_000)
    channel_messages_per_minute: int = Field(default=20, ge=0, le=100_000)


class Limits(Output):
    rpm_limit: int | None
    tpm_limit: int | None
    monthly_budget_usd: Decimal | None
    degrade_at_share: Decimal
    tenant_messages_per_minute: int
    channel_messages_per_minute: int
