"""`konstruct` starts at once: --help and the list commands load none of the heavy libraries.

Behaviour, not timing (make bench has the wall times: bench/cli.py): each command runs in a
fresh interpreter, which then reports every top-level module it loaded.
"""

import json
import subprocess
import sys

import pytest

from tests.cli.conftest import Konstruct
from tests.stack import ProxyServer, make_world

pytestmark = pytest.mark.e2e

# What the gateway, the database, Redis, Slack and chat need, and no listing of tenants does.
NEVER_FOR_LISTS = frozenset(
    {
        "litellm",
        "openai",
        "asyncpg",
        "sqlalchemy",
        "redis",
        "rq",
        "yaml",
        "cryptography",
        "aiohttp",
        "slack_sdk",
        "slack_bolt",
        "proxy",
        "bridge",
        "plugins",
    }
)
# Help needs none of the clients at all: no HTTP client, no settings class either.
NEVER_FOR_HELP = NEVER_FOR_LISTS | {"httpx", "httpcore", "pydantic_settings", "dotenv"}

MARK = "LOADED-MODULES "
PROBE = f"""
import json, sys
from cli.main import app
try:
    app(sys.argv[1:], prog_name="konstruct")
except SystemExit:
    pass
sys.stderr.write("\\n{MARK}" + json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def loaded(konstruct: Konstruct, *args: str) -> tuple[set[str], str]:
    """The top-level modules `konstruct ARGS` had loaded when it finished, and its output."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *konstruct.args(*args)],
        env=konstruct.process_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = done.stderr.rpartition(MARK)[2]
    assert report, done.stderr
    return set(json.loads(report)), done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("tenant", "--help"),
        ("chat", "--help"),
        ("doctor", "--help"),
        ("slack", "simulate", "--help"),
    ],
)
def test_help_loads_no_client_library(konstruct: Konstruct, args: tuple[str, ...]) -> None:
    modules, shown = loaded(konstruct, *args)
    assert "Usage: konstruct" in shown
    assert modules & NEVER_FOR_HELP == set()


def test_list_commands_load_only_the_http_client_and_settings(
    konstruct: Konstruct, proxy: ProxyServer
) -> None:
    world = make_world(proxy, "Lister")
    for args in (
        # Paged (25 a page) and the suite makes many tenants: searched for, as an operator would.
        ("tenant", "list", "--query", world.slug),
        ("agent", "list", "--tenant", world.slug),
        ("key", "list", "--tenant", world.slug),
    ):
        modules, shown = loaded(konstruct, *args)
        assert world.slug in shown, args  # the proxy answered, and the list was printed
        assert modules & NEVER_FOR_LISTS == set(), args
