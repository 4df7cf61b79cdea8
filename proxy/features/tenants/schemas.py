"""Admin API models for tenants."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from proxy.features.api.schemas import Input, Output, Slug

TenantName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TenantCreate(Input):
    name: TenantName
    slug: Slug
    settings: dict[str, Any] = Field(default_factory=dict, max_length=50)


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
