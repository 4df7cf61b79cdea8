"""deploy/k8s's TLS 1.3, read from what `kubectl kustomize` renders: every pod mounts a
cert-manager-style Secret (tls.crt, tls.key, ca.crt) or its CA alone, the servers serve HTTPS
with it and are probed over HTTPS, clients call https:// Services whose certificates name
them, the Ingress checks the pods' certificates, and the proxy's and the bridge's own
settings accept the layout (KONSTRUCT_ENV=production, which refuses plain URLs)."""

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from bridge.settings import Settings as BridgeSettings
from proxy.core.settings import Settings as ProxySettings
from tests.deploy.conftest import DEPLOY
from tests.deploy.test_k8s import containers, of_kind, pod_specs, serving, settings_of

pytestmark = pytest.mark.unit

TLS_DIR = "/etc/konstruct/tls"
CA = f"{TLS_DIR}/ca.crt"
SECRET_KEYS = {"tls.crt", "tls.key", "ca.crt"}
# Deployment → its TLS Secret; the containers that serve with it.
SERVERS = {"proxy": "proxy-tls", "bridge-web": "bridge-web-tls", "portal": "portal-tls"}
SERVING = {"Deployment/proxy/proxy", "Deployment/bridge-web/bridge-web", "Deployment/portal/tls"}
# Containers that need no certificate: the proxy's local model, on the pod's own 127.0.0.1.
NO_TLS = {"Deployment/proxy/local-model"}
NAMESPACE = "konstruct"


def tls_mount(spec: dict[str, Any], container: dict[str, Any]) -> dict[str, Any] | None:
    """The Secret volume a container has at /etc/konstruct/tls (read-only), if any."""
    for mount in container.get("volumeMounts", []):
        if mount["mountPath"] == TLS_DIR:
            assert mount.get("readOnly") is True, container["name"]
            (volume,) = [v for v in spec["volumes"] if v["name"] == mount["name"]]
            secret: dict[str, Any] = volume["secret"]
            return secret
    return None


def env_of(docs: list[dict[str, Any]], container: dict[str, Any]) -> dict[str, str]:
    """A container's environment: its ConfigMaps, then its own literal values."""
    values: dict[str, str] = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        values |= of_kind(docs, "ConfigMap")[name]["data"]
    values |= {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    return values


def test_settings_point_every_client_at_https_and_the_mounted_ca(
    docs: list[dict[str, Any]],
) -> None:
    settings = settings_of(docs)
    proxy_url = urlsplit(settings["KONSTRUCT_PROXY_URL"])
    assert (proxy_url.scheme, proxy_url.hostname) == ("https", "proxy")
    assert proxy_url.hostname in of_kind(docs, "Service")
    assert settings["KONSTRUCT_TLS_CA_FILE"] == CA
    assert settings["NODE_EXTRA_CA_CERTS"] == CA  # the portal's Node trusts the same CA
    assert settings["KONSTRUCT_ENV"] == "production"  # plain Postgres/Redis URLs refused
    assert urlsplit(settings["KONSTRUCT_BRIDGE_URL"]).scheme == "https"
    # Only the servers hold a key; the ConfigMap names no certificate for everyone.
    assert settings["KONSTRUCT_TLS_CERT_FILE"] == settings["KONSTRUCT_TLS_KEY_FILE"] == ""
    for value in settings.values():
        for host in re.findall(r"\bhttp://([\w.-]+)", value):
            assert host == "127.0.0.1", value


def test_servers_mount_their_secret_readable_by_them_alone_and_clients_the_ca(
    docs: list[dict[str, Any]],
) -> None:
    seen = set()
    for where, spec in pod_specs(docs):
        for container in spec["containers"]:
            name = f"{where}/{container['name']}"
            secret = tls_mount(spec, container)
            if name in NO_TLS:
                assert secret is None, name
                continue
            assert secret is not None, f"{name} has no {TLS_DIR}"
            deployment = where.split("/")[1]
            if name in SERVING:
                assert secret["secretName"] == SERVERS[deployment], name
                assert "items" not in secret, name  # tls.crt, tls.key and ca.crt
                # 0440 and the pod's fsGroup: the key is readable by the server's group only.
                assert secret["defaultMode"] == 0o440, name
                assert "fsGroup" in spec["securityContext"], name
                user = container.get("securityContext", {}).get("runAsUser")
                user = user or spec["securityContext"]["runAsUser"]
                assert spec["securityContext"]["fsGroup"] == user, name
                env = env_of(docs, container)
                if deployment != "portal":
                    assert env["KONSTRUCT_TLS_CERT_FILE"] == f"{TLS_DIR}/tls.crt", name
                    assert env["KONSTRUCT_TLS_KEY_FILE"] == f"{TLS_DIR}/tls.key", name
            else:
                # A client (worker, migrate, Next) gets the CA and no one's key.
                assert secret["items"] == [{"key": "ca.crt", "path": "ca.crt"}], name
                assert secret["secretName"] in SERVERS.values(), name
                assert not env_of(docs, container).get("KONSTRUCT_TLS_KEY_FILE"), name
            seen.add(name)
    assert seen >= {*SERVING, "Deployment/worker/worker", "Job/migrate/migrate"}
    assert "Deployment/portal/portal" in seen


def test_next_listens_on_the_pod_loopback_behind_tls13_only(docs: list[dict[str, Any]]) -> None:
    pod = of_kind(docs, "Deployment")["portal"]["spec"]["template"]["spec"]
    next_container = next(c for c in pod["containers"] if c["name"] == "portal")
    command = next_container["command"]
    assert command[command.index("-H") + 1] == "127.0.0.1"
    assert "ports" not in next_container
    conf = (DEPLOY / "k8s" / "base" / "portal-tls.conf").read_text()
    (config_map,) = [c for n, c in of_kind(docs, "ConfigMap").items() if n.startswith("portal-tls")]
    assert config_map["data"]["portal-tls.conf"] == conf  # what compose mounts, too
    assert re.findall(r"^\s*ssl_protocols\s+([^;]+);", conf, re.M) == ["TLSv1.3"]
    assert "listen 3443 ssl;" in conf
    assert serving(of_kind(docs, "Deployment")["portal"])["ports"][0]["containerPort"] == 3443


def test_services_and_ingress_reach_pods_over_https_with_checked_certificates(
    docs: list[dict[str, Any]],
) -> None:
    services = of_kind(docs, "Service")
    for name, service in services.items():
        assert [p["name"] for p in service["spec"]["ports"]] == ["https"], name
    for name, ingress in of_kind(docs, "Ingress").items():
        notes = ingress["metadata"]["annotations"]
        prefix = "nginx.ingress.kubernetes.io/"
        assert notes[prefix + "backend-protocol"] == "HTTPS", name
        assert notes[prefix + "proxy-ssl-verify"] == "on", name
        assert notes[prefix + "proxy-ssl-protocols"] == "TLSv1.3", name
        backends = {
            path["backend"]["service"]["name"]
            for rule in ingress["spec"]["rules"]
            for path in rule["http"]["paths"]
        }
        assert len(backends) == 1, name  # proxy-ssl-name is per Ingress
        (backend,) = backends
        namespace = ingress["metadata"]["namespace"]
        assert notes[prefix + "proxy-ssl-name"] == f"{backend}.{namespace}.svc", name
        secret_namespace, secret = notes[prefix + "proxy-ssl-secret"].split("/")
        assert secret_namespace == namespace, name
        assert secret not in SERVERS.values(), "the Ingress must not hold a pod's key"
        certificates = {c["spec"]["secretName"]: c for c in of_kind(docs, "Certificate").values()}
        assert "client auth" in certificates[secret]["spec"]["usages"], name
        server = certificates[SERVERS[backend]]["spec"]
        assert notes[prefix + "proxy-ssl-name"] in server["dnsNames"], name


def test_cert_manager_issues_each_secret_for_the_names_its_clients_use(
    docs: list[dict[str, Any]],
) -> None:
    if not of_kind(docs, "Ingress"):
        # base: the Secrets are the operator's (cert-manager or by hand); nothing is issued.
        assert not of_kind(docs, "Certificate")
        return
    certificates = {
        c["spec"]["secretName"]: c["spec"] for c in of_kind(docs, "Certificate").values()
    }
    issuers = of_kind(docs, "Issuer")
    ca_secret = issuers["konstruct-internal-ca"]["spec"]["ca"]["secretName"]
    assert certificates[ca_secret]["isCA"] is True
    proxy_host = urlsplit(settings_of(docs)["KONSTRUCT_PROXY_URL"]).hostname
    for deployment, secret in SERVERS.items():
        spec = certificates[secret]
        assert spec["issuerRef"] == {"name": "konstruct-internal-ca", "kind": "Issuer"}
        assert "server auth" in spec["usages"]
        assert {
            deployment,
            f"{deployment}.{NAMESPACE}.svc",
            f"{deployment}.{NAMESPACE}.svc.cluster.local",
        } <= set(spec["dnsNames"]), secret
        # The probes and the proxy's call to itself use 127.0.0.1.
        assert "127.0.0.1" in spec["ipAddresses"], secret
    assert proxy_host in certificates["proxy-tls"]["dnsNames"]


def test_the_proxy_and_the_bridge_accept_this_layout_in_production(
    docs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each Python container's environment, with the Secret's URLs in the form README "TLS"
    asks for, loaded into its own settings class: a plain URL in the ConfigMap (the proxy's
    or the bridge's address) would stop the pod."""
    verified = f"sslmode=verify-full&sslrootcert={CA}"
    secret_urls = {
        "DATABASE_URL": f"postgresql://konstruct_app:pw@db.internal:5432/konstruct?{verified}",
        "DATABASE_ADMIN_URL": f"postgresql://owner:pw@db.internal:5432/konstruct?{verified}",
        "REDIS_URL": f"rediss://:pw@cache.internal:6380/0?ssl_ca_certs={CA}",
    }
    loaded = 0
    for name, container in containers(docs):
        modules = re.findall(r"python -m ([\w.]+)", " ".join(container.get("command", [])))
        if not modules:
            continue
        refs = {e["name"] for e in container.get("env", []) if "valueFrom" in e}
        settings_class = ProxySettings if modules[0].startswith("proxy.") else BridgeSettings
        with monkeypatch.context() as scope:
            for key, value in env_of(docs, container).items():
                scope.setenv(key, value)
            for key in refs & set(secret_urls):
                scope.setenv(key, secret_urls[key])
            settings = settings_class(_env_file=None)
        assert settings.konstruct_env == "production", name
        loaded += 1
    assert loaded == 5  # proxy, local model, bridge web, worker, migrate
