"""Admin API models for tenants."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from proxy.features.api.schemas import Input, Output, Slug

TenantName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TenantSort = Literal["name", "slug", "created_at", "status", "agents", "spend", "last_activity"]


class TenantCreate(Input):
    name: TenantName
    slug: Slug
    settings: dict[str, Any] = Field(default_factory=dict, max_length=50)
    monthly_budget_usd: Decimal | None = Field(
        default=None,
        ge=0,
        le=Decimal("99999999"),
        decimal_places=4,
        description="The monthly budget from the start; the other limits keep their defaults",
    )


class TenantUpdate(Input):
    name: TenantName | None = None
    slug: Slug | None = None
    settings: dict[str, Any] | None = Field(default=None, max_length=50)


class Tenant(Output):
    id: UUID
    name: str
    slug: str
    status: Literal["active", "suspended"]
    settings: dict[str, Any]
    created_at: datetime


class TenantStats(Output):
    """The figures an operator looks for first; money this calendar month (UTC)."""

    agents: int
    active_agents: int
    keys: int
    slack_workspaces: int
    # None: no workspace; "active" when every workspace is; else the first other status.
    slack_status: str | None
    spend_this_month_usd: Decimal
    calls_this_month: int
    monthly_budget_usd: Decimal | None
    budget_share: float | None
    # The newest model call or Slack message of the tenant.
    last_activity_at: datetime | None


class TenantSummary(Tenant):
    stats: TenantStats
