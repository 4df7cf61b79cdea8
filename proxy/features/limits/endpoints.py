"""HTTP routes for limits (`/admin/tenants/{tenant_id}/limits`)."""

from fastapi import APIRouter

from proxy.features.api.deps import PrincipalDep, RuntimeDep, TenantIdDep
from proxy.features.limits import service
from proxy.features.limits.schemas import Limits, LimitsIn

router = APIRouter(prefix="/admin/tenants/{tenant_id}/limits", tags=["limits"])


@router.get("", response_model=Limits, summary="The tenant's limits (defaults until set)")
async def get_limits(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Limits:
    return await service.get(runtime, tenant_id)


@router.put("", response_model=Limits, summary="Set rate limits, monthly budget and message rates")
async def put_limits(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, body: LimitsIn
) -> Limits:
    return await service.put(runtime, principal, tenant_id, body)
