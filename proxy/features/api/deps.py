"""Request dependencies: the runtime, the authenticated principal, and tenant scoping."""

import hmac
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Request

from proxy.core.db.engine import enter_tenant
from proxy.core.errors import Forbidden, NotFound, Unauthorized
from proxy.core.principal import PLATFORM_ADMIN, Principal
from proxy.core.runtime import Runtime
from proxy.features.operators.repository import OperatorRepository
from proxy.features.operators.tokens import TokenError, decode_operator_token
from proxy.features.tenants.repository import TenantRepository


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.konstruct
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def bearer(authorization: str | None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthorized("Missing credentials: send 'Authorization: Bearer <token>'.")
    return authorization[7:].strip()


async def get_principal(
    runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> Principal:
    token = bearer(authorization)
    master = runtime.settings.konstruct_master_key.get_secret_value()
    if hmac.compare_digest(token.encode(), master.encode()):
        return Principal(role=PLATFORM_ADMIN, actor="master-key")
    try:
        claims = decode_operator_token(token, runtime.settings)
    except TokenError as exc:
        raise Unauthorized(str(exc)) from exc
    async with runtime.db.platform_transaction() as conn:
        operator = await OperatorRepository(conn).get(claims.operator_id)
    if operator is None or operator.session_version != claims.session_version:
        raise Unauthorized("This session has ended; log in again.")
    return Principal(
        role=operator.role,
        actor=operator.email,
        operator_id=operator.id,
        tenant_id=operator.tenant_id,
    )


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_platform_admin(principal: PrincipalDep) -> Principal:
    if not principal.is_platform_admin:
        raise Forbidden("Only platform admins can do this.")
    return principal


PlatformAdminDep = Annotated[Principal, Depends(require_platform_admin)]


async def scoped_tenant(tenant_id: UUID, principal: PrincipalDep, runtime: RuntimeDep) -> UUID:
    """The tenant in the URL, if it exists and this principal may see it; 404 otherwise (no
    existence oracle: another tenant's and a deleted tenant's pages look the same)."""
    if not principal.is_platform_admin and principal.tenant_id != tenant_id:
        raise NotFound("No such tenant.")
    async with runtime.db.platform_transaction() as conn:
        if await TenantRepository(conn).get(tenant_id) is None:
            raise NotFound("No such tenant.")
    enter_tenant(tenant_id)
    return tenant_id


TenantIdDep = Annotated[UUID, Depends(scoped_tenant)]


async def require_bridge(
    runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    token = bearer(authorization)
    expected = runtime.settings.konstruct_bridge_key.get_secret_value()
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("Invalid bridge key.")


BridgeDep = Depends(require_bridge)


async def bridge_tenant(tenant_id: UUID) -> UUID:
    """The tenant in an internal URL (the bridge is trusted with every tenant): in scope."""
    enter_tenant(tenant_id)
    return tenant_id


BridgeTenantDep = Annotated[UUID, Depends(bridge_tenant)]
