"""HTTP routes for the audit log (`/admin/tenants/{tenant_id}/audit`)."""

from fastapi import APIRouter

from proxy.features.api.deps import RuntimeDep, TenantIdDep
from proxy.features.api.schemas import Page
from proxy.features.audit.repository import AuditRepository
from proxy.features.audit.schemas import AuditEntry

router = APIRouter(prefix="/admin/tenants/{tenant_id}/audit", tags=["audit"])


@router.get(
    "", response_model=Page[AuditEntry], summary="Who did what to this tenant, newest first"
)
async def list_audit(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[AuditEntry]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await AuditRepository(conn).list_all()
    return Page(items=[AuditEntry.model_validate(row) for row in rows])
