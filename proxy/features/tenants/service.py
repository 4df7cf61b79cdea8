"""Tenant rules: unique slugs, suspension, deletion with all data; every change audited."""

from typing import Any
from uuid import UUID, uuid4

from sqlalchemy.exc import IntegrityError

from proxy.core.errors import Conflict, NotFound
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.audit.service import record
from proxy.features.connections.repository import ConnectionRepository
from proxy.features.keys.repository import KeyRepository
from proxy.features.tenants.repository import TenantRepository
from proxy.features.tenants.schemas import Tenant, TenantCreate, TenantUpdate
from proxy.gateway.cache import forget_key_grants, forget_workspace


async def create(runtime: Runtime, principal: Principal, body: TenantCreate) -> Tenant:
    tenant_id = uuid4()  # chosen here so the tenant and its audit row commit together
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            row = await TenantRepository(conn).create(id=tenant_id, **body.model_dump())
            await record(conn, principal, "tenant.create", tenant_id=tenant_id, target=row.slug)
    except IntegrityError as exc:
        raise Conflict(f"The slug '{body.slug}' is already taken.") from exc
    return Tenant.model_validate(row)


async def list_tenants(
    runtime: Runtime, principal: Principal, query: str | None, status: str | None
) -> list[Tenant]:
    only = None if principal.is_platform_admin else principal.tenant_id
    async with runtime.db.platform_transaction() as conn:
        rows = await TenantRepository(conn).list_all(query=query, status=status, only=only)
    return [Tenant.model_validate(row) for row in rows]


async def get(runtime: Runtime, tenant_id: UUID) -> Tenant:
    async with runtime.db.platform_transaction() as conn:
        row = await TenantRepository(conn).get(tenant_id)
    if row is None:
        raise NotFound("No such tenant.")
    return Tenant.model_validate(row)


async def update(
    runtime: Runtime, principal: Principal, tenant_id: UUID, values: dict[str, Any], action: str
) -> Tenant:
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            row = await TenantRepository(conn).update(tenant_id, **values)
            if row is None:
                raise NotFound("No such tenant.")
            await record(
                conn,
                principal,
                action,
                tenant_id=tenant_id,
                target=row.slug,
                detail={"fields": sorted(values)},
            )
            # A status change reaches every key's cached grant at once.
            key_hashes = await KeyRepository(conn).all_hashes() if "status" in values else []
    except IntegrityError as exc:
        raise Conflict("That slug is already taken.") from exc
    await forget_key_grants(runtime.redis, key_hashes)
    return Tenant.model_validate(row)


async def patch(
    runtime: Runtime, principal: Principal, tenant_id: UUID, body: TenantUpdate
) -> Tenant:
    values = body.model_dump(exclude_unset=True, exclude_none=True)
    return await update(runtime, principal, tenant_id, values, "tenant.update")


async def delete(runtime: Runtime, principal: Principal, tenant_id: UUID) -> None:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        tenant = await TenantRepository(conn).get(tenant_id)
        if tenant is None:
            raise NotFound("No such tenant.")
        key_hashes = await KeyRepository(conn).all_hashes()
        workspaces = [c.workspace_id for c in await ConnectionRepository(conn).list_all()]
        # Every tenant table cascades from tenants; the audit row of the deletion stays.
        await TenantRepository(conn).delete(tenant_id)
        await record(conn, principal, "tenant.delete", tenant_id=tenant_id, target=tenant.slug)
    await forget_key_grants(runtime.redis, key_hashes)
    await forget_workspace(runtime.redis, tenant_id, workspaces)
