"""Tenant rules: unique slugs, limits from the start, suspension, deletion with all data,
every change audited; each tenant's figures (agents, Slack, spend, last activity)."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.exc import IntegrityError

from proxy.core.errors import Conflict, NotFound
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.api.schemas import Paged
from proxy.features.audit.service import record
from proxy.features.keys.repository import KeyRepository
from proxy.features.limits.repository import LimitsRepository
from proxy.features.limits.schemas import LimitsIn
from proxy.features.tenants.repository import SORTABLE, TenantRepository, TenantStatsRepository
from proxy.features.tenants.schemas import (
    Tenant,
    TenantCreate,
    TenantStats,
    TenantSummary,
    TenantUpdate,
)
from proxy.gateway.cache import forget_key_grants, signal_workspace_change
from proxy.gateway.services import month_start


async def create(runtime: Runtime, principal: Principal, body: TenantCreate) -> Tenant:
    tenant_id = uuid4()  # chosen here so the tenant, its limits and audit rows commit together
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            row = await TenantRepository(conn).create(
                id=tenant_id, **body.model_dump(exclude={"monthly_budget_usd"})
            )
            await record(conn, principal, "tenant.create", tenant_id=tenant_id, target=row.slug)
            if body.monthly_budget_usd is not None:
                limits = LimitsIn(monthly_budget_usd=body.monthly_budget_usd)
                await LimitsRepository(conn).upsert(tenant_id=tenant_id, **limits.model_dump())
                await record(
                    conn,
                    principal,
                    "limits.update",
                    tenant_id=tenant_id,
                    detail=limits.model_dump(mode="json"),
                )
    except IntegrityError as exc:
        raise Conflict(f"The slug '{body.slug}' is already taken.") from exc
    return Tenant.model_validate(row)


# Tenants whose figures are read at once: each takes a pooled connection for a moment.
STATS_CONCURRENCY = 4


async def stats(runtime: Runtime, tenant_id: UUID) -> TenantStats:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await TenantStatsRepository(conn).figures(month_start(datetime.now(UTC)))
    statuses = list(row.slack_statuses or [])
    budget = row.monthly_budget_usd
    spent = row.spend_this_month_usd or Decimal(0)
    return TenantStats(
        agents=row.agents,
        active_agents=row.active_agents,
        keys=row.keys,
        slack_workspaces=row.slack_workspaces,
        slack_status=next((s for s in statuses if s != "active"), "active") if statuses else None,
        spend_this_month_usd=spent,
        calls_this_month=row.calls_this_month,
        monthly_budget_usd=budget,
        budget_share=float(spent / budget) if budget else None,
        last_activity_at=row.last_activity_at,
    )


async def _summaries(runtime: Runtime, rows: list[Any]) -> list[TenantSummary]:
    gate = asyncio.Semaphore(STATS_CONCURRENCY)

    async def one(row: Any) -> TenantSummary:
        async with gate:
            figures = await stats(runtime, row.id)
        return TenantSummary.model_validate({**row._mapping, "stats": figures})

    return list(await asyncio.gather(*(one(row) for row in rows)))


def _stat_key(sort: str) -> Callable[[TenantSummary], Any]:
    # Tenants without the figure (no activity yet) sort as the smallest value.
    never = datetime.min.replace(tzinfo=UTC)
    keys: dict[str, Callable[[TenantSummary], Any]] = {
        "agents": lambda t: t.stats.agents,
        "spend": lambda t: t.stats.spend_this_month_usd,
        "last_activity": lambda t: t.stats.last_activity_at or never,
    }
    return keys[sort]


async def list_tenants(
    runtime: Runtime,
    principal: Principal,
    query: str | None,
    status: str | None,
    *,
    sort: str = "name",
    descending: bool = False,
    limit: int = 25,
    offset: int = 0,
) -> Paged[TenantSummary]:
    """One page of tenants with their figures, sorted on the server.

    A tenant's figures live in its own rows, which RLS shows only inside that tenant's
    transaction (no role of the application looks across tenants). Sorting by the registry's
    columns therefore pages in SQL and reads figures for that page only; sorting by a figure
    reads every matching tenant's figures, then sorts and pages them here.
    """
    only = None if principal.is_platform_admin else principal.tenant_id
    async with runtime.db.platform_transaction() as conn:
        repo = TenantRepository(conn)
        total = await repo.count(query=query, status=status, only=only)
        if sort in SORTABLE:
            rows = await repo.list_all(
                query=query,
                status=status,
                only=only,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )
        else:
            rows = await repo.list_all(query=query, status=status, only=only)
    if sort in SORTABLE:
        items = await _summaries(runtime, rows)
    else:
        everyone = await _summaries(runtime, rows)
        key = _stat_key(sort)
        # Stable sorts: by name first, so equal figures keep a predictable order.
        everyone.sort(key=lambda t: (t.name, str(t.id)))
        everyone.sort(key=key, reverse=descending)
        items = everyone[offset : offset + limit]
    return Paged(items=items, total=total, limit=limit, offset=offset)


async def get(runtime: Runtime, tenant_id: UUID) -> Tenant:
    async with runtime.db.platform_transaction() as conn:
        row = await TenantRepository(conn).get(tenant_id)
    if row is None:
        raise NotFound("No such tenant.")
    return Tenant.model_validate(row)


async def update(
    runtime: Runtime, principal: Principal, tenant_id: UUID, values: dict[str, Any], action: str
) -> Tenant:
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            row = await TenantRepository(conn).update(tenant_id, **values)
            if row is None:
                raise NotFound("No such tenant.")
            await record(
                conn,
                principal,
                action,
                tenant_id=tenant_id,
                target=row.slug,
                detail={"fields": sorted(values)},
            )
            # A status change reaches every key's cached grant at once.
            key_hashes = await KeyRepository(conn).all_hashes() if "status" in values else []
    except IntegrityError as exc:
        raise Conflict("That slug is already taken.") from exc
    await forget_key_grants(runtime.redis, key_hashes)
    await signal_workspace_change(runtime.redis, tenant_id)
    return Tenant.model_validate(row)


async def patch(
    runtime: Runtime, principal: Principal, tenant_id: UUID, body: TenantUpdate
) -> Tenant:
    values = body.model_dump(exclude_unset=True, exclude_none=True)
    return await update(runtime, principal, tenant_id, values, "tenant.update")


async def delete(runtime: Runtime, principal: Principal, tenant_id: UUID) -> None:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        tenant = await TenantRepository(conn).get(tenant_id)
        if tenant is None:
            raise NotFound("No such tenant.")
        key_hashes = await KeyRepository(conn).all_hashes()
        # Crypto-shredding, first: once the data keys are gone, the tenant's content is
        # unreadable here and in every backup or replica, whatever happens next.
        await runtime.data_keys.shred(tenant_id)
        # Every tenant table cascades from tenants; the audit row of the deletion stays.
        await TenantRepository(conn).delete(tenant_id)
        await record(conn, principal, "tenant.delete", tenant_id=tenant_id, target=tenant.slug)
    await forget_key_grants(runtime.redis, key_hashes)
    await signal_workspace_change(runtime.redis, tenant_id)
