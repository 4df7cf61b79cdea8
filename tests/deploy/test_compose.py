"""deploy/docker-compose.yml as Debian's docker-compose reads it: replicas behind the load
balancer, settings under .env.example's names from the env file, healthchecks (TLS:
test_compose_tls.py)."""

import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import (
    CLI_ONLY,
    COMPOSE,
    COMPOSE_REDIS_URL,
    DEPLOY,
    MASTER_KEY_MARK,
    is_secret,
    runnable,
)

pytestmark = pytest.mark.unit

# Addresses inside the compose network, set by the compose file itself (documented there).
TOPOLOGY = {
    "DATABASE_URL",
    "DATABASE_ADMIN_URL",
    "REDIS_URL",
    "KONSTRUCT_PROXY_URL",
    "PROXY_HOST",
    "PROXY_PORT",
    "BRIDGE_HOST",
    "BRIDGE_PORT",
    # Each server's certificate and the CA, where the certs service put them.
    "KONSTRUCT_TLS_CERT_FILE",
    "KONSTRUCT_TLS_KEY_FILE",
    "KONSTRUCT_TLS_CA_FILE",
    "NODE_EXTRA_CA_CERTS",
}


def services(rendered: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = rendered["services"]
    return found


def env(service: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = service.get("environment") or {}
    return found


def command(service: dict[str, Any]) -> list[str]:
    found: list[str] = service.get("command") or []
    return found


def ours(rendered: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Services built from deploy/'s Dockerfiles."""
    return {name: s for name, s in services(rendered).items() if "build" in s}


def nginx_upstreams() -> dict[str, list[str]]:
    """Listen port → the `host:port` servers of the upstream it proxies to."""
    text = (DEPLOY / "nginx.conf").read_text()
    upstreams = {
        name: re.findall(r"server\s+([\w.-]+:\d+)", body)
        for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", text, re.S)
    }
    routes = re.findall(r"listen\s+(\d+) ssl;.*?proxy_pass\s+https://(\w+);", text, re.S)
    return {port: upstreams[name] for port, name in routes}


def test_two_proxies_and_two_bridge_webs_sit_behind_the_load_balancer(
    rendered: dict[str, Any],
) -> None:
    all_services = services(rendered)
    proxies = [n for n, s in all_services.items() if command(s)[-1:] == ["proxy.serve"]]
    webs = [n for n, s in all_services.items() if command(s)[-1:] == ["bridge.web"]]
    assert sorted(proxies) == ["proxy-1", "proxy-2"]
    assert sorted(webs) == ["bridge-web-1", "bridge-web-2"]
    routes = nginx_upstreams()
    assert sorted(routes["4000"]) == [f"{n}:{env(all_services[n])['PROXY_PORT']}" for n in proxies]
    assert sorted(routes["3001"]) == [f"{n}:{env(all_services[n])['BRIDGE_PORT']}" for n in webs]
    assert routes["3000"] == ["portal:3443"]  # portal-tls, in the portal's network namespace
    lb = all_services["lb"]
    assert lb["image"].startswith("nginx:")
    assert any(v.endswith(":/etc/nginx/nginx.conf:ro") for v in lb["volumes"])
    assert set(lb["depends_on"]) >= {*proxies, *webs, "portal-tls"}
    published = {str(p["published"]) for p in lb["ports"]}
    assert published == {"4000", "3001", "3000"}
    # Nothing reaches a replica except through the load balancer.
    assert all("ports" not in all_services[n] for n in [*proxies, *webs])
    # The bridge and the portal reach the proxies through it as well.
    for name in [*webs, "worker", "portal"]:
        assert env(all_services[name])["KONSTRUCT_PROXY_URL"] == "https://lb:4000", name


def test_workers_scale_and_share_one_postgres_and_redis(rendered: dict[str, Any]) -> None:
    all_services = services(rendered)
    worker = all_services["worker"]
    assert worker["command"][-1] == "bridge.worker"
    assert worker["scale"] >= 2
    assert all_services["postgres"]["image"].startswith("postgres:15")
    assert all_services["redis"]["image"].startswith("redis:7")
    command = " ".join(all_services["redis"]["command"])
    assert "--appendonly yes" in command
    assert "--appendfsync always" in command  # what KONSTRUCT_ENV=production requires
    assert "--maxmemory-policy noeviction" in command
    redis_urls = {env(s)["REDIS_URL"] for s in ours(rendered).values() if "REDIS_URL" in env(s)}
    assert redis_urls == {COMPOSE_REDIS_URL}
    db_hosts = {
        env(s)["DATABASE_URL"].split("@")[1].split("?")[0]
        for s in ours(rendered).values()
        if "DATABASE_URL" in env(s)
    }
    assert db_hosts == {"postgres:5432/konstruct"}


def test_migrate_runs_once_before_the_proxies(rendered: dict[str, Any]) -> None:
    all_services = services(rendered)
    migrate = all_services["migrate"]
    assert migrate["restart"] == "no"
    assert "proxy.migrate" in " ".join(migrate["command"])
    assert "DATABASE_ADMIN_URL" in env(migrate)
    for name in ("proxy-1", "proxy-2"):
        assert all_services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        # Least privilege: only migrate holds the owner's credentials.
        assert "DATABASE_ADMIN_URL" not in env(all_services[name])


def test_every_setting_has_an_env_example_name_and_comes_from_the_env_file(
    rendered: dict[str, Any], example_names: set[str]
) -> None:
    for name, service in services(rendered).items():
        unknown = set(env(service)) - example_names
        assert not unknown, f"{name} reads names .env.example does not list: {sorted(unknown)}"
    assert env(services(rendered)["proxy-1"])["KONSTRUCT_MASTER_KEY"] == MASTER_KEY_MARK
    assert env(services(rendered)["migrate"])["KONSTRUCT_MASTER_KEY"] == MASTER_KEY_MARK
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", COMPOSE.read_text()))
    assert interpolated <= example_names
    missing = example_names - interpolated - TOPOLOGY - CLI_ONLY
    assert not missing, (
        f"{sorted(missing)} are in .env.example but not passed to any service: "
        "add them to deploy/docker-compose.yml (and deploy/k8s/)"
    )
    for name in TOPOLOGY:
        assert any(name in env(s) for s in ours(rendered).values()), name


def test_secrets_are_never_written_in_the_compose_file(example_names: set[str]) -> None:
    raw: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())  # anchors resolved
    checked = 0
    for name, service in raw["services"].items():
        for key, value in (service.get("environment") or {}).items():
            # Compose's own Redis is reachable only inside its network and has no password.
            if is_secret(key) and str(value) != COMPOSE_REDIS_URL:
                checked += 1
                assert "${" in str(value), f"{name}: {key} has a committed value"
    assert checked >= 10
    assert {n for n in example_names if is_secret(n)} >= {"POSTGRES_PASSWORD", "AUTH_SECRET"}


def test_every_long_running_service_has_a_healthcheck(rendered: dict[str, Any]) -> None:
    all_services = services(rendered)
    https_ports = {"proxy-1": 4000, "proxy-2": 4000, "bridge-web-1": 3001, "bridge-web-2": 3001}
    for name, port in https_ports.items():
        test = " ".join(all_services[name]["healthcheck"]["test"])
        assert f"https://127.0.0.1:{port}/healthz" in test, (name, test)
        assert "/etc/konstruct/tls/ca.crt" in test, (name, test)  # the certificate checked
    # Next on its own loopback; nginx's loopback health listeners ask through their TLS ports.
    for name, url in {
        "portal": "http://127.0.0.1:3000/healthz",
        "portal-tls": "http://127.0.0.1:8080/healthz",
        "lb": "http://127.0.0.1:8080/healthz",
    }.items():
        assert url in " ".join(all_services[name]["healthcheck"]["test"]), name
    for name in ("postgres", "redis"):
        assert all_services[name]["healthcheck"]["test"], name
    # The worker serves no HTTP and migrate exits (see deploy/k8s/base/worker.yaml for why);
    # a local model shows its health through its proxy's answers.
    without = {n for n, s in all_services.items() if "healthcheck" not in s}
    assert without == {"certs", "worker", "migrate", "local-model-1", "local-model-2"}


def test_each_proxy_has_its_local_model_on_its_own_localhost(rendered: dict[str, Any]) -> None:
    all_services = services(rendered)
    for n in (1, 2):
        local = all_services[f"local-model-{n}"]
        assert command(local)[-1] == "proxy.local_model"
        assert local["network_mode"] == f"service:proxy-{n}"
        assert env(local)["LOCAL_MODEL_PORT"] == env(all_services[f"proxy-{n}"])["LOCAL_MODEL_PORT"]


def test_python_and_portal_images_build_from_committed_dockerfiles(
    rendered: dict[str, Any],
) -> None:
    builds = {name: s["build"] for name, s in ours(rendered).items()}
    root = Path(COMPOSE).resolve().parent.parent
    for name, build in builds.items():
        assert Path(build["context"]) == root, name
        assert (root / build["dockerfile"]).is_file(), name
    python_file = (root / "deploy" / "Dockerfile").read_text()
    assert "requirements.lock" in python_file
    assert "uv pip sync" in python_file
    packages = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mypy"]["packages"]
    missing = [p for p in packages if f"COPY {p} ./{p}" not in python_file]
    assert not missing, f"deploy/Dockerfile leaves out app packages {missing}"
    assert "npm run build" in (root / "deploy" / "portal.Dockerfile").read_text()
    assert {s["image"] for n, s in ours(rendered).items() if n != "portal"} == {
        "konstruct-python:latest"
    }
    assert shutil.which("docker-compose") is not None


def test_every_command_runs_a_module_of_this_repository(rendered: dict[str, Any]) -> None:
    commands = [" ".join(command(s)) for s in ours(rendered).values()]
    assert len([c for c in commands if "python -m" in c]) == len(ours(rendered)) - 1  # portal
    for line in commands:
        assert not runnable(line), line
