"""The `konstruct` CLI against the real proxy process: in-process (Typer's CliRunner), or as
its own process where what matters is what the process loads or shows on a terminal."""

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from tests.bridge.conftest import Bridge, make_bridge_env, running_bridge
from tests.conftest import Services
from tests.fakes.slack import SlackFake
from tests.processes import free_port
from tests.stack import ProxyServer

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Konstruct:
    """Runs `konstruct --env-file <empty file> ARGS` with the given environment."""

    env: dict[str, str]
    env_file: Path

    def __call__(self, *args: str, input: str | None = None, **env: str) -> Result:  # noqa: A002
        runner = CliRunner()
        return runner.invoke(
            app,
            self.args(*args),
            input=input,
            env={**self.env, **env},
            catch_exceptions=False,
        )

    def args(self, *args: str) -> list[str]:
        return ["--env-file", str(self.env_file), *args]

    def argv(self, *args: str) -> list[str]:
        """The same command as a process of its own, as `.venv/bin/konstruct` runs it."""
        return [sys.executable, "-m", "cli.main", *self.args(*args)]

    def process_env(self, **env: str) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT), **self.env, **env}


@pytest.fixture
def konstruct(proxy: ProxyServer, services: Services, tmp_path: Path) -> Konstruct:
    env_file = tmp_path / "konstruct.env"
    env_file.write_text("")
    env = {
        "KONSTRUCT_PROXY_URL": proxy.url,
        "KONSTRUCT_MASTER_KEY": proxy.master_key,
        "REDIS_URL": services.redis_url,
        "DATABASE_URL": services.app_url,
        "DATABASE_ADMIN_URL": services.admin_url,
        # A session of `konstruct login` lives here: never the developer's own.
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        # Wide enough that rich never folds an id or a slug in a table.
        "COLUMNS": "250",
    }
    return Konstruct(env, env_file)


@dataclass(frozen=True)
class SimulatedSlack:
    bridge: Bridge
    api_url: str


@pytest.fixture(scope="session")
def simulated_slack(
    proxy: ProxyServer, services: Services, fake_slack_session: SlackFake
) -> Iterator[SimulatedSlack]:
    """A bridge (web + worker) whose SLACK_API_URL is a port `slack simulate` serves itself."""
    api_url = f"http://127.0.0.1:{free_port()}/api/"
    env = {
        **make_bridge_env(proxy, services.redis_url, fake_slack_session),
        "SLACK_API_URL": api_url,
        # The bridge suite's few seconds could lapse between two messages on a busy machine.
        "BRIDGE_ENGAGEMENT_TTL_SECONDS": "600",
    }
    with running_bridge(env, services.redis_url, proxy) as bridge:
        yield SimulatedSlack(bridge, api_url)
