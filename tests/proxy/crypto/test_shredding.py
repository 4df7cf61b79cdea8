"""Crypto-shredding: a backup taken before a tenant's deletion cannot give its content back."""

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from proxy.core.crypto import DataKey, DecryptionError, TenantKeyring
from proxy.core.datakeys import TenantShreddedError, wrap_context
from proxy.core.db.engine import Database
from proxy.core.principal import PLATFORM_ADMIN, Principal
from proxy.features.conversations.service import MESSAGE_TEXT
from proxy.features.runtime.repository import (
    APPROVAL_ARGUMENTS,
    APPROVAL_RESULT,
    APPROVAL_STATUS_TEXT,
    TOOL_CALL_ARGUMENTS,
    ApprovalRepository,
    approval_field,
    keyed_call_key,
)
from proxy.features.tenants import service as tenants
from proxy.migrate import drop_database, ensure_app_role, ensure_database
from tests.conftest import Services, Tenant
from tests.proxy.crypto.helpers import (
    TOOL_NAME,
    TOOL_STATUS,
    history,
    key_rows,
    runtime_with,
    store,
    store_tool_call,
    stored_rows,
    tool_rows,
)

pytestmark = pytest.mark.integration

SECRETS_A = ["Acme's merger with Initech closes on 3 March", "Noted: I will keep it quiet."]
SECRETS_B = ["Globex payroll runs on Friday", "Payroll is confirmed for Friday."]
ADMIN = Principal(role=PLATFORM_ADMIN, actor="test-admin")
# What A's agent passed to a tool, and what the tool answered.
TOOL_A = {"order_id": "Z-90210", "customer": "Initech board", "card_pin": "PIN-8080"}
RESULT_A = "Refunded 9,900 EUR to the Initech escrow account"
TOOL_B = {"order_id": "G-4242", "customer": "Globex payroll", "card_pin": "PIN-1313"}
RESULT_B = "Refunded 12 EUR to Globex payroll"
TOOL_SECRETS = ["Z-90210", "Initech board", "PIN-8080", "Initech escrow", "G-4242", "PIN-1313"]


def _renamed(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=parts.path + suffix).geturl()


def _pg(args: list[str], admin_url: str) -> None:
    parts = urlsplit(admin_url)
    base = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    base += ["-U", parts.username or "postgres"]
    subprocess.run([args[0], *base, *args[1:]], check=True, capture_output=True)


async def test_a_backup_from_before_the_deletion_stays_unreadable(
    services: Services, tenant_a: Tenant, tenant_b: Tenant, tmp_path: Path
) -> None:
    runtime = runtime_with(services)
    restored_admin = _renamed(services.admin_url, "_restored")
    restored_app = _renamed(services.app_url, "_restored")
    try:
        await store(runtime, tenant_a.id, "T-shred", SECRETS_A)
        await store(runtime, tenant_b.id, "T-shred", SECRETS_B)
        assert await history(runtime, tenant_a.id, "T-shred") == SECRETS_A
        # Each tenant's agent also ran an approved tool call, recorded.
        await store_tool_call(runtime, tenant_a.id, "Ev-shred-tool", TOOL_A, RESULT_A)
        approval_b = await store_tool_call(runtime, tenant_b.id, "Ev-shred-tool", TOOL_B, RESULT_B)

        # The nightly backup of the main database, taken before the deletion.
        dump = tmp_path / "before-deletion.sql"
        dbname = urlsplit(services.admin_url).path.lstrip("/")
        _pg(["pg_dump", "--format=plain", f"--file={dump}", dbname], services.admin_url)
        backup = dump.read_text()
        assert str(tenant_a.id) in backup  # the tenant's rows are in it...
        for secret in SECRETS_A + SECRETS_B:  # ...but none of the content in clear,
            assert secret not in backup
        for secret in [*TOOL_SECRETS, TOOL_STATUS.rstrip("…")]:  # tool content included,
            assert secret not in backup
        for tenant in (tenant_a, tenant_b):  # ...nor any data key, even wrapped.
            for key in await key_rows(runtime, tenant.id):
                assert key.wrapped_key not in backup
        assert "tenant_data_keys" not in backup

        await tenants.delete(runtime, ADMIN, tenant_a.id)
        assert await key_rows(runtime, tenant_a.id) == []

        # Restore the backup into a new database; the platform key and the key store are
        # the ones that remain after the deletion.
        await drop_database(restored_admin)
        await ensure_database(restored_admin)
        _pg(
            ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-f", str(dump), "-d", dbname + "_restored"],
            services.admin_url,
        )
        await ensure_app_role(restored_admin, restored_app)
        restored = runtime_with(
            services, database_url=restored_app, keystore_url=runtime.settings.keystore_url
        )
        try:
            # The restore worked: the tenant that was not deleted reads its history and its
            # tool calls...
            assert await history(restored, tenant_b.id, "T-shred") == SECRETS_B
            async with restored.db.tenant_transaction(tenant_b.id) as conn:
                b_approval = await ApprovalRepository(conn, restored.data_keys.of(tenant_b.id)).get(
                    approval_b
                )
            assert b_approval is not None
            assert (b_approval.arguments, b_approval.result) == (TOOL_B, ("ok", RESULT_B))
            # ...and the deleted tenant's ciphertext is all there, but nothing opens it.
            restored_owner = Database(restored_admin, pool_size=1)
            rows = await stored_rows(restored_owner, tenant_a.id, "T-shred")
            [a_approval], [a_call] = await tool_rows(restored_owner, tenant_a.id)
            await restored_owner.dispose()
            assert len(rows) == 2
            with pytest.raises(TenantShreddedError):
                await history(restored, tenant_a.id, "T-shred")
            with pytest.raises(TenantShreddedError):
                async with restored.db.tenant_transaction(tenant_a.id) as conn:
                    await ApprovalRepository(conn, restored.data_keys.of(tenant_a.id)).get(
                        a_approval.id
                    )
            # Not with any key that remains in the key store, either.
            remaining = 0
            async with restored.keystore.platform_transaction() as conn:
                keys = (
                    await conn.execute(
                        text("select tenant_id, version, wrapped_key from tenant_data_keys")
                    )
                ).all()
            for key in keys:
                try:
                    material = bytes.fromhex(
                        restored.secrets.decrypt(
                            key.wrapped_key, context=wrap_context(key.tenant_id, key.version)
                        )
                    )
                except DecryptionError:  # wrapped by another suite's platform key
                    continue

                def ring(version: int, material: bytes = material) -> TenantKeyring:
                    key = DataKey.of(version, material)
                    return TenantKeyring(
                        tenant_id=tenant_a.id, current=version, keys={version: key}
                    )

                for row in rows:
                    with pytest.raises(DecryptionError):
                        ring(row.data_key_version).open_bytes(
                            row.sealed_text, version=row.data_key_version, field=MESSAGE_TEXT
                        )
                    remaining += 1
                # Neither the tool call's arguments nor anything of the approval opens...
                with pytest.raises(DecryptionError):
                    ring(a_call.data_key_version).open_bytes(
                        a_call.sealed_arguments,
                        version=a_call.data_key_version,
                        field=TOOL_CALL_ARGUMENTS,
                    )
                version = a_approval.data_key_version
                for column, field in (
                    ("sealed_arguments", APPROVAL_ARGUMENTS),
                    ("status_text", APPROVAL_STATUS_TEXT),
                    ("sealed_result", APPROVAL_RESULT),
                ):
                    with pytest.raises(DecryptionError):
                        ring(version).open(
                            getattr(a_approval, column),
                            version=version,
                            field=approval_field(field, a_approval.id),
                        )
                # ...and its call key cannot confirm a guess of the arguments.
                guess = keyed_call_key(ring(version), TOOL_NAME, TOOL_A, version=version)
                assert guess != a_approval.call_key
            assert remaining >= 2  # B's key at least was tried
        finally:
            await restored.close()
    finally:
        await runtime.close()
        await drop_database(restored_admin)
