"""The admin and internal APIs through the real proxy: CRUD, scoping, audit, secrets at rest."""

import hashlib
import uuid

import httpx
import pytest
from sqlalchemy import text

from proxy.core.db.engine import Database
from tests.fakes.ollama import OllamaFake
from tests.stack import ProxyServer, TenantWorld, make_world

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def login(proxy: ProxyServer, email: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(f"{proxy.url}/admin/auth/login", json={"email": email, "password": password})


def tenant_admin(proxy: ProxyServer, world: TenantWorld) -> tuple[str, str]:
    email = f"admin-{uuid.uuid4().hex[:8]}@{world.slug}.example"
    with proxy.admin() as admin:
        made = admin.post(
            "/admin/operators",
            json={
                "email": email,
                "password": PASSWORD,
                "role": "tenant_admin",
                "tenant_id": world.id,
            },
        )
        assert made.status_code == 201, made.text
    token = login(proxy, email).json()["token"]
    return email, token


async def audit_actions(owner_db: Database, tenant_id: str) -> list[str]:
    async with owner_db.platform_transaction() as conn:
        rows = await conn.execute(
            text("select action from audit_log where tenant_id = :t order by id"), {"t": tenant_id}
        )
        return list(rows.scalars())


async def test_tenant_crud_is_audited_and_delete_removes_all_data(
    proxy: ProxyServer, owner_db: Database, fake_ollama: OllamaFake
) -> None:
    world = make_world(proxy, "Doomed")
    from openai import OpenAI

    OpenAI(api_key=world.key, base_url=f"{proxy.url}/v1").chat.completions.create(
        model="konstruct-fast", messages=[{"role": "user", "content": "hi"}]
    )
    with proxy.admin() as admin:
        listed = admin.get("/admin/tenants", params={"q": world.slug}).json()["items"]
        assert [t["id"] for t in listed] == [world.id]
        # The beginning of its id finds it too, as a list shows it, on whichever page it is.
        by_id = admin.get("/admin/tenants", params={"q": world.id[:8]}).json()["items"]
        assert world.id in [t["id"] for t in by_id]
        renamed = admin.patch(f"/admin/tenants/{world.id}", json={"name": "Doomed Inc"})
        assert renamed.json()["name"] == "Doomed Inc"
        assert admin.post(f"/admin/tenants/{world.id}/suspend").json()["status"] == "suspended"
        suspended = admin.get("/admin/tenants", params={"status": "suspended"}).json()["items"]
        assert world.id in [t["id"] for t in suspended]
        assert admin.post(f"/admin/tenants/{world.id}/resume").json()["status"] == "active"
        assert admin.delete(f"/admin/tenants/{world.id}").status_code == 204
        assert admin.get(f"/admin/tenants/{world.id}").status_code == 404
    async with owner_db.platform_transaction() as conn:
        for table in ("agents", "tenant_keys", "usage_events", "key_routes"):
            count = await conn.execute(
                text(f"select count(*) from {table} where tenant_id = :t"), {"t": world.id}
            )
            assert count.scalar_one() == 0, table
    actions = await audit_actions(owner_db, world.id)
    assert actions[0] == "tenant.create"
    for action in ("agent.create", "key.issue", "tenant.update", "tenant.suspend", "tenant.delete"):
        assert action in actions
    assert (
        httpx.post(
            f"{proxy.url}/v1/chat/completions",
            headers={"Authorization": f"Bearer {world.key}"},
            json={"model": "konstruct-fast", "messages": [{"role": "user", "content": "hi"}]},
        ).status_code
        == 401
    )


def test_validation_errors_name_their_fields(proxy: ProxyServer) -> None:
    with proxy.admin() as admin:
        bad = admin.post("/admin/tenants", json={"name": "", "slug": "Not A Slug!", "extra": 1})
        assert bad.status_code == 422
        body = bad.json()["error"]
        assert body["code"] == "validation_error"
        assert {f["field"] for f in body["fields"]} >= {"name", "slug", "extra"}
        world = make_world(proxy, "Valid")
        taken = admin.post("/admin/tenants", json={"name": "x", "slug": world.slug})
        assert (taken.status_code, taken.json()["error"]["code"]) == (409, "conflict")
        oversized = admin.post(f"/admin/tenants/{world.id}/agents", json={"name": "x" * 5000})
        assert oversized.status_code == 422
        assert admin.get("/admin/tenants/not-a-uuid").status_code == 422


def test_agent_designer_fields_preview_and_single_default(
    proxy: ProxyServer, world_a: TenantWorld
) -> None:
    base = f"/admin/tenants/{world_a.id}/agents"
    with proxy.admin() as admin:
        made = admin.post(
            base,
            json={
                "name": "Grace",
                "role": "Billing specialist",
                "persona": "Precise. Claims to be human.",
                "system_prompt": "Answer billing questions.",
                "escalation_rules": [
                    {
                        "keywords": ["Refund"],
                        "target_type": "user",
                        "target": "U123",
                        "note": "money",
                    }
                ],
                "model_tier": "quality",
                "is_default": True,
            },
        )
        assert made.status_code == 201, made.text
        agent = made.json()
        assert agent["slug"] == "grace"
        assert agent["escalation_rules"][0]["keywords"] == ["refund"]
        preview = admin.post(f"{base}/{agent['id']}/preview", json={"persona": "Now very cheerful"})
        prompt = preview.json()["system_prompt"]
        assert "You are Grace, an AI assistant" in prompt
        assert "Now very cheerful" in prompt
        assert "Claims to be human" not in prompt
        second = admin.post(base, json={"name": "Linus", "is_default": True}).json()
        defaults = [a["name"] for a in admin.get(base).json()["items"] if a["is_default"]]
        assert defaults == ["Linus"]
        patched = admin.patch(f"{base}/{second['id']}", json={"model_tier": "quality"})
        assert patched.json()["model_tier"] == "quality"
        assert admin.delete(f"{base}/{second['id']}").status_code == 204
        assert admin.get(f"{base}/{second['id']}").status_code == 404


def test_tools_are_not_typed_into_an_agent(proxy: ProxyServer, world_a: TenantWorld) -> None:
    """An agent's tools are chosen from the registry (#16): the old free-text list is refused
    on create and update, and no agent answer carries one."""
    base = f"/admin/tenants/{world_a.id}/agents"
    typed = {"tool_assignments": ["lookup_invoice"]}
    with proxy.admin() as admin:
        refused = [
            admin.post(base, json={"name": "Typed", **typed}),
            admin.patch(f"{base}/{world_a.agent['id']}", json=typed),
            admin.post(f"{base}/preview", json={"name": "Typed", **typed}),
        ]
        names = [a["name"] for a in admin.get(base).json()["items"]]
        agent = admin.get(f"{base}/{world_a.agent['id']}").json()
    for answer in refused:
        assert answer.status_code == 422, answer.text
        assert [f["field"] for f in answer.json()["error"]["fields"]] == ["tool_assignments"]
    assert "Typed" not in names
    assert "tool_assignments" not in agent


def test_try_it_answers_through_the_gateway_as_the_agent(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    with proxy.admin() as admin:
        tried = admin.post(
            f"/admin/tenants/{world_a.id}/agents/{world_a.agent['id']}/try", json={"message": "hi"}
        )
    assert tried.status_code == 200, tried.text
    assert tried.json()["reply"] == "Hello from fake-ollama"
    assert tried.json()["model_group"] == "konstruct-fast"
    system = fake_ollama.wait_for(fake_ollama.model_calls)[0].json["messages"][0]["content"]
    assert "PERSONA-Acme" in system


async def test_key_secret_shown_once_stored_as_hash_and_rotation_revokes(
    proxy: ProxyServer, world_a: TenantWorld, owner_db: Database
) -> None:
    base = f"/admin/tenants/{world_a.id}/keys"
    with proxy.admin() as admin:
        issued = admin.post(base, json={"name": "reporting", "rpm_limit": 100}).json()
        secret = issued["secret"]
        assert secret.startswith("sk-kon-")
        assert issued["prefix"] == secret[:14]
        listed = admin.get(base).json()["items"]
        assert all("secret" not in key for key in listed)
        assert secret not in httpx.Client().get(f"{proxy.url}{base}", headers=admin.headers).text
        rotated = admin.post(f"{base}/{issued['id']}/rotate")
        assert rotated.status_code == 201
        new_secret = rotated.json()["secret"]
        states = {k["id"]: k["revoked_at"] for k in admin.get(base).json()["items"]}
        assert states[issued["id"]] is not None
        assert states[rotated.json()["id"]] is None
    async with owner_db.platform_transaction() as conn:
        stored = (
            await conn.execute(
                text("select key_hash, encrypted_secret from tenant_keys where id = :id"),
                {"id": issued["id"]},
            )
        ).one()
        dump = (
            await conn.execute(text("select string_agg(t::text, '') from tenant_keys t"))
        ).scalar()
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.encrypted_secret is None
    assert secret not in dump
    chat = {"model": "konstruct-fast", "messages": [{"role": "user", "content": "hi"}]}
    old = httpx.post(
        f"{proxy.url}/v1/chat/completions", json=chat, headers={"Authorization": f"Bearer {secret}"}
    )
    new = httpx.post(
        f"{proxy.url}/v1/chat/completions",
        json=chat,
        headers={"Authorization": f"Bearer {new_secret}"},
        timeout=30,
    )
    assert (old.status_code, new.status_code) == (401, 200)


async def test_slack_token_is_encrypted_at_rest_and_only_the_bridge_reads_it(
    proxy: ProxyServer, world_a: TenantWorld, owner_db: Database
) -> None:
    token = "xoxb-1111-2222-" + uuid.uuid4().hex
    team = "T" + uuid.uuid4().hex[:9].upper()
    assert proxy.slack is not None
    proxy.slack.install_workspace(team, token, "UBOT1")  # auth.test must know the token
    with proxy.admin() as admin:
        made = admin.post(
            f"/admin/tenants/{world_a.id}/slack-connections",
            json={
                "workspace_id": team,
                "bot_token": token,
                "bot_user_id": "UBOT1",
                "default_agent_id": world_a.agent["id"],
                "channel_agents": {"C1": world_a.agent["id"]},
            },
        )
        assert made.status_code == 201, made.text
        assert token not in made.text
        listed = admin.get(f"/admin/tenants/{world_a.id}/slack-connections")
        assert token not in listed.text
        assert listed.json()["items"][0]["channel_agents"] == {"C1": world_a.agent["id"]}
        again = admin.post(
            f"/admin/tenants/{world_a.id}/slack-connections",
            json={"workspace_id": team, "bot_token": token, "bot_user_id": "UBOT1"},
        )
        assert again.status_code == 409
        assert admin.get(f"/internal/slack/workspaces/{team}").status_code == 401
    async with owner_db.platform_transaction() as conn:
        sealed = (
            await conn.execute(
                text("select encrypted_bot_token from channel_connections where workspace_id = :w"),
                {"w": team},
            )
        ).scalar_one()
    assert token not in sealed
    assert sealed.startswith("v1:")
    bridge = {"Authorization": f"Bearer {proxy.bridge_key}"}
    resolved = httpx.get(f"{proxy.url}/internal/slack/workspaces/{team}", headers=bridge).json()
    assert resolved["bot_token"] == token
    assert resolved["tenant_id"] == world_a.id
    assert resolved["default_agent_id"] == world_a.agent["id"]
    assert (
        httpx.get(f"{proxy.url}/internal/slack/workspaces/TNOPE", headers=bridge).status_code == 404
    )
    wrong = httpx.get(
        f"{proxy.url}/internal/slack/workspaces/{team}",
        headers={"Authorization": f"Bearer {world_a.key}"},
    )
    assert wrong.status_code == 401


def test_thread_history_is_idempotent_and_scoped_per_tenant(
    proxy: ProxyServer, world_a: TenantWorld, world_b: TenantWorld
) -> None:
    bridge = {"Authorization": f"Bearer {proxy.bridge_key}"}
    path = "/threads/C42/1700000000.000100/messages"
    for role, text_ in (("user", "where is my order?"), ("assistant", "On its way.")):
        body = {"role": role, "text": text_, "sender_id": "U1", "source_event_id": "Ev1"}
        for _ in range(2):
            stored = httpx.post(
                f"{proxy.url}/internal/tenants/{world_a.id}{path}", json=body, headers=bridge
            )
            assert stored.status_code == 201
    history = httpx.get(f"{proxy.url}/internal/tenants/{world_a.id}{path}", headers=bridge).json()
    assert [(m["role"], m["text"]) for m in history["items"]] == [
        ("user", "where is my order?"),
        ("assistant", "On its way."),
    ]
    other = httpx.get(f"{proxy.url}/internal/tenants/{world_b.id}{path}", headers=bridge).json()
    assert other["items"] == []


async def test_usage_is_reported_per_day_model_and_agent(
    proxy: ProxyServer, world_a: TenantWorld, fake_ollama: OllamaFake
) -> None:
    import asyncio

    from openai import OpenAI

    sdk = OpenAI(api_key=world_a.key, base_url=f"{proxy.url}/v1")
    for agent in (world_a.agent["slug"], None):
        sdk.chat.completions.create(
            model="konstruct-fast",
            messages=[{"role": "user", "content": "hi"}],
            extra_headers={"X-Konstruct-Agent": agent} if agent else None,
        )
    with proxy.admin() as admin:
        for _ in range(50):
            usage = admin.get(f"/admin/tenants/{world_a.id}/usage").json()
            if usage["totals"]["calls"] == 2:
                break
            await asyncio.sleep(0.1)
    assert usage["totals"] == {
        **usage["totals"],
        "calls": 2,
        "prompt_tokens": 22,
        "completion_tokens": 14,
    }
    assert len(usage["by_day"]) == 30, "every day of the range, days without calls too"
    assert [d["calls"] for d in usage["by_day"] if d["calls"]] == [2]
    assert [(m["model_group"], m["calls"]) for m in usage["by_model"]] == [("konstruct-fast", 2)]
    assert sorted((a["agent_name"] or "-", a["calls"]) for a in usage["by_agent"]) == [
        ("-", 1),
        ("Ada", 1),
    ]
    assert usage["budget"]["monthly_budget_usd"] is None


async def test_tenant_admin_sees_only_its_tenant_and_logout_ends_the_session(
    proxy: ProxyServer, world_a: TenantWorld, world_b: TenantWorld, owner_db: Database
) -> None:
    email, token = tenant_admin(proxy, world_a)
    with proxy.admin(token) as me:
        assert me.get("/admin/me").json()["email"] == email
        assert [t["id"] for t in me.get("/admin/tenants").json()["items"]] == [world_a.id]
        assert me.get(f"/admin/tenants/{world_a.id}/agents").status_code == 200
        for path in ("", "/agents", "/keys", "/limits", "/usage", "/audit", "/slack-connections"):
            assert me.get(f"/admin/tenants/{world_b.id}{path}").status_code == 404, path
        assert me.post(f"/admin/tenants/{world_b.id}/keys", json={"name": "x"}).status_code == 404
        assert me.post("/admin/tenants", json={"name": "x", "slug": "x-x"}).status_code == 403
        assert me.get("/admin/operators").status_code == 403
        assert me.post(f"/admin/tenants/{world_a.id}/suspend").status_code == 403
        made = me.post(f"/admin/tenants/{world_a.id}/keys", json={"name": "mine"})
        assert made.status_code == 201
        assert me.post("/admin/auth/logout").status_code == 204
        after = me.get("/admin/me")
        assert (after.status_code, after.json()["error"]["code"]) == (401, "unauthorized")
    async with owner_db.platform_transaction() as conn:
        actor = await conn.execute(
            text(
                "select actor from audit_log where tenant_id = :t and action = 'key.issue' "
                "order by id desc limit 1"
            ),
            {"t": world_a.id},
        )
        assert actor.scalar_one() == email


def test_login_is_throttled_and_errors_do_not_reveal_accounts(
    proxy: ProxyServer, world_a: TenantWorld
) -> None:
    email, _ = tenant_admin(proxy, world_a)
    unknown = login(proxy, "nobody@example.com", "whatever-password")
    wrong = login(proxy, email, "not the password at all")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    codes = [login(proxy, email, "still wrong password").status_code for _ in range(5)]
    assert codes[-1] == 429
    blocked = login(proxy, email)
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


def test_limits_default_then_stick(proxy: ProxyServer, world_a: TenantWorld) -> None:
    with proxy.admin() as admin:
        defaults = admin.get(f"/admin/tenants/{world_a.id}/limits").json()
        assert defaults["tenant_messages_per_minute"] == 60
        assert defaults["monthly_budget_usd"] is None
        put = admin.put(
            f"/admin/tenants/{world_a.id}/limits",
            json={"rpm_limit": 10, "monthly_budget_usd": "25.50", "channel_messages_per_minute": 3},
        )
        assert put.status_code == 200, put.text
        got = admin.get(f"/admin/tenants/{world_a.id}/limits").json()
        assert (got["rpm_limit"], got["channel_messages_per_minute"]) == (10, 3)
        assert float(got["monthly_budget_usd"]) == 25.5
        bad = admin.put(f"/admin/tenants/{world_a.id}/limits", json={"degrade_at_share": 2})
        assert bad.status_code == 422


def test_admin_routes_need_credentials(proxy: ProxyServer) -> None:
    assert httpx.get(f"{proxy.url}/admin/tenants").status_code == 401
    forged = httpx.get(f"{proxy.url}/admin/tenants", headers={"Authorization": "Bearer eyJ.x.y"})
    assert forged.status_code == 401
    assert httpx.get(f"{proxy.url}/healthz").json()["checks"] == {"postgres": "ok", "redis": "ok"}


def test_install_link_state_is_single_use(proxy: ProxyServer, world_a: TenantWorld) -> None:
    with proxy.admin() as admin:
        url = admin.post(f"/admin/tenants/{world_a.id}/slack-install-link").json()["url"]
    state = url.split("state=", 1)[1]
    bridge = {"Authorization": f"Bearer {proxy.bridge_key}"}
    waiting = f"{proxy.url}/internal/slack/oauth-states/{state}"
    # Looking does not use it up; storing the installation does, once.
    assert httpx.get(waiting, headers=bridge).json() == {"tenant_id": world_a.id}
    assert httpx.get(waiting, headers=bridge).status_code == 200
    installation = {
        "state": state,
        "workspace_id": "T" + uuid.uuid4().hex[:9].upper(),
        "bot_token": "xoxb-installed-" + uuid.uuid4().hex,
        "bot_user_id": "UBOTINSTALL",
    }
    stored = httpx.post(
        f"{proxy.url}/internal/slack/installations", headers=bridge, json=installation
    )
    assert stored.status_code == 201, stored.text
    assert httpx.get(waiting, headers=bridge).status_code == 404
    again = httpx.post(
        f"{proxy.url}/internal/slack/installations", headers=bridge, json=installation
    )
    assert again.status_code == 404


def test_a_deleted_tenants_pages_answer_404_not_empty_lists(proxy: ProxyServer) -> None:
    world = make_world(proxy, "Gone")
    sub_pages = ("agents", "keys", "slack-connections", "usage", "audit", "limits")
    with proxy.admin() as admin:
        for page in sub_pages:
            assert admin.get(f"/admin/tenants/{world.id}/{page}").status_code == 200, page
        assert admin.delete(f"/admin/tenants/{world.id}").status_code == 204
        for tenant_id in (world.id, str(uuid.uuid4())):
            for page in sub_pages:
                response = admin.get(f"/admin/tenants/{tenant_id}/{page}")
                assert response.status_code == 404, (page, response.status_code, response.text)
                assert response.json()["error"]["code"] == "not_found"
