"""Admin API models for tenant keys."""

from datetime import datetime
from uuid import UUID

from pydantic import Field

from proxy.features.api.schemas import Input, Name, Output


class KeyCreate(Input):
    name: Name
    rpm_limit: int | None = Field(default=None, gt=0, le=1_000_000)
    tpm_limit: int | None = Field(default=None, gt=0, le=1_000_000_000)
    expires_at: datetime | None = None


class TenantKey(Output):
    id: UUID
    name: str
    prefix: str
    rpm_limit: int | None
    tpm_limit: int | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime


class TenantKeyCreated(TenantKey):
    secret: str = Field(description="The key itself. Shown once: only its hash is stored.")
