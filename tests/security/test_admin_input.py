"""Input Postgres cannot store, oversized and deeply nested bodies: refused, never a 500."""

import json
import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from proxy.core.db.engine import Database
from tests.security.conftest import Surface

pytestmark = pytest.mark.e2e


def test_nul_characters_are_refused_with_422_even_before_login(surface: Surface) -> None:
    url = surface.proxy.url
    login = httpx.post(
        f"{url}/admin/auth/login", json={"email": "a\u0000@b.c", "password": "x"}, timeout=30
    )
    assert login.status_code == 422, login.text
    assert login.json()["error"]["code"] == "validation_error"
    with surface.proxy.admin() as admin:
        named = admin.post("/admin/tenants", json={"name": "Ac\u0000me", "slug": "nul-test"})
        assert named.status_code == 422, named.text
        assert admin.get("/admin/tenants", params={"q": "a\x00b"}).status_code == 422
        assert admin.get(f"/admin/tenants/{uuid.uuid4()}%00").status_code == 422
        assert all(t["slug"] != "nul-test" for t in admin.get("/admin/tenants").json()["items"])


def test_oversized_and_deeply_nested_admin_bodies_are_refused(surface: Surface) -> None:
    with surface.proxy.admin() as admin:
        huge = admin.post("/admin/tenants", json={"name": "A" * (3 * 1024 * 1024), "slug": "x"})
        assert huge.status_code == 413
        deep: object = "leaf"
        for _ in range(200):
            deep = [deep]
        nested = admin.post(
            "/admin/tenants",
            content=json.dumps({"name": "Deep", "slug": "deep", "settings": deep}),
            headers={"content-type": "application/json"},
        )
        assert nested.status_code == 422, nested.text
        recursion = admin.post(
            "/admin/tenants",
            content="[" * 100_000 + "]" * 100_000,
            headers={"content-type": "application/json"},
        )
        assert recursion.status_code == 422


async def test_a_failed_statement_never_quotes_its_parameters(db: Database) -> None:
    secret = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0LXBhcmFtZXRlcg"
    with pytest.raises(DBAPIError) as caught:
        async with db.platform_transaction() as conn:
            await conn.execute(text("select cast(:value as text), 1 / 0"), {"value": secret})
    assert "division by zero" in str(caught.value)
    assert secret not in str(caught.value)
    assert "argon2" not in repr(caught.value)
