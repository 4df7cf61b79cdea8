"""What the deployment checks share: .env.example's names and which of them are secrets."""

import re
from pathlib import Path

import pytest

from tests.processes import ROOT

DEPLOY = ROOT / "deploy"

# Names whose values are credentials: they reach containers only from the operator's env file
# (compose) or Secret (Kubernetes), never as a committed value. The URLs carry passwords.
_SECRET_SUFFIXES = ("_KEY", "_SECRET", "_PASSWORD")
_SECRET_URLS = {"DATABASE_URL", "DATABASE_ADMIN_URL", "REDIS_URL"}


# Read on an operator's own machine by the `konstruct` CLI, by no deployed service.
CLI_ONLY = {"KONSTRUCT_TENANT_KEY"}
# Deployed, TLS ends at the load balancer or Ingress: the processes serve plain HTTP inside.
LB_TLS = {"KONSTRUCT_TLS_CERT_FILE", "KONSTRUCT_TLS_KEY_FILE", "KONSTRUCT_TLS_CA_FILE"}


def is_secret(name: str) -> bool:
    return name.endswith(_SECRET_SUFFIXES) or name in _SECRET_URLS


def example_settings(path: Path = ROOT / ".env.example") -> dict[str, str]:
    """`NAME=value` lines of .env.example, in order."""
    settings: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            name, value = line.split("=", 1)
            settings[name] = value
    return settings


@pytest.fixture(scope="session")
def example_names() -> set[str]:
    names = set(example_settings())
    assert {"DATABASE_URL", "REDIS_URL", "KONSTRUCT_MASTER_KEY"} <= names  # parsed for real
    return names


def runnable(command: str) -> list[str]:
    """The `python -m module` modules a command names that have no `__main__` entry here."""
    missing = []
    for module in re.findall(r"python -m ([\w.]+)", command):
        path = ROOT / (module.replace(".", "/") + ".py")
        if not path.is_file() or '__name__ == "__main__"' not in path.read_text():
            missing.append(module)
    return missing


# The replica test (test_replicas.py) runs the bridge the way tests/bridge does, from its
# settings; importing the fixture makes it available here.
from tests.bridge.conftest import bridge_env  # noqa: E402, F401
