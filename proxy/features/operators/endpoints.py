"""HTTP routes for operator sessions (`/admin/auth/*`, `/admin/me`) and `/admin/operators`."""

from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response

from proxy.features.api.deps import (
    PlatformAdminDep,
    PrincipalDep,
    RuntimeDep,
    require_platform_admin,
)
from proxy.features.api.schemas import Page
from proxy.features.operators import service
from proxy.features.operators.schemas import LoginIn, LoginOut, Operator, OperatorCreate

router = APIRouter(prefix="/admin", tags=["operators"])


@router.post("/auth/login", response_model=LoginOut, summary="Log in (argon2id; throttled)")
async def login(runtime: RuntimeDep, body: LoginIn, request: Request) -> LoginOut:
    client = request.client.host if request.client else "unknown"
    return await service.login(runtime, body, client)


@router.post("/auth/logout", status_code=204, summary="End every session of this operator")
async def logout(runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    await service.logout(runtime, principal)
    return Response(status_code=204)


@router.get("/me", response_model=Operator, summary="Who this token belongs to")
async def me(runtime: RuntimeDep, principal: PrincipalDep) -> Operator:
    return await service.me(runtime, principal)


@router.get(
    "/operators",
    response_model=Page[Operator],
    dependencies=[Depends(require_platform_admin)],
    summary="List operators (platform admins)",
)
async def list_operators(runtime: RuntimeDep, tenant_id: UUID | None = None) -> Page[Operator]:
    return Page(items=await service.list_operators(runtime, tenant_id))


@router.post("/operators", status_code=201, response_model=Operator, summary="Invite an operator")
async def create_operator(
    runtime: RuntimeDep, principal: PlatformAdminDep, body: OperatorCreate
) -> Operator:
    return await service.create(runtime, principal, body)


@router.delete("/operators/{operator_id}", status_code=204, summary="Remove an operator")
async def delete_operator(
    runtime: RuntimeDep, principal: PlatformAdminDep, operator_id: UUID
) -> Response:
    await service.delete(runtime, principal, operator_id)
    return Response(status_code=204)
