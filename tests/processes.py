"""Running our own components as real processes in tests, with their logs kept for inspection."""

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# One log directory per scratch Redis database, so two suites on one machine (a CI run
# beside a developer's) neither wipe nor scan each other's logs.
_REDIS_DB = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15").rsplit("/", 1)[-1]
LOG_DIR = ROOT / ".run" / ("test-logs" if _REDIS_DB == "15" else f"test-logs-{_REDIS_DB}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Process:
    """A component started with `python -m module`, waited for on its health URL."""

    def __init__(
        self,
        name: str,
        module: str,
        env: Mapping[str, str],
        health_url: str,
        ready: Callable[[httpx.Response], bool] = lambda response: response.status_code == 200,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self.name = name
        self.module = module
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        self.health_url = health_url
        self.ready = ready
        self.verify = verify  # for an https health URL: the context that trusts its CA
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 240) -> "Process":
        # Another suite may have cleared the log folder since this object was made.
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", self.module],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                if self.ready(httpx.get(self.health_url, timeout=5, verify=self.verify)):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} not healthy within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, 15)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
