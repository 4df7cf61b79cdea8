"""What the deployment checks share: .env.example's names and which of them are secrets,
deploy/docker-compose.yml as docker-compose renders it and deploy/k8s as kustomize does."""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.ensure_docker_compose import ensure
from tests.processes import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
K8S = DEPLOY / "k8s"
LAYOUTS = ["base", "overlays/production"]
MASTER_KEY_MARK = "sk-master-key-from-the-env-file"
# Compose's own Redis: TLS 1.3 only, reachable only inside its network, no password.
COMPOSE_REDIS_URL = "rediss://redis:6379/0?ssl_ca_certs=/etc/konstruct/tls/ca.crt"

# Names whose values are credentials: they reach containers only from the operator's env file
# (compose) or Secret (Kubernetes), never as a committed value. The URLs carry passwords.
_SECRET_SUFFIXES = ("_KEY", "_SECRET", "_PASSWORD")
_SECRET_URLS = {
    "DATABASE_URL",
    "DATABASE_ADMIN_URL",
    "REDIS_URL",
    "KONSTRUCT_KEYSTORE_URL",
    "KONSTRUCT_KEYSTORE_ADMIN_URL",
}


# Read on an operator's own machine by the `konstruct` CLI, by no deployed service.
CLI_ONLY = {"KONSTRUCT_TENANT_KEY"}


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


@pytest.fixture(scope="session")
def docker_compose() -> str:
    """docker-compose, installed when missing; a clear failure (never a skip) otherwise."""
    try:
        return ensure()
    except SystemExit as exc:
        pytest.fail(f"docker-compose is needed to check deploy/docker-compose.yml: {exc}")


@pytest.fixture(scope="session")
def rendered(docker_compose: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`docker-compose config` with an env file made from .env.example (one value changed, to
    see that values really come from the file)."""
    settings = {**example_settings(), "KONSTRUCT_MASTER_KEY": MASTER_KEY_MARK}
    env_file = tmp_path_factory.mktemp("compose") / "env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in settings.items()))
    result = subprocess.run(  # noqa: S603 (docker-compose found above)
        [docker_compose, "--env-file", str(env_file), "-f", str(COMPOSE), "config"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # An unset variable is only a warning to docker-compose: here it is a failure.
    assert "is not set" not in result.stderr, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


@pytest.fixture(scope="session")
def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.fail("kubectl is needed to render deploy/k8s (`kubectl kustomize`): install it")
    return found


@pytest.fixture(scope="session", params=LAYOUTS)
def docs(request: pytest.FixtureRequest, kubectl: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / request.param)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rendered = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert len(rendered) >= 10
    return rendered


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
