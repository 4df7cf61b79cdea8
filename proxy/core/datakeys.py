"""Tenants' data keys: made on first use, unwrapped once per process, rotated, shredded.

Every tenant has a random data key (and, after rotations, older versions until their rows
are re-sealed); the key store keeps each one wrapped by the platform key. A process keeps
the unwrapped keyring of a tenant in memory for `ttl_seconds`, so reading a thread costs no
key-store round trip and no unwrap; a value sealed under a version the cached keyring does
not hold reloads it at once (a rotation elsewhere). Shredding drops the local copy; other
processes hold theirs at most `ttl_seconds` longer, over rows that no longer exist.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from proxy.core.crypto import (
    DataKey,
    DecryptionError,
    SecretBox,
    TenantKeyring,
    new_data_key,
)
from proxy.core.db.engine import Database
from proxy.core.keystore import KeyStoreRepository


class TenantShreddedError(DecryptionError):
    """The tenant's data keys were destroyed: its content cannot be read or written."""


def wrap_context(tenant_id: UUID, version: int) -> str:
    return f"tenant_data_key:{tenant_id}:{version}"


@dataclass
class Rewrap:
    rewrapped: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Cached:
    keyring: TenantKeyring
    expires: float


@dataclass(frozen=True)
class TenantKeys:
    """One tenant's data keys as a repository holds them: the keyring, from the process's
    cache, reloaded when a row names a version the cached copy lacks."""

    data_keys: "DataKeys"
    tenant_id: UUID

    async def keyring(self, *, needs: Iterable[int] = ()) -> TenantKeyring:
        return await self.data_keys.keyring(self.tenant_id, needs=needs)


class DataKeys:
    def __init__(self, store: Database, box: SecretBox, *, ttl_seconds: float) -> None:
        self.store = store
        self.box = box
        self.ttl_seconds = ttl_seconds
        self._cache: dict[UUID, _Cached] = {}

    async def keyring(self, tenant_id: UUID, *, needs: Iterable[int] = ()) -> TenantKeyring:
        """The tenant's keys, from memory while fresh; its first key is made on first use.

        `needs`: versions that sealed values name; one missing from the cached copy (made by
        a rotation in another process) reloads it.
        """
        cached = self._cache.get(tenant_id)
        if (
            cached is not None
            and cached.expires > time.monotonic()
            and all(cached.keyring.holds(version) for version in needs)
        ):
            return cached.keyring
        return (await self._load(tenant_id)).keyring

    async def superseded(self, tenant_id: UUID) -> dict[int, datetime]:
        """Superseded versions still kept, with when each was replaced (freshly read; none
        for a tenant without keys, for which none is made)."""
        async with self.store.platform_transaction() as conn:
            rows = await KeyStoreRepository(conn).versions(tenant_id)
        return {row.version: row.superseded_at for row in rows if row.superseded_at}

    async def now(self) -> datetime:
        """The key store's clock (supersession times are on it)."""
        async with self.store.platform_transaction() as conn:
            return await KeyStoreRepository(conn).now()

    def of(self, tenant_id: UUID) -> TenantKeys:
        return TenantKeys(self, tenant_id)

    def forget(self, tenant_id: UUID) -> None:
        self._cache.pop(tenant_id, None)

    async def _load(self, tenant_id: UUID) -> _Cached:
        async with self.store.platform_transaction() as conn:
            repo = KeyStoreRepository(conn)
            rows = await repo.versions(tenant_id)
            if not rows:
                await repo.lock_tenant(tenant_id)
                rows = await repo.versions(tenant_id)  # made meanwhile by another process
            if not rows:
                if await repo.is_shredded(tenant_id):
                    self.forget(tenant_id)
                    raise TenantShreddedError("this tenant's data keys were destroyed")
                material = new_data_key()
                await repo.add(tenant_id, 1, self._wrap(tenant_id, 1, material))
                rows = await repo.versions(tenant_id)
        keys = {
            row.version: DataKey.of(
                row.version,
                self._unwrap(tenant_id, row.version, row.wrapped_key),
            )
            for row in rows
        }
        entry = _Cached(
            keyring=TenantKeyring(tenant_id=tenant_id, current=rows[0].version, keys=keys),
            expires=time.monotonic() + self.ttl_seconds,
        )
        self._cache[tenant_id] = entry
        return entry

    def _wrap(self, tenant_id: UUID, version: int, material: bytes) -> str:
        return self.box.encrypt(material.hex(), context=wrap_context(tenant_id, version))

    def _unwrap(self, tenant_id: UUID, version: int, wrapped: str) -> bytes:
        return bytes.fromhex(self.box.decrypt(wrapped, context=wrap_context(tenant_id, version)))

    async def rotate(self, tenant_id: UUID) -> int | None:
        """Make a new current data key version (older ones still open what they sealed);
        None for a tenant that has no key yet, so has nothing sealed."""
        async with self.store.platform_transaction() as conn:
            repo = KeyStoreRepository(conn)
            await repo.lock_tenant(tenant_id)
            if await repo.is_shredded(tenant_id):
                raise TenantShreddedError("this tenant's data keys were destroyed")
            rows = await repo.versions(tenant_id)
            if not rows:
                return None
            version: int = rows[0].version + 1
            await repo.add(tenant_id, version, self._wrap(tenant_id, version, new_data_key()))
        self.forget(tenant_id)
        return version

    async def retire(self, tenant_id: UUID, versions: list[int]) -> int:
        """Destroy superseded versions once nothing is sealed under them any more."""
        if not versions:
            return 0
        async with self.store.platform_transaction() as conn:
            retired = await KeyStoreRepository(conn).retire(tenant_id, versions)
        self.forget(tenant_id)
        return retired

    async def shred(self, tenant_id: UUID) -> int:
        """Destroy every data key of the tenant, for good: what they sealed is unreadable,
        in this database and in every copy of it."""
        async with self.store.platform_transaction() as conn:
            repo = KeyStoreRepository(conn)
            await repo.lock_tenant(tenant_id)
            destroyed = await repo.shred(tenant_id)
        self.forget(tenant_id)
        return destroyed

    async def rewrap_all(self) -> Rewrap:
        """Re-wrap every data key under the current platform key (platform key rotation)."""
        done = Rewrap()
        async with self.store.platform_transaction() as conn:
            repo = KeyStoreRepository(conn)
            for row in await repo.all_keys():
                if not self.box.needs_rotation(row.wrapped_key):
                    done.current += 1
                    continue
                context = wrap_context(row.tenant_id, row.version)
                try:
                    fresh = self.box.rotate(row.wrapped_key, context=context)
                except DecryptionError as exc:
                    done.unreadable.append(
                        f"tenant {row.tenant_id} data key version {row.version}: {exc}"
                    )
                    continue
                await repo.rewrap(row.tenant_id, row.version, fresh)
                done.rewrapped += 1
        return done
