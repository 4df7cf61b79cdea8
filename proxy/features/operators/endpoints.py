"""HTTP routes for operator sessions (`/admin/auth/*`, `/admin/me`), `/admin/operators` with
its invitations and resets, and the public `/admin/invitations/*` a link's owner opens."""

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
from proxy.features.operators.schemas import (
    Invitation,
    InvitationAccept,
    InvitationCreate,
    InvitationIssued,
    InvitationPreview,
    InvitationToken,
    LoginIn,
    LoginOut,
    Operator,
    OperatorCreate,
    PasswordChange,
)

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


@router.post(
    "/me/password",
    response_model=LoginOut,
    summary="Change your own password (current one required); every other session ends",
)
async def change_password(
    runtime: RuntimeDep, principal: PrincipalDep, body: PasswordChange, request: Request
) -> LoginOut:
    client = request.client.host if request.client else "unknown"
    return await service.change_password(runtime, principal, body, client)


@router.get(
    "/operators",
    response_model=Page[Operator],
    dependencies=[Depends(require_platform_admin)],
    summary="List operators (platform admins)",
)
async def list_operators(runtime: RuntimeDep, tenant_id: UUID | None = None) -> Page[Operator]:
    return Page(items=await service.list_operators(runtime, tenant_id))


@router.post(
    "/operators",
    status_code=201,
    response_model=Operator,
    summary="Create an operator with a chosen password (scripts; people get an invitation)",
)
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


@router.get(
    "/operators/invitations",
    response_model=Page[Invitation],
    dependencies=[Depends(require_platform_admin)],
    summary="Invitations and reset links not used yet (expired ones too)",
)
async def list_invitations(runtime: RuntimeDep, tenant_id: UUID | None = None) -> Page[Invitation]:
    return Page(items=await service.list_invitations(runtime, tenant_id))


@router.post(
    "/operators/invitations",
    status_code=201,
    response_model=InvitationIssued,
    summary="Invite an operator: a one-time link (7 days) where they choose their password",
)
async def invite_operator(
    runtime: RuntimeDep, principal: PlatformAdminDep, body: InvitationCreate
) -> InvitationIssued:
    return await service.invite(runtime, principal, body)


@router.delete(
    "/operators/invitations/{invitation_id}", status_code=204, summary="Withdraw an invitation"
)
async def withdraw_invitation(
    runtime: RuntimeDep, principal: PlatformAdminDep, invitation_id: UUID
) -> Response:
    await service.withdraw_invitation(runtime, principal, invitation_id)
    return Response(status_code=204)


@router.post(
    "/operators/{operator_id}/password-reset",
    status_code=201,
    response_model=InvitationIssued,
    summary="Reset a password: it and every session end; a one-time link (1 day) sets a new one",
)
async def reset_password(
    runtime: RuntimeDep, principal: PlatformAdminDep, operator_id: UUID
) -> InvitationIssued:
    return await service.reset_password(runtime, principal, operator_id)


@router.post(
    "/invitations/preview",
    response_model=InvitationPreview,
    summary="What an invitation or reset link is for (no sign-in: the token is the proof)",
)
async def preview_invitation(runtime: RuntimeDep, body: InvitationToken) -> InvitationPreview:
    # The token travels in the body, never in a URL an access log would keep.
    return await service.preview_invitation(runtime, body.token)


@router.post(
    "/invitations/accept",
    response_model=LoginOut,
    summary="Use a link once: choose the password, and get a session",
)
async def accept_invitation(runtime: RuntimeDep, body: InvitationAccept) -> LoginOut:
    return await service.accept_invitation(runtime, body)
