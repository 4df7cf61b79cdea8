"""Recording who did what to which tenant, inside the transaction that did it."""

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.principal import Principal
from proxy.features.audit.repository import AuditRepository


async def record(
    conn: AsyncConnection,
    principal: Principal,
    action: str,
    *,
    tenant_id: UUID | None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    await AuditRepository(conn).add(
        tenant_id=tenant_id, actor=principal.actor, action=action, target=target, detail=detail
    )
