"""HTTP routes for tenant keys (`/admin/tenants/{tenant_id}/keys`)."""

from uuid import UUID

from fastapi import APIRouter

from proxy.features.api.deps import PrincipalDep, RuntimeDep, TenantIdDep
from proxy.features.api.schemas import Page
from proxy.features.keys import service
from proxy.features.keys.schemas import KeyCreate, TenantKey, TenantKeyCreated

router = APIRouter(prefix="/admin/tenants/{tenant_id}/keys", tags=["keys"])


@router.get("", response_model=Page[TenantKey], summary="List keys by prefix (never the secret)")
async def list_keys(runtime: RuntimeDep, tenant_id: TenantIdDep) -> Page[TenantKey]:
    return Page(items=await service.list_keys(runtime, tenant_id))


@router.post(
    "", status_code=201, response_model=TenantKeyCreated, summary="Issue a key (secret shown once)"
)
async def issue_key(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, body: KeyCreate
) -> TenantKeyCreated:
    return await service.issue(runtime, principal, tenant_id, body)


@router.post(
    "/{key_id}/rotate",
    status_code=201,
    response_model=TenantKeyCreated,
    summary="Replace a key: new secret shown once, old key revoked",
)
async def rotate_key(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, key_id: UUID
) -> TenantKeyCreated:
    return await service.rotate(runtime, principal, tenant_id, key_id)


@router.post("/{key_id}/revoke", response_model=TenantKey, summary="Revoke a key at once")
async def revoke_key(
    runtime: RuntimeDep, principal: PrincipalDep, tenant_id: TenantIdDep, key_id: UUID
) -> TenantKey:
    return await service.revoke(runtime, principal, tenant_id, key_id)
