"""Abuse tests: every admin and internal route against wrong credentials, hostile input
and other tenants' ids. Routes are read from the proxy's own OpenAPI document, so a new
route is covered the day it is added."""

import re
import uuid
from typing import Any

import httpx
import pytest

from tests.stack import ProxyServer, TenantWorld, make_world

pytestmark = pytest.mark.e2e

OWN = ("/admin/", "/internal/")
# No sign-in: the password, or the invitation / reset token in the body, is the proof.
PUBLIC = {
    ("POST", "/admin/auth/login"),
    ("POST", "/admin/invitations/preview"),
    ("POST", "/admin/invitations/accept"),
}
# Path parameters that are ids (UUIDs); each is filled with one id, so a new route is probed
# with an id of the tenant's agent (another tenant's, in the cross-tenant test).
ID_PARAMETERS = (
    "agent_id",
    "key_id",
    "connection_id",
    "operator_id",
    "invitation_id",
    "approval_id",
    "server_id",
    "tool_id",
)
HOSTILE_STRINGS = [
    "' OR '1'='1",
    "'; DROP TABLE tenants; --",
    '" OR 1=1 --',
    "%' AND pg_sleep(5) --",
    "\x00\x01",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "A" * 1_000_000,
]


def routes(proxy: ProxyServer) -> list[tuple[str, str, dict[str, Any]]]:
    document = httpx.get(f"{proxy.url}/openapi.json", timeout=60).json()
    found = []
    for path, item in document["paths"].items():
        if not path.startswith(OWN):
            continue
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                found.append((method.upper(), path, operation))
    assert len(found) > 30, "the route list looks truncated"
    return found


def fill(path: str, tenant_id: str, thing_id: str) -> str:
    path = path.replace("{tenant_id}", tenant_id)
    path = re.sub(rf"\{{({'|'.join(ID_PARAMETERS)})\}}", thing_id, path)
    path = path.replace("{team_id}", "T0000000").replace("{channel_id}", "C0000000")
    path = path.replace("{thread_id}", "1700000000.000100").replace("{state}", "s" * 16)
    assert "{" not in path, path
    return path


@pytest.fixture(scope="module")
def all_routes(proxy: ProxyServer) -> list[tuple[str, str, dict[str, Any]]]:
    return routes(proxy)


def test_tenant_keys_and_anonymous_callers_get_nothing_from_admin_or_internal(
    proxy: ProxyServer, world_a: TenantWorld, all_routes: list[tuple[str, str, dict[str, Any]]]
) -> None:
    with httpx.Client(base_url=proxy.url, timeout=30) as http:
        for method, path, _ in all_routes:
            url = fill(path, world_a.id, world_a.agent["id"])
            if (method, path) in PUBLIC:
                # A tenant key is no password and no link: refused, with no session.
                for body in ({}, {"token": world_a.key, "password": "a-new-password-123"}):
                    response = http.request(
                        method, url, headers={"Authorization": f"Bearer {world_a.key}"}, json=body
                    )
                    assert response.status_code in {401, 404, 422}, (method, path, body)
                    assert "token" not in response.json(), (method, path, body)
                continue
            for headers in ({}, {"Authorization": f"Bearer {world_a.key}"}):
                response = http.request(method, url, headers=headers, json={})
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.json()["error"]["code"] == "unauthorized"


def test_operators_cannot_use_the_internal_api(
    proxy: ProxyServer, all_routes: list[tuple[str, str, dict[str, Any]]]
) -> None:
    tid = str(uuid.uuid4())
    with proxy.admin() as admin:
        for method, path, _ in all_routes:
            if path.startswith("/internal/"):
                response = admin.request(method, fill(path, tid, tid), json={})
                assert response.status_code == 401, (method, path)


def test_a_tenant_admin_gets_404_for_every_url_of_another_tenant(
    proxy: ProxyServer, world_a: TenantWorld, all_routes: list[tuple[str, str, dict[str, Any]]]
) -> None:
    other = make_world(proxy, "Victim")
    email = f"mallory-{uuid.uuid4().hex[:6]}@example.com"
    with proxy.admin() as admin:
        admin.post(
            "/admin/operators",
            json={
                "email": email,
                "password": "mallory-password-123",
                "role": "tenant_admin",
                "tenant_id": world_a.id,
            },
        ).raise_for_status()
    token = httpx.post(
        f"{proxy.url}/admin/auth/login",
        json={"email": email, "password": "mallory-password-123"},
    ).json()["token"]
    checked = 0
    with proxy.admin(token) as mallory:
        for method, path, _ in all_routes:
            if "{tenant_id}" not in path or not path.startswith("/admin/"):
                continue
            response = mallory.request(method, fill(path, other.id, other.agent["id"]), json={})
            assert response.status_code == 404, (method, path, response.status_code)
            checked += 1
    assert checked >= 15
    with proxy.admin() as admin:
        assert admin.get(f"/admin/tenants/{other.id}").json()["status"] == "active"
        assert len(admin.get(f"/admin/tenants/{other.id}/keys").json()["items"]) == 1


def _hostile_bodies(schema_ref: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    name = schema_ref.get("$ref", "").rsplit("/", 1)[-1]
    properties = components.get(name, {}).get("properties", {})
    return [dict.fromkeys(properties, value) for value in HOSTILE_STRINGS] + [
        dict.fromkeys(properties, 10**30),
        {field: [["nested"] * 1000] for field in properties},
    ]


def test_hostile_and_oversized_input_is_refused_never_a_500(
    proxy: ProxyServer, all_routes: list[tuple[str, str, dict[str, Any]]]
) -> None:
    world = make_world(proxy, "Target")
    components = httpx.get(f"{proxy.url}/openapi.json", timeout=60).json()["components"]["schemas"]
    statuses: set[int] = set()
    with proxy.admin() as admin:
        for method, path, operation in all_routes:
            if not path.startswith("/admin/") or path == "/admin/auth/logout":
                continue
            url = fill(path, world.id, world.agent["id"])
            content = operation.get("requestBody", {}).get("content", {})
            if method == "DELETE":
                bodies = []  # deleting the target would end the test; hostile ids below
            elif "application/json" in content:
                bodies = _hostile_bodies(content["application/json"]["schema"], components)
            else:
                bodies = [{}]
            for body in bodies:
                response = admin.request(method, url, json=body)
                assert response.status_code < 500, (method, path, response.status_code)
                statuses.add(response.status_code)
            for hostile in HOSTILE_STRINGS[:4]:
                hostile_url = fill(path, hostile, hostile)
                response = admin.request(method, hostile_url, json={})
                assert response.status_code < 500, (method, path, hostile)
        search = admin.get("/admin/tenants", params={"q": "' OR '1'='1"})
        assert search.status_code == 200
        assert search.json()["items"] == []
    assert 422 in statuses
    with proxy.admin() as admin:
        assert admin.get(f"/admin/tenants/{world.id}").status_code == 200
