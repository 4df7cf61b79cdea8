"""HTTP routes for usage (`/admin/tenants/{tenant_id}/usage`)."""

from typing import Annotated

from fastapi import APIRouter, Query

from proxy.api.deps import RuntimeDep, TenantIdDep
from proxy.usage import service
from proxy.usage.schemas import Usage

router = APIRouter(prefix="/admin/tenants/{tenant_id}/usage", tags=["usage"])


@router.get("", response_model=Usage, summary="Tokens and cost per day, model and agent")
async def get_usage(
    runtime: RuntimeDep, tenant_id: TenantIdDep, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> Usage:
    return await service.usage(runtime, tenant_id, days)
