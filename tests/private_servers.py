"""Private Postgres 15 and Redis servers for tests that must configure or restart them.

The shared servers on 5432/6379 are never touched: each object here owns a temporary
directory, a free port and the server process, and removes all of it on `close()` (or at
interpreter exit, whatever happens). Typical use, one server per test session:

    with PrivatePostgres(conf=["ssl = on"], hba=["hostssl all all 127.0.0.1/32 trust"]) as pg:
        pg.psql("CREATE DATABASE app")
        url = pg.url("app")                      # postgresql://postgres@127.0.0.1:<port>/app
        pg.restart()                             # same data, same port

    with PrivateRedis(["--appendonly", "yes"]) as redis_server:
        redis_server.url                         # redis://127.0.0.1:<port>
        redis_server.restart()                   # same dir (RDB/AOF kept), same port
"""

import atexit
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import redis

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_OS_USER = "postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_postgres(*command: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Postgres refuses to run as root: every server-side command runs as its OS user."""
    return subprocess.run(
        ["runuser", "-u", PG_OS_USER, "--", *map(str, command)],
        check=check,
        capture_output=True,
        text=True,
    )


@dataclass(frozen=True)
class ServerTls:
    """Files a server presents (certificate, key) and the CA it trusts for client certs."""

    cert_file: Path
    key_file: Path
    ca_file: Path


class PrivatePostgres:
    """A Postgres 15 cluster of our own: `initdb` on creation, `start()`/`stop()`/`restart()`.

    `conf` lines are appended to postgresql.conf, `hba` lines make up pg_hba.conf after a
    `local all all trust` line (so `psql()` always works over the Unix socket); with no
    `hba` given, 127.0.0.1 connects with trust. `files` are copied into the data directory
    (owned by postgres, mode 0600: what `ssl_key_file` demands) and can be named in `conf`
    by their bare file name.
    """

    def __init__(
        self,
        conf: Sequence[str] = (),
        hba: Sequence[str] = (),
        files: Mapping[str, Path] | None = None,
    ) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="konstruct-pg-"))
        shutil.chown(self.root, PG_OS_USER, PG_OS_USER)
        self.data_dir = self.root / "data"
        self.log_path = self.root / "postgres.log"
        self._started = False
        atexit.register(self.close)
        _as_postgres(
            PG_BIN / "initdb",
            "-D",
            self.data_dir,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        for name, source in (files or {}).items():
            self.write_file(name, source.read_bytes())
        self.append_conf(
            [
                f"port = {self.port}",
                "listen_addresses = '127.0.0.1'",
                f"unix_socket_directories = '{self.root}'",
                "fsync = off",
                "full_page_writes = off",
                *conf,
            ]
        )
        self.set_hba(hba or ["host all all 127.0.0.1/32 trust"])

    def write_file(self, name: str, content: bytes, mode: int = 0o600) -> Path:
        path = self.data_dir / name
        path.write_bytes(content)
        shutil.chown(path, PG_OS_USER, PG_OS_USER)
        path.chmod(mode)
        return path

    def append_conf(self, lines: Sequence[str]) -> None:
        """Takes effect on the next `restart()` (or `reload()` for reloadable settings)."""
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n" + "\n".join(lines) + "\n")

    def set_hba(self, lines: Sequence[str]) -> None:
        self.write_file("pg_hba.conf", ("local all all trust\n" + "\n".join(lines) + "\n").encode())

    def start(self, timeout: int = 60) -> Self:
        result = _as_postgres(
            PG_BIN / "pg_ctl",
            "-D",
            self.data_dir,
            "-l",
            self.log_path,
            "-w",
            "-t",
            str(timeout),
            "start",
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"private postgres did not start: {result.stderr}\n{self.log()}")
        self._started = True
        return self

    def stop(self, mode: str = "fast") -> None:
        """`mode` is pg_ctl's: "smart", "fast" or "immediate" (a crash, recovered on start)."""
        if self._started:
            _as_postgres(
                PG_BIN / "pg_ctl", "-D", self.data_dir, "-m", mode, "-w", "stop", check=False
            )
            self._started = False

    def restart(self, mode: str = "fast") -> Self:
        self.stop(mode)
        return self.start()

    def reload(self) -> None:
        _as_postgres(PG_BIN / "pg_ctl", "-D", self.data_dir, "reload")

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser over the Unix socket; returns unaligned, tuples-only output."""
        result = _as_postgres(
            PG_BIN / "psql",
            "-h",
            self.root,
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-c",
            sql,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr}")
        return result.stdout.strip()

    def url(
        self, database: str = "postgres", user: str = "postgres", password: str | None = None
    ) -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


class PrivateRedis:
    """A redis-server of our own on a free port, with `args` appended to its command line.

    With `tls`, the port is a TLS port (plain TCP off) that accepts TLS 1.3 only and does
    not ask for client certificates; `url` is then `rediss://` and `client()` verifies the
    server against `tls.ca_file`. The working directory (RDB/AOF files) survives `restart()`.
    """

    def __init__(self, args: Sequence[str] = (), tls: ServerTls | None = None) -> None:
        self.port = free_port()
        self.tls = tls
        self.dir = Path(tempfile.mkdtemp(prefix="konstruct-redis-"))
        self.log_path = self.dir / "redis.log"
        self.args = list(args)
        self.proc: subprocess.Popen[bytes] | None = None
        atexit.register(self.close)

    @property
    def url(self) -> str:
        return f"{'rediss' if self.tls else 'redis'}://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        command = ["redis-server", "--bind", "127.0.0.1", "--dir", str(self.dir), "--save", ""]
        if self.tls is None:
            command += ["--port", str(self.port)]
        else:
            command += [
                "--port",
                "0",
                "--tls-port",
                str(self.port),
                "--tls-cert-file",
                str(self.tls.cert_file.resolve()),
                "--tls-key-file",
                str(self.tls.key_file.resolve()),
                "--tls-ca-cert-file",
                str(self.tls.ca_file.resolve()),
                "--tls-auth-clients",
                "no",
                "--tls-protocols",
                "TLSv1.3",
            ]
        return command + self.args

    def client(self, db: int = 0) -> "redis.Redis":
        if self.tls is None:
            return redis.Redis(host="127.0.0.1", port=self.port, db=db)
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            db=db,
            ssl=True,
            ssl_ca_certs=str(self.tls.ca_file.resolve()),
            ssl_min_version=ssl.TLSVersion.TLSv1_3,
        )

    def start(self, timeout: float = 30) -> Self:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=self.dir
            )
        client = self.client()
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"private redis exited early:\n{self.log()}")
                try:
                    if client.ping():
                        return self
                except (redis.ConnectionError, redis.BusyLoadingError):
                    pass
                time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise RuntimeError(f"private redis not ready within {timeout}s:\n{self.log()}")

    def stop(self, sig: int = 15) -> None:
        """SIGTERM (default) shuts down cleanly, saving as configured; SIGKILL is a crash."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def restart(self, sig: int = 15) -> Self:
        self.stop(sig)
        return self.start()

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def close(self) -> None:
        self.stop(9)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()
