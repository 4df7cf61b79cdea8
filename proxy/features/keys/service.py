"""Tenant key rules: random secrets shown once, stored as hashes; rotation; the bridge's key."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError

from policies.tenant_keys import DISPLAY_PREFIX_LENGTH, hash_key, new_secret
from proxy.core.errors import Invalid, NotFound
from proxy.core.principal import Principal
from proxy.core.runtime import Runtime
from proxy.features.audit.service import record
from proxy.features.keys.repository import KeyRepository
from proxy.features.keys.schemas import KeyCreate, TenantKey, TenantKeyCreated
from proxy.gateway.cache import forget_key_grants


def bridge_key_context(tenant_id: UUID) -> str:
    return f"bridge_key:{tenant_id}"


async def issue(
    runtime: Runtime,
    principal: Principal,
    tenant_id: UUID,
    body: KeyCreate,
    *,
    action: str = "key.issue",
) -> TenantKeyCreated:
    if body.expires_at is not None and body.expires_at <= datetime.now(UTC):
        raise Invalid("expires_at must be in the future.")
    secret = new_secret()
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await KeyRepository(conn).create(
            tenant_id=tenant_id,
            key_hash=hash_key(secret),
            prefix=secret[:DISPLAY_PREFIX_LENGTH],
            **body.model_dump(),
        )
        await record(
            conn,
            principal,
            action,
            tenant_id=tenant_id,
            target=row.prefix,
            detail={"key_id": str(row.id), "name": row.name},
        )
    return TenantKeyCreated(**TenantKey.model_validate(row).model_dump(), secret=secret)


async def list_keys(runtime: Runtime, tenant_id: UUID) -> list[TenantKey]:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        rows = await KeyRepository(conn).list_all()
    return [TenantKey.model_validate(row) for row in rows]


async def revoke(
    runtime: Runtime, principal: Principal, tenant_id: UUID, key_id: UUID
) -> TenantKey:
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        keys = KeyRepository(conn)
        existing = await keys.get(key_id)
        if existing is None or existing.kind != "api":
            raise NotFound("No such key.")
        row = await keys.revoke(key_id)
        await record(
            conn,
            principal,
            "key.revoke",
            tenant_id=tenant_id,
            target=existing.prefix,
            detail={"key_id": str(key_id)},
        )
    await forget_key_grants(runtime.redis, [existing.key_hash])
    return TenantKey.model_validate(row)


async def rotate(
    runtime: Runtime, principal: Principal, tenant_id: UUID, key_id: UUID
) -> TenantKeyCreated:
    """A new key with the old one's name and limits; the old one is revoked at once."""
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        old = await KeyRepository(conn).get(key_id)
    if old is None or old.kind != "api":
        raise NotFound("No such key.")
    if old.revoked_at is not None:
        raise Invalid("This key is already revoked; issue a new one instead.")
    fresh = await issue(
        runtime,
        principal,
        tenant_id,
        KeyCreate(
            name=old.name,
            rpm_limit=old.rpm_limit,
            tpm_limit=old.tpm_limit,
            expires_at=old.expires_at,
        ),
        action="key.rotate",
    )
    await revoke(runtime, principal, tenant_id, key_id)
    return fresh


async def bridge_key(runtime: Runtime, tenant_id: UUID) -> str:
    """The tenant's key for the bridge's model calls, created on first use, stored encrypted."""
    context = bridge_key_context(tenant_id)
    async with runtime.db.tenant_transaction(tenant_id) as conn:
        row = await KeyRepository(conn).active_bridge_key()
    if row is not None:
        return runtime.secrets.decrypt(row.encrypted_secret, context=context)
    secret = new_secret()
    values: dict[str, Any] = {
        "name": "Slack bridge",
        "kind": "bridge",
        "prefix": secret[:DISPLAY_PREFIX_LENGTH],
        "encrypted_secret": runtime.secrets.encrypt(secret, context=context),
    }
    try:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            await KeyRepository(conn).create(
                tenant_id=tenant_id, key_hash=hash_key(secret), **values
            )
    except IntegrityError:
        # Another process created it first: use theirs.
        return await bridge_key(runtime, tenant_id)
    return secret
