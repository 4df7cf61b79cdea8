"""deploy/docker-compose.yml's TLS 1.3, read from the rendered file, nginx's configs and what
`make certs` makes: every hop between its services is TLS 1.3 with the certificate and host
name checked, each server presents a certificate for the name its clients use, and the
proxy's and the bridge's own settings accept the layout with KONSTRUCT_ENV=production.
(tests/tls/test_compose_servers.py runs its Postgres and Redis settings on real servers.)"""

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from bridge.settings import Settings as BridgeSettings
from proxy.core.settings import Settings as ProxySettings
from scripts.certs import COMPOSE_SERVERS, ensure_compose_certs, names
from tests.deploy.conftest import DEPLOY

pytestmark = pytest.mark.unit

TLS_DIR = "/etc/konstruct/tls"
CA = f"{TLS_DIR}/ca.crt"


def services(rendered: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = rendered["services"]
    return found


def env(service: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = service.get("environment") or {}
    return found


def mounts(service: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Target → (source, mode) of a service's volumes, as docker-compose renders them."""
    found = {}
    for volume in service.get("volumes", []):
        source, target, mode = volume.split(":")
        found[target] = (source, mode)
    return found


def tls_volume(service: dict[str, Any]) -> str | None:
    """The volume a service has at /etc/konstruct/tls (read-only), if any."""
    if TLS_DIR not in mounts(service):
        return None
    source, mode = mounts(service)[TLS_DIR]
    assert mode == "ro", f"{TLS_DIR} is mounted writable"
    return source


def installed(rendered: dict[str, Any]) -> dict[str, str]:
    """Volume → the directory of .run/certs/compose the certs service copies into it."""
    certs = services(rendered)["certs"]
    return {
        source: target.removeprefix("/tls/")
        for target, (source, _) in mounts(certs).items()
        if target.startswith("/tls/")
    }


def server_of(rendered: dict[str, Any], service: str) -> str:
    """The directory of .run/certs/compose a compose service's /etc/konstruct/tls holds."""
    volume = tls_volume(services(rendered)[service])
    assert volume is not None, f"{service} has no certificate mounted"
    return installed(rendered)[volume]


def presented_at(rendered: dict[str, Any], host: str) -> str:
    """The certificate directory of what answers at a compose host name: the service of
    that name or, before it, a container sharing its network namespace (portal-tls)."""
    sharing = [
        name
        for name, service in services(rendered).items()
        if service.get("network_mode") == f"service:{host}" and tls_volume(service)
    ]
    return server_of(rendered, sharing[0] if sharing else host)


@pytest.fixture(scope="session")
def compose_certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory, made = ensure_compose_certs(tmp_path_factory.mktemp("certs"))
    assert made
    return directory


def cert(compose_certs: Path, server: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((compose_certs / server / "tls.crt").read_bytes())


def host_names(rendered: dict[str, Any], compose_certs: Path, host: str | None) -> list[str]:
    """The names on the certificate of what answers at `host` in the compose network."""
    assert host is not None
    return names(cert(compose_certs, presented_at(rendered, host)))


def nginx_blocks(name: str) -> list[str]:
    """The `server { ... }` blocks of one of deploy/'s nginx configs (no nested braces
    beyond `location`)."""
    text = (DEPLOY / name).read_text()
    return re.findall(r"\n  server \{\n(.*?)\n  \}\n", text, re.S)


def directive(text: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.M)


def test_make_certs_makes_one_certificate_per_server_named_for_its_clients(
    compose_certs: Path,
) -> None:
    ca = x509.load_pem_x509_certificate((compose_certs / "ca.crt").read_bytes())
    for server, hosts in COMPOSE_SERVERS.items():
        certificate = cert(compose_certs, server)
        certificate.verify_directly_issued_by(ca)
        assert set(names(certificate)) == {*hosts, "localhost", "127.0.0.1"}, server
        key = serialization.load_pem_private_key(
            (compose_certs / server / "tls.key").read_bytes(), password=None
        )
        assert key.public_key() == certificate.public_key(), server
        assert (compose_certs / server / "tls.key").stat().st_mode & 0o077 == 0
    # The CA's key stays outside what compose mounts.
    for path in compose_certs.rglob("*"):
        if path.is_file() and b"PRIVATE KEY" in path.read_bytes():
            assert path.name == "tls.key", path
    assert ensure_compose_certs(compose_certs.parent)[1] == []  # nothing new the second time


def test_the_certs_service_gives_each_server_its_own_key_for_its_user(
    rendered: dict[str, Any],
) -> None:
    script = (DEPLOY / "install-certs.sh").read_text()
    put = dict(re.findall(r"^put ([\w-]+) (\d+)", script, re.M))
    assert set(put) == set(COMPOSE_SERVERS)
    uid = re.search(r"--uid (\d+) konstruct", (DEPLOY / "Dockerfile").read_text())
    assert uid is not None
    assert put["proxy"] == put["bridge-web"] == uid.group(1)
    assert "chmod 0600" in script
    assert set(installed(rendered).values()) == {*COMPOSE_SERVERS, "ca"}
    certs = services(rendered)["certs"]
    assert certs["restart"] == "no"
    for name, service in services(rendered).items():
        volume = tls_volume(service)
        if name == "certs" or volume is None:
            continue
        needs = service.get("depends_on", {})
        # Every holder of a certificate starts after the certs service, directly or through
        # a service that does.
        chain, todo = set(), list(needs)
        while todo:
            dependency = todo.pop()
            if dependency not in chain:
                chain.add(dependency)
                todo += list(services(rendered)[dependency].get("depends_on", {}))
        assert "certs" in chain or "network_mode" in service, name
    # Clients that serve nothing get the CA alone.
    for name in ("worker", "migrate", "portal"):
        assert server_of(rendered, name) == "ca", name


def test_every_client_url_is_tls_checked_against_the_ca_and_names_a_certificate_host(
    rendered: dict[str, Any], compose_certs: Path
) -> None:
    checked = 0
    for name, service in services(rendered).items():
        settings = env(service)
        for key in ("DATABASE_URL", "DATABASE_ADMIN_URL"):
            if key in settings:
                url = urlsplit(settings[key])
                query = dict(parse_qsl(url.query))
                assert query["sslmode"] == "verify-full", (name, key)
                assert query["sslrootcert"] == CA, (name, key)
                assert url.hostname in names(
                    cert(compose_certs, presented_at(rendered, str(url.hostname)))
                )
                checked += 1
        if "REDIS_URL" in settings:
            url = urlsplit(settings["REDIS_URL"])
            assert url.scheme == "rediss", name
            assert dict(parse_qsl(url.query)) == {"ssl_ca_certs": CA}, name
            assert url.hostname in names(
                cert(compose_certs, presented_at(rendered, str(url.hostname)))
            )
            checked += 1
        if "KONSTRUCT_PROXY_URL" in settings:
            url = urlsplit(settings["KONSTRUCT_PROXY_URL"])
            assert url.scheme == "https", name
            assert url.hostname in names(
                cert(compose_certs, presented_at(rendered, str(url.hostname)))
            )
            # The CA those calls trust is mounted where the settings say.
            ca_setting = settings.get("KONSTRUCT_TLS_CA_FILE") or settings["NODE_EXTRA_CA_CERTS"]
            assert ca_setting == CA, name
            assert tls_volume(service) is not None, name
            checked += 1
        # No address of another service in clear anywhere.
        for key, value in settings.items():
            for host in re.findall(r"\bhttp://([\w.-]+)", str(value)):
                assert host == "127.0.0.1", (name, key, value)
    assert checked >= 14  # 3 for migrate, 2 per proxy and per bridge web, 2 worker, 1 portal


def test_servers_present_their_certificate_and_speak_tls13_only(
    rendered: dict[str, Any], compose_certs: Path
) -> None:
    all_services = services(rendered)
    postgres = " ".join(all_services["postgres"]["command"])
    for option in (
        "ssl=on",
        f"ssl_cert_file={TLS_DIR}/tls.crt",
        f"ssl_key_file={TLS_DIR}/tls.key",
        "ssl_min_protocol_version=TLSv1.3",
        "hba_file=/etc/konstruct/pg_hba.conf",
    ):
        assert f"-c {option}" in postgres, option
    assert server_of(rendered, "postgres") == "postgres"
    hba = [
        line.split()
        for line in (DEPLOY / "postgres" / "pg_hba.conf").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert [rule for rule in hba if rule[0] not in ("local", "hostssl")] == [
        ["hostnossl", "all", "all", "all", "reject"]
    ]
    hba_source, _ = mounts(all_services["postgres"])["/etc/konstruct/pg_hba.conf"]
    assert Path(hba_source) == DEPLOY / "postgres" / "pg_hba.conf"

    redis = all_services["redis"]["command"]
    pairs = dict(zip(redis[1::2], redis[2::2], strict=False))
    assert pairs["--port"] == "0"  # no plain TCP at all
    assert pairs["--tls-port"] == "6379"
    assert pairs["--tls-protocols"] == "TLSv1.3"
    assert pairs["--tls-cert-file"] == f"{TLS_DIR}/tls.crt"
    assert pairs["--tls-key-file"] == f"{TLS_DIR}/tls.key"
    assert server_of(rendered, "redis") == "redis"
    assert "--tls" in all_services["redis"]["healthcheck"]["test"]

    for name in ("proxy-1", "proxy-2", "bridge-web-1", "bridge-web-2"):
        settings = env(all_services[name])
        assert settings["KONSTRUCT_TLS_CERT_FILE"] == f"{TLS_DIR}/tls.crt", name
        assert settings["KONSTRUCT_TLS_KEY_FILE"] == f"{TLS_DIR}/tls.key", name
        server = server_of(rendered, name)
        assert name in names(cert(compose_certs, server)), name
    # The proxy calls itself at 127.0.0.1 ("try agent"): its certificate names it.
    assert "127.0.0.1" in names(cert(compose_certs, "proxy"))
    for name in ("worker", "migrate"):
        assert not env(all_services[name]).get("KONSTRUCT_TLS_KEY_FILE"), name


def test_nginx_listens_tls13_only_and_checks_every_upstream(
    rendered: dict[str, Any], compose_certs: Path
) -> None:
    lb_text = (DEPLOY / "nginx.conf").read_text()
    assert directive(lb_text, "ssl_protocols") == ["TLSv1.3"]
    assert directive(lb_text, "proxy_ssl_protocols") == ["TLSv1.3"]
    assert directive(lb_text, "proxy_ssl_verify") == ["on"]
    assert directive(lb_text, "proxy_ssl_trusted_certificate") == [CA]
    assert directive(lb_text, "ssl_certificate") == [f"{TLS_DIR}/tls.crt"]
    upstreams = {
        name: re.findall(r"server\s+([\w.-]+):\d+", body)
        for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", lb_text, re.S)
    }
    lb_names = names(cert(compose_certs, server_of(rendered, "lb")))
    for block in nginx_blocks("nginx.conf"):
        (listen,) = directive(block, "listen")
        (target,) = directive(block, "proxy_pass")
        assert target.startswith("https://"), block
        (checked_as,) = directive(block, "proxy_ssl_name")
        if listen.startswith("127.0.0.1:"):
            # The healthcheck's loopback listener: through the lb's own TLS port.
            assert target.startswith("https://127.0.0.1:")
            assert checked_as in lb_names
            continue
        assert listen.endswith(" ssl"), listen
        for host in upstreams[target.removeprefix("https://")]:
            # Every replica's certificate carries the shared name nginx checks it under.
            assert checked_as in names(cert(compose_certs, presented_at(rendered, host))), host

    portal_text = (DEPLOY / "k8s" / "base" / "portal-tls.conf").read_text()
    assert directive(portal_text, "ssl_protocols") == ["TLSv1.3"]
    for block in nginx_blocks("k8s/base/portal-tls.conf"):
        (listen,) = directive(block, "listen")
        (target,) = directive(block, "proxy_pass")
        if listen.startswith("127.0.0.1:"):
            assert target.startswith("https://127.0.0.1:3443/"), target
            assert directive(block, "proxy_ssl_verify") == ["on"]
        else:
            assert listen == "3443 ssl"
            # The one plain hop: to Next on the shared network namespace's loopback.
            assert target == "http://127.0.0.1:3000"
    all_services = services(rendered)
    assert all_services["portal-tls"]["network_mode"] == "service:portal"
    assert server_of(rendered, "portal-tls") == "portal"
    command = all_services["portal"]["command"]
    assert command[command.index("-H") + 1] == "127.0.0.1", "Next must not listen on the network"
    assert "ports" not in all_services["portal"]
    assert "ports" not in all_services["portal-tls"]


def test_the_proxy_and_the_bridge_accept_this_layout_in_production(
    rendered: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their own settings classes, given each service's environment with
    KONSTRUCT_ENV=production: a plain URL anywhere in it would stop the service."""
    started = 0
    for name, service in services(rendered).items():
        command = " ".join(service.get("command") or [])
        modules = re.findall(r"python -m ([\w.]+)", command)
        if not modules:
            continue
        settings_class = ProxySettings if modules[0].startswith("proxy.") else BridgeSettings
        with monkeypatch.context() as scope:
            for key, value in env(service).items():
                scope.setenv(key, str(value))
            scope.setenv("KONSTRUCT_ENV", "production")
            settings = settings_class(_env_file=None)
        assert settings.konstruct_env == "production", name
        started += 1
    assert started >= 8  # migrate, 2 proxies, 2 local models, 2 bridge webs, the worker
