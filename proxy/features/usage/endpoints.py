"""HTTP routes for usage (`/admin/tenants/{tenant_id}/usage`)."""

from typing import Annotated

from fastapi import APIRouter, Query

from proxy.features.api.deps import RuntimeDep, TenantIdDep
from proxy.features.usage import service
from proxy.features.usage.schemas import Usage

router = APIRouter(prefix="/admin/tenants/{tenant_id}/usage", tags=["usage"])


@router.get("", response_model=Usage, summary="Tokens and cost per day, model and agent")
async def get_usage(
    runtime: RuntimeDep, tenant_id: TenantIdDep, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> Usage:
    return await service.usage(runtime, tenant_id, days)
