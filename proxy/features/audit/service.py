"""Recording who did what to which tenant, inside the transaction that did it; reading the
log back filtered, searched and paged."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from proxy.core.errors import Invalid
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.audit.repository import AuditFilter, AuditRepository
from proxy.features.audit.schemas import AuditEntry, AuditPage


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


def audit_filter(
    action: str | None,
    actor: str | None,
    query: str | None,
    since: date | None,
    until: date | None,
) -> AuditFilter:
    """`since` and `until` are whole UTC days, both included."""
    if since is not None and until is not None and since > until:
        raise Invalid("The start date is after the end date.")
    return AuditFilter(
        action=action or None,
        actor=actor or None,
        query=(query or "").strip() or None,
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
    )


async def read(
    runtime: Runtime, tenant_id: UUID | None, match: AuditFilter, *, limit: int, offset: int
) -> AuditPage:
    """A tenant's log, or with no tenant the platform's own (operators, invitations)."""
    if tenant_id is not None:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            return await _page(conn, match, limit, offset)
    async with runtime.db.platform_transaction() as conn:
        return await _page(conn, match, limit, offset)


async def _page(conn: AsyncConnection, match: AuditFilter, limit: int, offset: int) -> AuditPage:
    repo = AuditRepository(conn)
    rows = await repo.page(match, limit=limit, offset=offset)
    return AuditPage(
        items=[AuditEntry.model_validate(row) for row in rows],
        total=await repo.count(match),
        limit=limit,
        offset=offset,
        actions=await repo.actions(),
        actors=await repo.actors(),
    )
