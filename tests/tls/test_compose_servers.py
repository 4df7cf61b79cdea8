"""deploy/docker-compose.yml's Postgres and Redis settings on real servers: the `-c` options,
pg_hba.conf and redis-server arguments exactly as committed (only paths and ports moved to
this machine), with the certificates `make certs` makes for compose. A client that checks the
certificate against the CA gets TLS 1.3; a plain, a TLS 1.2 or an unauthenticated one does not."""

import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest
import redis
import yaml

from policies.tls import client_context, redis_url
from scripts.certs import ensure_compose_certs
from tests.private_servers import PrivatePostgres, free_port
from tests.processes import ROOT
from tests.tls.conftest import handshake, postgres_tls_version, tls12_only

pytestmark = pytest.mark.tls

COMPOSE = ROOT / "deploy" / "docker-compose.yml"
TLS_DIR = "/etc/konstruct/tls/"
PASSWORD = "compose-postgres-password"


def compose_command(service: str) -> list[str]:
    command: list[str] = yaml.safe_load(COMPOSE.read_text())["services"][service]["command"]
    return command


@pytest.fixture(scope="module")
def compose_certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_compose_certs(tmp_path_factory.mktemp("compose-certs"))[0]


@dataclass(frozen=True)
class ComposePostgres:
    server: PrivatePostgres
    ca_file: Path

    def url(self, password: str = PASSWORD) -> str:
        return (
            f"postgresql://postgres:{password}@127.0.0.1:{self.server.port}/postgres"
            f"?sslmode=verify-full&sslrootcert={self.ca_file}"
        )


@pytest.fixture(scope="module")
def compose_postgres(compose_certs: Path) -> Iterator[ComposePostgres]:
    """Postgres 15 with compose's `-c` options (the files in its data directory) and the
    network rules of deploy/postgres/pg_hba.conf."""
    command = compose_command("postgres")
    assert command[0] == "postgres"
    options = dict(
        option.split("=", 1) for _flag, option in zip(command[1::2], command[2::2], strict=True)
    )
    assert set(command[1::2]) == {"-c"}
    hba_file = options.pop("hba_file")
    assert hba_file == "/etc/konstruct/pg_hba.conf"
    conf = [f"{name} = '{value.removeprefix(TLS_DIR)}'" for name, value in options.items()]
    hba = (ROOT / "deploy" / "postgres" / "pg_hba.conf").read_text().splitlines()
    # The Unix socket line is PrivatePostgres's own (its psql); the network rules are compose's.
    rules = [line for line in hba if line.strip() and not line.startswith(("#", "local"))]
    files = {name: compose_certs / "postgres" / name for name in ("tls.crt", "tls.key", "ca.crt")}
    files["ca.crt"] = compose_certs / "ca.crt"
    with PrivatePostgres(conf=conf, hba=rules, files=files) as server:
        server.psql(f"ALTER USER postgres PASSWORD '{PASSWORD}'")
        yield ComposePostgres(server, compose_certs / "ca.crt")


async def test_compose_postgres_speaks_tls13_to_a_verifying_client(
    compose_postgres: ComposePostgres,
) -> None:
    assert await postgres_tls_version(compose_postgres.url()) == "TLSv1.3"


async def test_compose_postgres_rejects_plain_tls12_and_a_wrong_password(
    compose_postgres: ComposePostgres,
) -> None:
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError, match="no encryption"):
        await postgres_tls_version(compose_postgres.url(), ssl=False)
    with pytest.raises(ssl.SSLError, match="PROTOCOL_VERSION|protocol version"):
        await postgres_tls_version(compose_postgres.url(), ssl=tls12_only(compose_postgres.ca_file))
    with pytest.raises(asyncpg.InvalidPasswordError):
        await postgres_tls_version(compose_postgres.url(password="wrong"))


@dataclass(frozen=True)
class ComposeRedis:
    port: int
    ca_file: Path


@pytest.fixture(scope="module")
def compose_redis(compose_certs: Path) -> Iterator[ComposeRedis]:
    """redis-server with compose's arguments; only the certificate paths and the TLS port
    (6379 is the machine's shared Redis) are changed, plus a private working directory."""
    port = free_port()
    args = compose_command("redis")
    assert args[0] == "redis-server"
    moved = []
    for previous, arg in zip(["", *args[:-1]], args, strict=True):
        if previous == "--tls-port":
            assert arg == "6379"
            arg = str(port)
        elif arg.startswith(TLS_DIR):
            name = arg.removeprefix(TLS_DIR)
            arg = str(compose_certs / ("ca.crt" if name == "ca.crt" else f"redis/{name}"))
        moved.append(arg)
    with tempfile.TemporaryDirectory(prefix="konstruct-compose-redis-") as directory:
        command = [*moved, "--bind", "127.0.0.1", "--dir", directory, "--save", ""]
        process = subprocess.Popen(  # noqa: S603 (Debian's redis-server, compose's arguments)
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            _wait_for_tls(port, compose_certs / "ca.crt", process)
            yield ComposeRedis(port, compose_certs / "ca.crt")
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_for_tls(port: int, ca_file: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "redis-server exited with compose's arguments"
        try:
            handshake(port, client_context(str(ca_file)))
            return
        except (OSError, ssl.SSLError):
            time.sleep(0.2)
    raise AssertionError("redis-server did not accept TLS within 30 s")


def test_compose_redis_speaks_tls13_to_our_clients_and_refuses_tls12(
    compose_redis: ComposeRedis,
) -> None:
    url = redis_url(
        f"rediss://127.0.0.1:{compose_redis.port}/0?ssl_ca_certs={compose_redis.ca_file}"
    )
    with redis.Redis.from_url(url) as client:
        assert client.ping() is True
        # What the queue needs from it (README "Faults"), as compose configures it.
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    assert handshake(compose_redis.port, client_context(str(compose_redis.ca_file))) == "TLSv1.3"
    with pytest.raises(ssl.SSLError, match="PROTOCOL_VERSION|protocol version"):
        handshake(compose_redis.port, tls12_only(compose_redis.ca_file))


def test_compose_redis_has_no_plain_port(compose_redis: ComposeRedis) -> None:
    with (
        redis.Redis(host="127.0.0.1", port=compose_redis.port, socket_timeout=3) as client,
        pytest.raises(redis.ConnectionError),
    ):
        client.ping()
    # `--port 0`: the command opens no plain TCP port besides (the default would be 6379).
    args = compose_command("redis")
    assert args[args.index("--port") + 1] == "0"
