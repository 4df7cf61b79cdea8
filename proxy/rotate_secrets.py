"""`python -m proxy.rotate_secrets`: re-encrypt every stored secret under the current key.

Put the new key first in KONSTRUCT_SECRET_KEY and keep the old one after it
(`new:…,old:…`), run this, then drop the old key. Each tenant is done in its own
transaction, so a failure leaves every secret readable under one of the two keys.
OAuth install states live ten minutes in Redis and are not rotated.
"""

import asyncio
import sys
from dataclasses import dataclass, field

from proxy.core.crypto import DecryptionError, SecretBox
from proxy.core.runtime import Runtime
from proxy.core.settings import get_settings
from proxy.features.connections.repository import ConnectionRepository
from proxy.features.connections.service import bot_token_context
from proxy.features.keys.repository import KeyRepository
from proxy.features.keys.service import bridge_key_context
from proxy.features.tenants.repository import TenantRepository


@dataclass
class Rotation:
    tenants: int = 0
    resealed: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)

    def reseal(self, box: SecretBox, sealed: str, *, context: str, what: str) -> str | None:
        """The ciphertext under the current key, or None when it is current or unreadable."""
        if not box.needs_rotation(sealed):
            self.current += 1
            return None
        try:
            fresh = box.rotate(sealed, context=context)
        except DecryptionError as exc:
            self.unreadable.append(f"{what}: {exc}")
            return None
        self.resealed += 1
        return fresh


async def rotate(runtime: Runtime) -> Rotation:
    box = runtime.secrets
    done = Rotation()
    async with runtime.db.platform_transaction() as conn:
        tenant_ids = [tenant.id for tenant in await TenantRepository(conn).list_all()]
    for tenant_id in tenant_ids:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            connections = ConnectionRepository(conn)
            for row in await connections.list_all():
                sealed = done.reseal(
                    box,
                    row.encrypted_bot_token,
                    context=bot_token_context(tenant_id),
                    what=f"tenant {tenant_id} Slack connection {row.id}",
                )
                if sealed is not None:
                    await connections.update(row.id, encrypted_bot_token=sealed)
            keys = KeyRepository(conn)
            for key in await keys.list_all(kind="bridge"):
                if key.encrypted_secret is None:
                    continue
                sealed = done.reseal(
                    box,
                    key.encrypted_secret,
                    context=bridge_key_context(tenant_id),
                    what=f"tenant {tenant_id} bridge key {key.id}",
                )
                if sealed is not None:
                    await keys.reseal(key.id, sealed)
        done.tenants += 1
    return done


async def _main() -> None:
    runtime = Runtime(get_settings())
    try:
        done = await rotate(runtime)
    finally:
        await runtime.close()
    sys.stdout.write(
        f"rotate_secrets: {done.tenants} tenants, {done.resealed} secrets re-encrypted under "
        f"key {runtime.secrets.current_kid!r}, {done.current} already current\n"
    )
    for problem in done.unreadable:
        sys.stderr.write(f"rotate_secrets: cannot decrypt {problem}\n")
    if done.unreadable:
        sys.stderr.write(
            "rotate_secrets: keep every old key in KONSTRUCT_SECRET_KEY until these are fixed\n"
        )
        raise SystemExit(1)


if __name__ == "__main__":
    asyncio.run(_main())
