"""Postgres over TLS 1.3: migrations, the app role under RLS, and every weaker client refused."""

import ssl
import uuid

import asyncpg
import pytest
from sqlalchemy import text

from proxy.core.db.engine import Database
from proxy.features.agents.repository import AgentRepository
from tests.conftest import make_tenant
from tests.tls.conftest import UNNAMED_HOST, Certs, TlsPostgres, postgres_tls_version, tls12_only

pytestmark = pytest.mark.tls

SESSION_TLS = "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()"


async def test_migrated_schema_and_tenant_transactions_run_over_tls13(
    tls_postgres: TlsPostgres,
) -> None:
    db = Database(tls_postgres.app_url, pool_size=2)
    try:
        acme = await make_tenant(db, "Acme")
        globex = await make_tenant(db, "Globex")
        async with db.tenant_transaction(acme.id) as conn:
            await AgentRepository(conn).create(
                tenant_id=acme.id, slug=f"ada-{uuid.uuid4().hex[:6]}", name="Ada", role="Support"
            )
            session = (await conn.execute(text(SESSION_TLS))).one()
            assert (session.ssl, session.version) == (True, "TLSv1.3")
            assert await conn.scalar(text("select count(*) from agents")) == 1
        async with db.tenant_transaction(globex.id) as conn:
            assert await conn.scalar(text("select count(*) from agents")) == 0
        async with db.platform_transaction() as conn:
            assert await conn.scalar(text("select count(*) from agents")) == 0
            assert await conn.scalar(text("select current_user")) == "konstruct_app"
    finally:
        await db.dispose()
    # Alembic ran over the same TLS URL: the schema is at head.
    assert tls_postgres.server.psql("select version_num from alembic_version", "konstruct_tls")


async def test_owner_connection_is_tls13(tls_postgres: TlsPostgres) -> None:
    assert await postgres_tls_version(tls_postgres.admin_url) == "TLSv1.3"


async def test_tls12_client_is_refused(tls_postgres: TlsPostgres) -> None:
    with pytest.raises(ssl.SSLError, match="PROTOCOL_VERSION|protocol version"):
        await postgres_tls_version(tls_postgres.app_url, ssl=tls12_only(tls_postgres.ca_file))


async def test_unencrypted_client_is_refused(tls_postgres: TlsPostgres) -> None:
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError, match="no encryption"):
        await postgres_tls_version(tls_postgres.app_url, ssl=False)


async def test_verify_full_rejects_a_server_from_another_ca(
    tls_postgres: TlsPostgres, certs: Certs
) -> None:
    url = tls_postgres.url(ca_file=certs.rogue_ca)
    with pytest.raises(ssl.SSLCertVerificationError, match="certificate verify failed"):
        await postgres_tls_version(url)


async def test_verify_full_rejects_a_host_the_certificate_does_not_name(
    tls_postgres: TlsPostgres,
) -> None:
    url = tls_postgres.url(host=UNNAMED_HOST)
    with pytest.raises(ssl.SSLCertVerificationError, match="not valid for '127.0.0.2'"):
        await postgres_tls_version(url)


@pytest.mark.parametrize("mode", ["require", "verify-ca", "prefer", "allow"])
def test_weaker_sslmodes_are_refused_by_configuration(tls_postgres: TlsPostgres, mode: str) -> None:
    url = tls_postgres.app_url.replace("sslmode=verify-full", f"sslmode={mode}")
    with pytest.raises(ValueError, match="verify-full"):
        Database(url)
