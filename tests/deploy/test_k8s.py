"""deploy/k8s rendered with `kubectl kustomize` (offline) and every document checked: probes,
resources, settings under .env.example's names, secrets only by reference, autoscalers,
Services and Ingress that point at what exists, one image per component."""

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import CLI_ONLY, K8S, is_secret, runnable

pytestmark = pytest.mark.unit

SECRET_NAME = "konstruct-secrets"
# Deployment → (the port its Service reaches, the setting that must agree with it). The
# portal's is its TLS container's (Next itself listens on the pod's loopback).
HTTP = {"proxy": (4000, "PROXY_PORT"), "bridge-web": (3001, "BRIDGE_PORT"), "portal": (3443, None)}
# Only deploy/docker-compose.yml's own Postgres reads it; here the operator's database is used.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def pod_specs(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]["spec"]


def containers(docs: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for where, spec in pod_specs(docs):
        for container in spec["containers"] + spec.get("initContainers", []):
            yield f"{where}/{container['name']}", container


def env_names(docs: list[dict[str, Any]], container: dict[str, Any]) -> set[str]:
    """Every name a container's environment holds: its env plus its ConfigMaps' keys."""
    config_maps = of_kind(docs, "ConfigMap")
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        names |= set(config_maps[source["configMapRef"]["name"]]["data"])
    return names


def test_the_four_components_and_the_migrate_job_are_deployed(docs: list[dict[str, Any]]) -> None:
    deployments = of_kind(docs, "Deployment")
    assert set(deployments) == {"proxy", "bridge-web", "worker", "portal"}
    commands = {
        n: " ".join(d["spec"]["template"]["spec"]["containers"][0].get("command", []))
        for n, d in deployments.items()
    }
    assert commands["proxy"].endswith("-m proxy.serve")
    assert commands["bridge-web"].endswith("-m bridge.web")
    assert commands["worker"].endswith("-m bridge.worker")
    for name, container in containers(docs):
        assert not runnable(" ".join(container.get("command", []))), name
    job = of_kind(docs, "Job")["migrate"]
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    assert "python -m proxy.migrate" in " ".join(spec["containers"][0]["command"])
    assert "DATABASE_ADMIN_URL" in env_names(docs, spec["containers"][0])
    # Least privilege: only the migrate Job holds the owner's credentials.
    for name, container in containers(docs):
        if not name.startswith("Job/"):
            assert "DATABASE_ADMIN_URL" not in env_names(docs, container), name


def test_http_components_are_probed_on_healthz_at_their_port(docs: list[dict[str, Any]]) -> None:
    settings = settings_of(docs)
    for name, (port, setting) in HTTP.items():
        container = serving(of_kind(docs, "Deployment")[name])
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        if setting is not None:
            assert int(settings[setting]) == port, setting
        for probe in ("readinessProbe", "livenessProbe"):
            get = container[probe]["httpGet"]
            assert get["path"] == "/healthz", (name, probe)
            assert ports.get(get["port"], get["port"]) == port, (name, probe)
            assert get["scheme"] == "HTTPS", (name, probe)  # the kubelet speaks TLS to it too
        # Liveness gives up later than readiness: an outage takes pods out, not down.
        live, ready = container["livenessProbe"], container["readinessProbe"]
        assert live.get("failureThreshold", 3) * live.get("periodSeconds", 10) > ready.get(
            "failureThreshold", 3
        ) * ready.get("periodSeconds", 10)
    worker = of_kind(docs, "Deployment")["worker"]["spec"]["template"]["spec"]["containers"][0]
    # No HTTP on a worker; deploy/k8s/base/worker.yaml says why it has no probe at all.
    assert not {"readinessProbe", "livenessProbe", "startupProbe"} & set(worker)


def settings_of(docs: list[dict[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = of_kind(docs, "ConfigMap")[settings_name(docs)]["data"]
    return found


def settings_name(docs: list[dict[str, Any]]) -> str:
    return next(n for n in of_kind(docs, "ConfigMap") if n.startswith("konstruct-settings"))


def serving(deployment: dict[str, Any]) -> dict[str, Any]:
    """The container of a Deployment that has ports (the one its Service reaches)."""
    with_ports: list[dict[str, Any]] = [
        c for c in deployment["spec"]["template"]["spec"]["containers"] if "ports" in c
    ]
    (container,) = with_ports
    return container


def test_every_container_has_resources(docs: list[dict[str, Any]]) -> None:
    for name, container in containers(docs):
        resources = container.get("resources", {})
        assert {"cpu", "memory"} <= set(resources.get("requests", {})), name
        assert "memory" in resources.get("limits", {}), name


def test_settings_use_env_example_names_and_secrets_come_only_from_the_secret(
    docs: list[dict[str, Any]], example_names: set[str]
) -> None:
    assert not of_kind(docs, "Secret"), "no Secret is committed: the operator creates it"
    config_maps = of_kind(docs, "ConfigMap")
    for name, config_map in config_maps.items():
        if name.startswith("portal-tls-conf"):
            continue  # a file (nginx's config), not settings
        keys = set(config_map["data"])
        assert keys <= example_names, (name, sorted(keys - example_names))
        assert not {k for k in keys if is_secret(k)}, name
    provided: set[str] = set()
    for name, container in containers(docs):
        names = env_names(docs, container)
        assert names <= example_names, (name, sorted(names - example_names))
        provided |= names
        for entry in container.get("env", []):
            if is_secret(entry["name"]):
                assert "value" not in entry, (name, entry["name"])
                ref = entry["valueFrom"]["secretKeyRef"]
                assert (ref["name"], ref["key"]) == (SECRET_NAME, entry["name"]), name
            else:
                assert "secretKeyRef" not in entry.get("valueFrom", {}), (name, entry["name"])
        for source in container.get("envFrom", []):
            assert set(source) == {"configMapRef"}, name  # a whole Secret would hide its keys
            assert source["configMapRef"]["name"] in config_maps, name
    missing = example_names - provided - COMPOSE_ONLY - CLI_ONLY
    assert not missing, f"{sorted(missing)} are in .env.example but not set in deploy/k8s"


def test_pods_run_unprivileged_without_service_links(docs: list[dict[str, Any]]) -> None:
    for name, spec in pod_specs(docs):
        # The `proxy` Service would otherwise set PROXY_PORT=tcp://… in every pod.
        assert spec["enableServiceLinks"] is False, name
        assert spec["securityContext"]["runAsNonRoot"] is True, name
    for name, container in containers(docs):
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name


def test_autoscalers_target_existing_deployments(docs: list[dict[str, Any]]) -> None:
    deployments = of_kind(docs, "Deployment")
    autoscalers = of_kind(docs, "HorizontalPodAutoscaler")
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in autoscalers.values()}
    assert targets == {"proxy", "worker"}
    for hpa in autoscalers.values():
        ref = hpa["spec"]["scaleTargetRef"]
        assert (ref["apiVersion"], ref["kind"]) == ("apps/v1", "Deployment")
        assert ref["name"] in deployments
        # The autoscaler owns the count: a `replicas` in the Deployment would fight it.
        assert "replicas" not in deployments[ref["name"]]["spec"], ref["name"]
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    assert deployments["bridge-web"]["spec"]["replicas"] >= 2


def test_services_select_existing_pods_and_ports(docs: list[dict[str, Any]]) -> None:
    deployments = of_kind(docs, "Deployment")
    services = of_kind(docs, "Service")
    assert set(services) == {"proxy", "bridge-web", "portal"}
    for name, service in services.items():
        selector = service["spec"]["selector"]
        matches = [
            d
            for d in deployments.values()
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert [d["metadata"]["name"] for d in matches] == [name], name
        deployment = matches[0]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= selector.items()
        pod_ports = {
            p["name"]: p["containerPort"]
            for c in deployment["spec"]["template"]["spec"]["containers"]
            for p in c.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in pod_ports, (name, port)
            assert pod_ports[port["targetPort"]] == HTTP[name][0]
    for ingress in of_kind(docs, "Ingress").values():
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] in services
                names = {p["name"] for p in services[backend["name"]]["spec"]["ports"]}
                assert backend["port"]["name"] in names
    for budget in of_kind(docs, "PodDisruptionBudget").values():
        labels = budget["spec"]["selector"]["matchLabels"]
        assert any(
            labels.items() <= d["spec"]["template"]["metadata"]["labels"].items()
            for d in deployments.values()
        )


def test_images_are_consistent(docs: list[dict[str, Any]]) -> None:
    images = {name: c["image"] for name, c in containers(docs)}
    portal = {i for n, i in images.items() if n.startswith("Deployment/portal/")}
    python = {i for n, i in images.items() if not n.startswith("Deployment/portal/")}
    # The portal's TLS container is nginx, unprivileged, pinned to a minor release.
    assert images.pop("Deployment/portal/tls") == "nginxinc/nginx-unprivileged:1.27-alpine"
    portal = {i for n, i in images.items() if n.startswith("Deployment/portal/")}
    assert len(portal) == 1
    assert len(python) == 1, python  # proxy, local model, bridge, worker and migrate: one image
    assert portal != python
    for image in portal | python:
        name, _, tag = image.rpartition(":")
        assert name, image
        assert tag, image
    namespaces = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
    assert len(namespaces) == 1  # the overlay moves everything, or nothing moves


def test_production_overlay_pins_its_images_and_namespace(kubectl: str) -> None:
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / "production")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {
        "konstruct"
    }
    assert all(not c["image"].endswith(":latest") for _, c in containers(docs))
