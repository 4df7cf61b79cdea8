"""HTTP routes for tenants (`/admin/tenants`)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from proxy.features.api.deps import PlatformAdminDep, PrincipalDep, RuntimeDep, TenantIdDep
from proxy.features.api.schemas import Paged
from proxy.features.tenants import service
from proxy.features.tenants.schemas import (
    Tenant,
    TenantCreate,
    TenantSort,
    TenantStats,
    TenantSummary,
    TenantUpdate,
)

router = APIRouter(prefix="/admin/tenants", tags=["tenants"])


@router.get(
    "",
    response_model=Paged[TenantSummary],
    summary="Tenants with their figures, sorted and paged (a tenant admin sees its own)",
)
async def list_tenants(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Literal["active", "suspended"] | None = None,
    sort: TenantSort = "name",
    order: Literal["asc", "desc"] = "asc",
    limit: Annotated[int, Query(ge=1, le=200)] = 25,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Paged[TenantSummary]:
    return await service.list_tenants(
        runtime,
        principal,
        q,
        status,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        offset=offset,
    )


@router.post("", status_code=201, response_model=Tenant, summary="Create a tenant")
async def create_tenant(
    runtime: RuntimeDep, principal: PlatformAdminDep, body: TenantCreate
) -> Tenant:
    return await service.create(runtime, principal, body)


@router.get("/{tenant_id}", response_model=Tenant, summary="Get a tenant")
async def get_tenant(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Tenant:
    return await service.get(runtime, tenant_id)


@router.get(
    "/{tenant_id}/stats",
    response_model=TenantStats,
    summary="Agents, keys, Slack status, spend and calls this month, last activity",
)
async def tenant_stats(runtime: RuntimeDep, tenant_id: TenantIdDep) -> TenantStats:
    return await service.stats(runtime, tenant_id)


@router.patch(
    "/{tenant_id}", response_model=Tenant, summary="Rename a tenant or change its settings"
)
async def update_tenant(
    runtime: RuntimeDep, tenant_id: TenantIdDep, principal: PlatformAdminDep, body: TenantUpdate
) -> Tenant:
    return await service.patch(runtime, principal, tenant_id, body)


@router.post("/{tenant_id}/suspend", response_model=Tenant, summary="Suspend: its keys get 403")
async def suspend_tenant(
    runtime: RuntimeDep, tenant_id: TenantIdDep, principal: PlatformAdminDep
) -> Tenant:
    return await service.update(
        runtime, principal, tenant_id, {"status": "suspended"}, "tenant.suspend"
    )


@router.post("/{tenant_id}/resume", response_model=Tenant, summary="Resume a suspended tenant")
async def resume_tenant(
    runtime: RuntimeDep, tenant_id: TenantIdDep, principal: PlatformAdminDep
) -> Tenant:
    return await service.update(
        runtime, principal, tenant_id, {"status": "active"}, "tenant.resume"
    )


@router.delete("/{tenant_id}", status_code=204, summary="Delete a tenant and all its data")
async def delete_tenant(
    runtime: RuntimeDep, tenant_id: TenantIdDep, principal: PlatformAdminDep
) -> Response:
    await service.delete(runtime, principal, tenant_id)
    return Response(status_code=204)
