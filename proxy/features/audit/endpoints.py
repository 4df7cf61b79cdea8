"""HTTP routes for the audit log: a tenant's (`/admin/tenants/{tenant_id}/audit`) and the
platform's own (`/admin/audit`: operators and invitations of platform admins)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from proxy.features.api.deps import RuntimeDep, TenantIdDep, require_platform_admin
from proxy.features.audit import service
from proxy.features.audit.repository import AuditFilter
from proxy.features.audit.schemas import AuditPage

router = APIRouter(tags=["audit"])


def audit_filter(
    action: Annotated[
        str | None, Query(max_length=100, description='One action, or a family: "agent."')
    ] = None,
    actor: Annotated[str | None, Query(max_length=320)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Search every column")] = None,
    since: Annotated[date | None, Query(description="First day (UTC), included")] = None,
    until: Annotated[date | None, Query(description="Last day (UTC), included")] = None,
) -> AuditFilter:
    return service.audit_filter(action, actor, q, since, until)


FilterDep = Annotated[AuditFilter, Depends(audit_filter)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get(
    "/admin/tenants/{tenant_id}/audit",
    response_model=AuditPage,
    summary="Who did what to this tenant, newest first: filtered, searched, paged",
)
async def list_audit(
    runtime: RuntimeDep,
    tenant_id: TenantIdDep,
    match: FilterDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditPage:
    return await service.read(runtime, tenant_id, match, limit=limit, offset=offset)


@router.get(
    "/admin/audit",
    response_model=AuditPage,
    dependencies=[Depends(require_platform_admin)],
    summary="The platform's own log (platform operators, invitations), newest first",
)
async def list_platform_audit(
    runtime: RuntimeDep, match: FilterDep, limit: Limit = 50, offset: Offset = 0
) -> AuditPage:
    return await service.read(runtime, None, match, limit=limit, offset=offset)
