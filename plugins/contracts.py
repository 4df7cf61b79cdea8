"""What the plugins need from the proxy, and the one place the proxy hands it over."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class KeyGrant:
    """What one tenant key grants, as resolved from its hash."""

    tenant_id: UUID
    key_id: UUID
    tenant_status: str
    revoked: bool
    expires_at: datetime | None
    rpm_limit: int | None
    tpm_limit: int | None
    monthly_budget_usd: Decimal | None
    degrade_at_share: Decimal


@dataclass(frozen=True)
class AgentCard:
    """An agent as the gateway uses it: its composed system prompt and model tier."""

    id: UUID
    slug: str
    name: str
    system_prompt: str
    model_tier: str
    is_active: bool


@dataclass(frozen=True)
class UsageRecord:
    tenant_id: UUID
    call_id: str
    model_group: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal
    agent_id: UUID | None
    key_id: UUID | None
    latency_ms: int | None = None


class GatewayServices(Protocol):
    master_key: str

    async def grant_for(self, key_hash: str) -> KeyGrant | None: ...

    async def spent_this_month(self, tenant_id: UUID) -> Decimal: ...

    async def agent(self, tenant_id: UUID, id_or_slug: str) -> AgentCard | None: ...

    async def record_usage(self, record: UsageRecord) -> None: ...

    async def owns_response(self, tenant_id: UUID, response_id: str) -> bool: ...

    async def record_response(self, tenant_id: UUID, response_id: str) -> None: ...


class _Binding:
    services: GatewayServices | None = None


_binding = _Binding()


def bind(services: GatewayServices) -> None:
    _binding.services = services


def services() -> GatewayServices:
    if _binding.services is None:
        raise RuntimeError("plugins used before the proxy bound its services")
    return _binding.services
