"""TLS 1.3 on every wire: a private Postgres and Redis that accept TLS 1.3 only, with
certificates made by scripts/certs.py, once per session; and the probes that show what a
client below TLS 1.3, or one that does not trust the server, gets."""

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from policies.tls import postgres_connection
from proxy.migrate import migrate
from scripts.certs import CertFiles, ensure_certs, make_ca
from tests.private_servers import PrivatePostgres, PrivateRedis, ServerTls

# A second loopback address the servers also listen on; no certificate names it.
UNNAMED_HOST = "127.0.0.2"
APP_ROLE_PASSWORD = "konstruct-app-over-tls"


@dataclass(frozen=True)
class Certs:
    files: CertFiles
    rogue_ca: Path  # a CA that signed nothing we serve


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    directory = tmp_path_factory.mktemp("certs")
    files, made = ensure_certs(directory)
    assert len(made) == 4
    assert ensure_certs(directory) == (files, [])  # idempotent: nothing made the second time
    make_ca(directory / "rogue-ca.pem", directory / "rogue-ca-key.pem", name="Someone else")
    return Certs(files, directory / "rogue-ca.pem")


def tls12_only(ca_file: Path) -> ssl.SSLContext:
    """A client that trusts the server and would verify it, but speaks at most TLS 1.2."""
    context = ssl.create_default_context(cafile=str(ca_file))
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context


def handshake(port: int, context: ssl.SSLContext, host: str = "127.0.0.1") -> str:
    """A bare TLS handshake (Redis, HTTPS): the negotiated version, or raises ssl.SSLError."""
    with (
        socket.create_connection((host, port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        version = tls.version()
        assert version is not None
        return version


@dataclass(frozen=True)
class TlsPostgres:
    server: PrivatePostgres
    ca_file: Path
    database: str = "konstruct_tls"

    def url(
        self,
        user: str = "postgres",
        password: str | None = None,
        host: str = "127.0.0.1",
        ca_file: Path | None = None,
    ) -> str:
        auth = user if password is None else f"{user}:{password}"
        return (
            f"postgresql://{auth}@{host}:{self.server.port}/{self.database}"
            f"?sslmode=verify-full&sslrootcert={ca_file or self.ca_file}"
        )

    @property
    def admin_url(self) -> str:
        return self.url()

    @property
    def app_url(self) -> str:
        return self.url("konstruct_app", APP_ROLE_PASSWORD)


@pytest.fixture(scope="session")
def tls_postgres(certs: Certs) -> Iterator[TlsPostgres]:
    """Postgres 15 with TLS 1.3 at least and no unencrypted TCP rule, schema migrated over TLS."""
    server = PrivatePostgres(
        conf=[
            "ssl = on",
            "ssl_cert_file = 'server.pem'",
            "ssl_key_file = 'server-key.pem'",
            "ssl_min_protocol_version = 'TLSv1.3'",
            f"listen_addresses = '127.0.0.1,{UNNAMED_HOST}'",
        ],
        hba=[
            "hostssl all postgres 127.0.0.0/8 trust",
            "hostssl all all 127.0.0.0/8 scram-sha-256",
        ],
        files={"server.pem": certs.files.server_cert, "server-key.pem": certs.files.server_key},
    )
    with server:
        pg = TlsPostgres(server, certs.files.ca_cert)
        migrate(pg.admin_url, pg.app_url)
        yield pg


async def postgres_tls_version(url: str, **connect: object) -> str:
    """Connect as the URL says (plus `connect` overrides); the session's TLS version."""
    dsn, tls = postgres_connection(url)
    conn = await asyncpg.connect(dsn, **{**tls, **connect})
    try:
        row = await conn.fetchrow(
            "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()"
        )
    finally:
        await conn.close()
    assert row is not None
    assert row["ssl"] is True
    return str(row["version"])


@dataclass(frozen=True)
class TlsRedis:
    server: PrivateRedis
    ca_file: Path

    def url(self, db: int = 0, host: str = "127.0.0.1", ca_file: Path | None = None) -> str:
        return f"rediss://{host}:{self.server.port}/{db}?ssl_ca_certs={ca_file or self.ca_file}"


@pytest.fixture(scope="session")
def tls_redis(certs: Certs) -> Iterator[TlsRedis]:
    """redis-server with its TCP port off and a TLS port that accepts TLS 1.3 only."""
    files = certs.files
    server = PrivateRedis(
        ["--bind", "127.0.0.1", UNNAMED_HOST],
        tls=ServerTls(files.server_cert, files.server_key, files.ca_cert),
    )
    with server:
        yield TlsRedis(server, files.ca_cert)
