"""HTTP routes for usage (`/admin/tenants/{tenant_id}/usage`, and its CSV export)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response

from proxy.features.api.deps import RuntimeDep, TenantIdDep
from proxy.features.usage import service
from proxy.features.usage.schemas import Usage

router = APIRouter(prefix="/admin/tenants/{tenant_id}/usage", tags=["usage"])

Days = Annotated[
    int | None, Query(ge=1, le=service.MAX_DAYS, description="The last N days (default 30)")
]
Start = Annotated[date | None, Query(description="First day (UTC), inclusive")]
End = Annotated[date | None, Query(description="Last day (UTC), inclusive; default today")]
AgentFilter = Annotated[UUID | None, Query(description="Only this agent's calls")]
KeyFilter = Annotated[UUID | None, Query(description="Only this key's calls")]


@router.get(
    "",
    response_model=Usage,
    summary="Calls, tokens, cost and latency per day (every day), model, agent and key",
)
async def get_usage(
    runtime: RuntimeDep,
    tenant_id: TenantIdDep,
    days: Days = None,
    start: Start = None,
    end: End = None,
    agent_id: AgentFilter = None,
    key_id: KeyFilter = None,
) -> Usage:
    first, last = service.date_range(days, start, end)
    return await service.usage(runtime, tenant_id, first, last, agent_id, key_id)


@router.get(
    "/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    summary="Usage as CSV: one line per day, model, agent and key",
)
async def export_usage(
    runtime: RuntimeDep,
    tenant_id: TenantIdDep,
    days: Days = None,
    start: Start = None,
    end: End = None,
    agent_id: AgentFilter = None,
    key_id: KeyFilter = None,
) -> Response:
    first, last = service.date_range(days, start, end)
    body = await service.export_csv(runtime, tenant_id, first, last, agent_id, key_id)
    name = f"usage-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
