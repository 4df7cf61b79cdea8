"""Operator surfaces through the real proxy: tenants with figures (sorted and paged on the
server), budget at creation, usage over a range with every day and per key (and CSV),
invitations and resets by one-time link, password changes, a filtered and paged audit log,
and the Slack app's manifest."""

import asyncio
import csv
import hashlib
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text

from proxy.core.db.engine import Database
from tests.fakes.ollama import OllamaFake
from tests.stack import ProxyServer, make_world, spend

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


def login(proxy: ProxyServer, email: str, password: str) -> httpx.Response:
    return httpx.post(f"{proxy.url}/admin/auth/login", json={"email": email, "password": password})


def invite(proxy: ProxyServer, email: str, tenant_id: str | None) -> dict[str, str]:
    body = {"email": email, "role": "tenant_admin", "tenant_id": tenant_id}
    if tenant_id is None:
        body = {"email": email, "role": "platform_admin"}
    with proxy.admin() as admin:
        issued = admin.post("/admin/operators/invitations", json=body)
    assert issued.status_code == 201, issued.text
    answer: dict[str, str] = issued.json()
    return answer


def accept(proxy: ProxyServer, token: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{proxy.url}/admin/invitations/accept", json={"token": token, "password": password}
    )


async def test_tenants_list_has_figures_sorted_and_paged_on_the_server(
    proxy: ProxyServer, owner_db: Database
) -> None:
    tag = uuid.uuid4().hex[:6]
    worlds = [make_world(proxy, f"Fig{tag}{n}") for n in range(3)]
    for world, usd in zip(worlds, ("5", "50", "0.5"), strict=True):
        await spend(owner_db, world.id, usd)
    async with owner_db.platform_transaction() as conn:
        # Behind the proxy's back: how a connection is made (and checked with Slack) is not
        # what this test is about, only that the list reports it.
        await conn.execute(
            text(
                "insert into channel_connections (tenant_id, channel_type, workspace_id,"
                " workspace_name, encrypted_bot_token, bot_user_id, status)"
                " values (:t, 'slack', :w, 'Figures HQ', 'sealed', 'U0BOT1', 'active')"
            ),
            {"t": worlds[1].id, "w": f"TFIG{tag.upper()}"},
        )
    with proxy.admin() as admin:
        extra = admin.post(f"/admin/tenants/{worlds[1].id}/agents", json={"name": "Bo"})
        assert extra.status_code == 201

        def page(**params: object) -> dict[str, object]:
            answer = admin.get("/admin/tenants", params={"q": f"fig{tag}", **params})
            assert answer.status_code == 200, answer.text
            body: dict[str, object] = answer.json()
            return body

        first = page(sort="spend", order="desc", limit=2)
        assert first["total"] == 3
        assert (first["limit"], first["offset"]) == (2, 0)
        items = first["items"]
        assert isinstance(items, list)
        assert [t["id"] for t in items] == [worlds[1].id, worlds[0].id]
        top = items[0]["stats"]
        assert top["agents"] == 2
        assert top["slack_workspaces"] == 1
        assert top["slack_status"] == "active"
        assert top["spend_this_month_usd"] == "50.00000000"
        assert top["calls_this_month"] == 1
        assert top["last_activity_at"] is not None
        assert items[1]["stats"]["slack_status"] is None
        rest = page(sort="spend", order="desc", limit=2, offset=2)["items"]
        assert isinstance(rest, list)
        assert [t["id"] for t in rest] == [worlds[2].id]

        by_name = page(sort="name", order="desc", limit=1, offset=1)
        assert [t["id"] for t in by_name["items"]] == [worlds[1].id]  # type: ignore[attr-defined]
        assert by_name["total"] == 3
        assert admin.get("/admin/tenants", params={"sort": "nope"}).status_code == 422
        assert admin.get("/admin/tenants", params={"limit": 0}).status_code == 422

        stats = admin.get(f"/admin/tenants/{worlds[0].id}/stats").json()
        assert (stats["agents"], stats["keys"], stats["spend_this_month_usd"]) == (
            1,
            1,
            "5.00000000",
        )


def test_a_tenant_admin_lists_only_its_tenant_with_figures(proxy: ProxyServer) -> None:
    world = make_world(proxy, "Solo")
    make_world(proxy, "Other")
    email = f"solo-{uuid.uuid4().hex[:8]}@solo.example"
    accepted = accept(proxy, invite(proxy, email, world.id)["token"])
    token = accepted.json()["token"]
    with proxy.admin(token) as me:
        listed = me.get("/admin/tenants", params={"sort": "spend"}).json()
    assert listed["total"] == 1
    assert [t["id"] for t in listed["items"]] == [world.id]


def test_budget_and_limits_can_be_set_when_creating_a_tenant(proxy: ProxyServer) -> None:
    slug = f"budgeted-{uuid.uuid4().hex[:8]}"
    with proxy.admin() as admin:
        made = admin.post(
            "/admin/tenants",
            json={"name": "Budgeted", "slug": slug, "monthly_budget_usd": "120.5"},
        )
        assert made.status_code == 201, made.text
        tenant_id = made.json()["id"]
        limits = admin.get(f"/admin/tenants/{tenant_id}/limits").json()
        assert limits["monthly_budget_usd"] == "120.5000"
        assert limits["tenant_messages_per_minute"] == 60
        stats = admin.get(f"/admin/tenants/{tenant_id}/stats").json()
        assert stats["monthly_budget_usd"] == "120.5000"
        assert stats["budget_share"] == 0
        actions = [
            e["action"] for e in admin.get(f"/admin/tenants/{tenant_id}/audit").json()["items"]
        ]
        assert actions == ["limits.update", "tenant.create"]
        bad = admin.post(
            "/admin/tenants",
            json={"name": "Bad", "slug": f"{slug}-x", "monthly_budget_usd": "-1"},
        )
        assert bad.status_code == 422
        assert admin.get("/admin/tenants", params={"q": f"{slug}-x"}).json()["total"] == 0


async def usage_of(admin: httpx.Client, tenant_id: str, **params: object) -> dict[str, object]:
    answer = admin.get(f"/admin/tenants/{tenant_id}/usage", params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


async def test_usage_has_every_day_a_range_per_key_latency_and_csv(
    proxy: ProxyServer, owner_db: Database, fake_ollama: OllamaFake
) -> None:
    world = make_world(proxy, "Usage")
    with proxy.admin() as admin:
        second = admin.post(f"/admin/tenants/{world.id}/keys", json={"name": "=HYPERLINK(1)"})
        second_key = second.json()
    from openai import OpenAI

    for key in (world.key, second_key["secret"], second_key["secret"]):
        OpenAI(api_key=key, base_url=f"{proxy.url}/v1").chat.completions.create(
            model="konstruct-fast", messages=[{"role": "user", "content": "hi"}]
        )
    # An older call, on a day of its own, behind the proxy's back.
    old_day = datetime.now(UTC).date() - timedelta(days=10)
    async with owner_db.platform_transaction() as conn:
        await conn.execute(
            text(
                "insert into usage_events (tenant_id, call_id, model_group, model, prompt_tokens,"
                " completion_tokens, cost_usd, key_id, created_at, latency_ms)"
                " values (:t, :c, 'konstruct-fast', 'm', 3, 4, 0.25, :k, :at, 100)"
            ),
            {
                "t": world.id,
                "c": f"old-{uuid.uuid4()}",
                "k": world.key_id,
                "at": datetime.combine(old_day, datetime.min.time(), UTC) + timedelta(hours=12),
            },
        )
    with proxy.admin() as admin:
        # The usage logger writes after each answer; on a loaded machine that can take a while.
        for _ in range(300):
            usage = await usage_of(admin, world.id)
            if usage["totals"]["calls"] == 4:  # type: ignore[index]
                break
            await asyncio.sleep(0.1)
        by_day = usage["by_day"]
        assert isinstance(by_day, list)
        assert len(by_day) == 30
        assert by_day[-1]["day"] == datetime.now(UTC).date().isoformat()
        assert [d["calls"] for d in by_day if d["calls"]] == [1, 3]
        assert {d["calls"] for d in by_day} == {0, 1, 3}
        assert by_day[-1]["avg_latency_ms"] is not None, "the gateway's calls carry a latency"
        keys = {k["key_id"]: k for k in usage["by_key"]}  # type: ignore[attr-defined]
        assert keys[world.key_id]["calls"] == 2
        assert keys[second_key["id"]]["calls"] == 2
        assert keys[second_key["id"]]["key_name"] == "=HYPERLINK(1)"

        only_second = await usage_of(admin, world.id, key_id=second_key["id"])
        assert only_second["totals"]["calls"] == 2  # type: ignore[index]
        assert [k["key_id"] for k in only_second["by_key"]] == [second_key["id"]]  # type: ignore[attr-defined]

        ranged = await usage_of(admin, world.id, start=old_day.isoformat(), end=old_day.isoformat())
        assert [(d["day"], d["calls"]) for d in ranged["by_day"]] == [(old_day.isoformat(), 1)]  # type: ignore[attr-defined]
        assert ranged["totals"]["avg_latency_ms"] == 100  # type: ignore[index]
        today = date.today()
        assert (
            admin.get(
                f"/admin/tenants/{world.id}/usage",
                params={"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()},
            ).status_code
            == 422
        )
        assert (
            admin.get(
                f"/admin/tenants/{world.id}/usage",
                params={"start": "2020-01-01", "end": "2022-01-01"},
            ).status_code
            == 422
        )

        exported = admin.get(f"/admin/tenants/{world.id}/usage/export.csv", params={"days": 30})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert sum(int(r["calls"]) for r in rows) == 4
    assert {r["day"] for r in rows} >= {old_day.isoformat()}
    names = {r["key_name"] for r in rows}
    assert "'=HYPERLINK(1)" in names, "a formula-like name is defused for spreadsheets"
    assert "=HYPERLINK(1)" not in names


async def test_an_invitation_is_a_one_time_expiring_link_whose_owner_sets_the_password(
    proxy: ProxyServer, owner_db: Database
) -> None:
    world = make_world(proxy, "Invites")
    email = f"new-{uuid.uuid4().hex[:8]}@invites.example"
    issued = invite(proxy, email, world.id)
    token = issued["token"]
    assert "password" not in issued
    async with owner_db.platform_transaction() as conn:
        stored = (
            await conn.execute(
                text("select token_hash from operator_invitations where id = :i"),
                {"i": issued["id"]},
            )
        ).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest(), "only the token's hash is kept"

    preview = httpx.post(f"{proxy.url}/admin/invitations/preview", json={"token": token})
    assert preview.status_code == 200
    assert preview.json() == {
        **preview.json(),
        "email": email,
        "role": "tenant_admin",
        "tenant_name": "Invites",
        "purpose": "invite",
    }
    assert login(proxy, email, PASSWORD).status_code == 401, "no operator before acceptance"
    assert accept(proxy, token, "short").status_code == 422
    accepted = accept(proxy, token)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["operator"]["tenant_id"] == world.id
    assert login(proxy, email, PASSWORD).status_code == 200
    assert accept(proxy, token, "another password 123").status_code == 404, "spent"
    with proxy.admin() as admin:
        listed = admin.get("/admin/operators/invitations").json()["items"]
        assert issued["id"] not in [i["id"] for i in listed]
        again = admin.post(
            "/admin/operators/invitations",
            json={"email": email, "role": "tenant_admin", "tenant_id": world.id},
        )
        assert again.status_code == 409
        actions = [
            e["action"] for e in admin.get(f"/admin/tenants/{world.id}/audit").json()["items"]
        ]
    assert actions[:2] == ["operator.join", "operator.invite"]

    late = f"late-{uuid.uuid4().hex[:8]}@invites.example"
    expired = invite(proxy, late, world.id)
    async with owner_db.platform_transaction() as conn:
        await conn.execute(
            text(
                "update operator_invitations set expires_at = now() - interval '1 second'"
                " where id = :i"
            ),
            {"i": expired["id"]},
        )
    assert accept(proxy, expired["token"]).status_code == 404
    renewed = invite(proxy, late, world.id)
    with proxy.admin() as admin:
        assert admin.delete(f"/admin/operators/invitations/{renewed['id']}").status_code == 204
    assert accept(proxy, renewed["token"]).status_code == 404, "withdrawn"
    assert login(proxy, late, PASSWORD).status_code == 401


def test_only_platform_admins_invite_and_reset(proxy: ProxyServer) -> None:
    world = make_world(proxy, "Scoped")
    email = f"scoped-{uuid.uuid4().hex[:8]}@scoped.example"
    token = accept(proxy, invite(proxy, email, world.id)["token"]).json()["token"]
    with proxy.admin(token) as me:
        made = me.post(
            "/admin/operators/invitations",
            json={"email": "x@y.example", "role": "platform_admin"},
        )
        assert made.status_code == 403
        assert me.get("/admin/operators/invitations").status_code == 403
        assert me.get("/admin/audit").status_code == 403


def test_changing_your_password_needs_the_current_one_and_ends_other_sessions(
    proxy: ProxyServer,
) -> None:
    world = make_world(proxy, "Pw")
    email = f"pw-{uuid.uuid4().hex[:8]}@pw.example"
    accept(proxy, invite(proxy, email, world.id)["token"])
    laptop = login(proxy, email, PASSWORD).json()["token"]
    phone = login(proxy, email, PASSWORD).json()["token"]
    new_password = "a brand new passphrase"
    with proxy.admin(laptop) as me:
        wrong = me.post(
            "/admin/me/password",
            json={"current_password": "not it at all", "new_password": new_password},
        )
        assert wrong.status_code == 403
        same = me.post(
            "/admin/me/password", json={"current_password": PASSWORD, "new_password": PASSWORD}
        )
        assert same.status_code == 422
        changed = me.post(
            "/admin/me/password",
            json={"current_password": PASSWORD, "new_password": new_password},
        )
        assert changed.status_code == 200, changed.text
    fresh = changed.json()["token"]
    for old in (laptop, phone):
        with proxy.admin(old) as stale:
            assert stale.get("/admin/me").status_code == 401
    with proxy.admin(fresh) as me:
        assert me.get("/admin/me").json()["email"] == email
    assert login(proxy, email, PASSWORD).status_code == 401
    assert login(proxy, email, new_password).status_code == 200
    with proxy.admin() as master:
        refused = master.post(
            "/admin/me/password",
            json={"current_password": "x", "new_password": "whatever long enough"},
        )
        assert refused.status_code == 403


def test_an_admin_reset_ends_the_password_and_sessions_until_the_link_is_used(
    proxy: ProxyServer,
) -> None:
    world = make_world(proxy, "Reset")
    email = f"reset-{uuid.uuid4().hex[:8]}@reset.example"
    accepted = accept(proxy, invite(proxy, email, world.id)["token"]).json()
    session = accepted["token"]
    with proxy.admin() as admin:
        reset = admin.post(f"/admin/operators/{accepted['operator']['id']}/password-reset")
    assert reset.status_code == 201, reset.text
    assert reset.json()["purpose"] == "reset"
    with proxy.admin(session) as stale:
        assert stale.get("/admin/me").status_code == 401
    assert login(proxy, email, PASSWORD).status_code == 401, "the old password no longer works"
    preview = httpx.post(
        f"{proxy.url}/admin/invitations/preview", json={"token": reset.json()["token"]}
    )
    assert preview.json()["purpose"] == "reset"
    assert accept(proxy, reset.json()["token"], "chosen after the reset").status_code == 200
    assert login(proxy, email, "chosen after the reset").status_code == 200


def test_the_audit_log_is_filtered_searched_and_paged(proxy: ProxyServer) -> None:
    world = make_world(proxy, "Audited")
    base = f"/admin/tenants/{world.id}"
    with proxy.admin() as admin:
        for n in range(4):
            admin.post(f"{base}/keys", json={"name": f"needle-{n}"})
        everything = admin.get(f"{base}/audit").json()
        assert everything["total"] == 7  # tenant, agent, first key, four keys
        assert {"tenant.create", "agent.create", "key.issue"} <= set(everything["actions"])
        assert everything["actors"] == ["master-key"]

        keys = admin.get(f"{base}/audit", params={"action": "key.issue", "limit": 2}).json()
        assert (keys["total"], len(keys["items"])) == (5, 2)
        newer = [e["id"] for e in keys["items"]]
        older = admin.get(
            f"{base}/audit", params={"action": "key.issue", "limit": 2, "offset": 2}
        ).json()
        assert all(i > j for i in newer for j in (e["id"] for e in older["items"]))
        family = admin.get(f"{base}/audit", params={"action": "key."}).json()
        assert family["total"] == 5
        found = admin.get(f"{base}/audit", params={"q": "NEEDLE-2"}).json()
        assert [e["action"] for e in found["items"]] == ["key.issue"]
        nobody = admin.get(f"{base}/audit", params={"actor": "someone@else.example"}).json()
        assert nobody["total"] == 0
        tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
        assert admin.get(f"{base}/audit", params={"since": tomorrow}).json()["total"] == 0
        today = datetime.now(UTC).date().isoformat()
        assert admin.get(f"{base}/audit", params={"until": today}).json()["total"] == 7
        assert (
            admin.get(f"{base}/audit", params={"since": tomorrow, "until": today}).status_code
            == 422
        )
        assert admin.get(f"{base}/audit", params={"q": "%"}).json()["total"] == 0

        email = f"platform-{uuid.uuid4().hex[:8]}@konstruct.example"
        admin.post("/admin/operators/invitations", json={"email": email, "role": "platform_admin"})
        platform = admin.get("/admin/audit", params={"q": email}).json()
        assert [e["action"] for e in platform["items"]] == ["operator.invite"]
        assert world.slug not in str(platform), "the platform log holds no tenant's entries"


def test_the_slack_app_manifest_names_this_deployment(proxy: ProxyServer) -> None:
    with proxy.admin() as admin:
        app = admin.get("/admin/slack-app").json()
    bridge = app["bridge_url"]
    assert "YOUR-HOST" not in app["manifest_yaml"]
    assert f"{bridge}/slack/events" in app["manifest_yaml"]
    assert app["events_url"] == f"{bridge}/slack/events"
    assert app["redirect_url"] == f"{bridge}/slack/oauth_redirect"
    assert {"app_mentions:read", "chat:write"} <= set(app["bot_scopes"])
    assert "app_mention" in app["bot_events"]
    assert app["reachable_by_slack"] is False, "a local http bridge cannot be reached by Slack"
    assert httpx.get(f"{proxy.url}/admin/slack-app").status_code == 401
