"""`python -m proxy.rotate_secrets`: re-encrypt every stored secret under the current key.

Put the new key first in KONSTRUCT_SECRET_KEY and keep the old one after it
(`new:…,old:…`), run this, then drop the old key. Each tenant is done in its own
transaction, so a failure leaves every secret readable under one of the two keys.
OAuth install states live ten minutes in Redis and are not rotated.
"""

import asyncio
import sys
from dataclasses import dataclass

from proxy.connections.repository import ConnectionRepository
from proxy.connections.service import bot_token_context
from proxy.keys.repository import KeyRepository
from proxy.keys.service import bridge_key_context
from proxy.runtime import Runtime
from proxy.settings import get_settings
from proxy.tenants.repository import TenantRepository


@dataclass
class Rotation:
    tenants: int = 0
    resealed: int = 0
    current: int = 0


async def rotate(runtime: Runtime) -> Rotation:
    box = runtime.secrets
    done = Rotation()
    async with runtime.db.platform_transaction() as conn:
        tenant_ids = [tenant.id for tenant in await TenantRepository(conn).list_all()]
    for tenant_id in tenant_ids:
        async with runtime.db.tenant_transaction(tenant_id) as conn:
            connections = ConnectionRepository(conn)
            for row in await connections.list_all():
                context = bot_token_context(tenant_id)
                if box.needs_rotation(row.encrypted_bot_token):
                    sealed = box.rotate(row.encrypted_bot_token, context=context)
                    await connections.update(row.id, encrypted_bot_token=sealed)
                    done.resealed += 1
                else:
                    done.current += 1
            keys = KeyRepository(conn)
            for key in await keys.list_all(kind="bridge"):
                if key.encrypted_secret is None:
                    continue
                if box.needs_rotation(key.encrypted_secret):
                    sealed = box.rotate(key.encrypted_secret, context=bridge_key_context(tenant_id))
                    await keys.reseal(key.id, sealed)
                    done.resealed += 1
                else:
                    done.current += 1
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


if __name__ == "__main__":
    asyncio.run(_main())
