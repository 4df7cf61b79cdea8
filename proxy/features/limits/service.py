"""Limits rules: defaults until set; a change reaches every key's cached grant at once."""

from uuid import UUID

from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.audit.service import record
from proxy.features.keys.repository import KeyRepository
from proxy.features.limits.repository import LimitsRepository
from proxy.features.limits.schemas import Limits, LimitsIn
from proxy.gateway.cache import forget_key_grants, signal_workspace_change


async def get(runtime: Runtime, tenant_id: UUID) -> Limits:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await LimitsRepository(conn).get()
    if row is None:
        return Limits.model_validate(LimitsIn().model_dump())
    return Limits.model_validate(row)


async def put(runtime: Runtime, principal: Principal, tenant_id: UUID, body: LimitsIn) -> Limits:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await LimitsRepository(conn).upsert(tenant_id=tenant_id, **body.model_dump())
        await record(
            conn,
            principal,
            "limits.update",
            tenant_id=tenant_id,
            detail=body.model_dump(mode="json"),
        )
        hashes = await KeyRepository(conn).all_hashes()
    await forget_key_grants(runtime.redis, hashes)
    await signal_workspace_change(runtime.redis, tenant_id)
    return Limits.model_validate(row)
