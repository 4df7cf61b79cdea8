"""Slack's lifecycle: hand-made connections checked with auth.test, uninstalls, revoked and
refused tokens disabling the connection (reason and time in the admin API), reinstalling
re-enabling it, and each connection's health."""

import time
import uuid
from typing import Any

import httpx
import pytest

from tests.bridge.conftest import Bridge, Connected, connect, slack_id
from tests.bridge.events import mention
from tests.bridge.test_install import finish_install, install_state, start_install
from tests.fakes.slack import SlackFake
from tests.stack import ProxyServer, make_world

pytestmark = pytest.mark.e2e


def connection(proxy: ProxyServer, conn: Connected) -> dict[str, Any]:
    with proxy.admin() as admin:
        (found,) = admin.get(f"/admin/tenants/{conn.tenant_id}/slack-connections").json()["items"]
    return dict(found)


def token_calls_after(slack: SlackFake, token: str, since: float) -> list[str]:
    return [c.method for c in slack.calls() if c.token == token and c.time > since]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("never issued", "Slack refused this bot token (invalid_auth)"),
        ("another workspace", "belongs to Slack workspace"),
        ("another bot user", "not UBOTSOMEONE's"),
    ],
)
def test_a_hand_made_connection_is_checked_with_slack_and_refused_if_it_lies(
    proxy: ProxyServer, fake_slack: SlackFake, case: str, message: str
) -> None:
    world = make_world(proxy, "Handmade")
    team_id, bot_user, token = slack_id("T"), "UBOTSOMEONE", f"xoxb-made-{uuid.uuid4().hex}"
    if case == "another workspace":
        fake_slack.install_workspace(slack_id("T"), token, bot_user)
    elif case == "another bot user":
        fake_slack.install_workspace(team_id, token, "UBOTELSE")
    with proxy.admin() as admin:
        made = admin.post(
            f"/admin/tenants/{world.id}/slack-connections",
            json={"workspace_id": team_id, "bot_token": token, "bot_user_id": bot_user},
        )
        assert made.status_code == 422, made.text
        assert message in made.json()["error"]["message"]
        assert token not in made.text
        assert admin.get(f"/admin/tenants/{world.id}/slack-connections").json()["items"] == []
    (check,) = fake_slack.calls("auth.test")
    assert check.token == token


def test_app_uninstalled_disables_the_connection_and_its_token_is_never_used_again(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    channel = slack_id("C")
    first = mention(fake_slack, acme, channel, "hello")
    assert bridge.wait_job(bridge.deliver(acme.team_id, first)[1]) == "answered"
    healthy = connection(bridge.proxy, acme)
    assert healthy["status"] == "active"
    assert healthy["last_ok_at"] is not None

    fake_slack.uninstall_workspace(acme.team_id)
    uninstalled = time.time()
    _, event_id = bridge.deliver(acme.team_id, {"type": "app_uninstalled", "event_ts": "1.1"})
    assert bridge.wait_job(event_id) == "disabled"
    shown = connection(bridge.proxy, acme)
    assert (shown["status"], shown["disabled_reason"]) == ("disabled", "app_uninstalled")
    assert shown["disabled_at"] is not None

    later = mention(fake_slack, acme, channel, "still there?")
    _, event_id = bridge.deliver(acme.team_id, later)
    assert bridge.job(event_id) is None or bridge.wait_job(event_id) == "no_workspace"
    time.sleep(0.5)
    assert token_calls_after(fake_slack, acme.bot_token, uninstalled) == []


def test_tokens_revoked_disables_only_when_it_names_the_bot(
    bridge: Bridge, acme: Connected, fake_slack: SlackFake
) -> None:
    people = {"type": "tokens_revoked", "tokens": {"oauth": ["U0USER"]}, "event_ts": "1.1"}
    assert bridge.wait_job(bridge.deliver(acme.team_id, people)[1]) == "ignored"
    assert connection(bridge.proxy, acme)["status"] == "active"
    fake_slack.revoke(acme.bot_token)
    bot = {"type": "tokens_revoked", "tokens": {"bot": [acme.bot_user_id]}, "event_ts": "1.2"}
    assert bridge.wait_job(bridge.deliver(acme.team_id, bot)[1]) == "disabled"
    shown = connection(bridge.proxy, acme)
    assert (shown["status"], shown["disabled_reason"]) == ("disabled", "tokens_revoked")


@pytest.mark.parametrize("refusal", ["invalid_auth", "account_inactive", "token_revoked"])
def test_a_token_slack_refuses_disables_the_connection_and_a_reinstall_enables_it(
    bridge: Bridge, proxy: ProxyServer, fake_slack: SlackFake, refusal: str
) -> None:
    conn = connect(proxy, "Refused", is_default=True)
    channel = slack_id("C")
    event = mention(fake_slack, conn, channel, "hello")
    if refusal == "invalid_auth":
        fake_slack.configure(invalid_tokens={conn.bot_token})
    elif refusal == "account_inactive":
        fake_slack.configure(inactive_tokens={conn.bot_token})
    else:
        fake_slack.revoke(conn.bot_token)
    assert bridge.wait_job(bridge.deliver(conn.team_id, event)[1]) == "token_refused"
    shown = connection(proxy, conn)
    assert (shown["status"], shown["disabled_reason"]) == ("disabled", refusal)
    assert shown["last_error"] == refusal
    refused_at = time.time()
    again = mention(fake_slack, conn, channel, "anyone?")
    _, event_id = bridge.deliver(conn.team_id, again)
    assert bridge.job(event_id) is None or bridge.wait_job(event_id) == "no_workspace"
    assert token_calls_after(fake_slack, conn.bot_token, refused_at) == []

    # Reinstalling (a new token from Slack) re-enables the same connection.
    state = install_state(proxy, conn.tenant_id)
    fake_slack.configure(oauth_codes={"code-re": {"team_id": conn.team_id}})
    _, cookie = start_install(bridge, state)
    assert finish_install(bridge, cookie, code="code-re", state=state).status_code == 200
    shown = connection(proxy, conn)
    assert (shown["id"], shown["status"], shown["disabled_reason"]) == (
        conn.connection["id"],
        "active",
        None,
    )
    (access,) = fake_slack.calls("oauth.v2.access")
    new_token = access.response["access_token"]
    renewed = Connected(conn.world, conn.team_id, f"UBOT{conn.team_id}", new_token, {})
    back = mention(fake_slack, renewed, channel, "back?")
    since = time.time()
    assert bridge.wait_job(bridge.deliver(conn.team_id, back)[1]) == "answered"
    assert {c.token for c in fake_slack.calls() if c.time > since} == {new_token}


def test_a_disable_names_the_token_so_a_reinstall_since_is_left_alone(
    bridge: Bridge, acme: Connected
) -> None:
    """A refusal reported for an old token (a job that ran before the reinstall) does not
    disable the connection that now holds a new one."""
    disabled = httpx.post(
        f"{bridge.proxy.url}/internal/tenants/{acme.tenant_id}/slack-connections/"
        f"{acme.connection['id']}/disable",
        headers={"Authorization": f"Bearer {bridge.proxy.bridge_key}"},
        json={"reason": "invalid_auth", "token_sha256": "0" * 64},
    )
    assert disabled.status_code == 200, disabled.text
    assert disabled.json() == {"disabled": False}
    assert connection(bridge.proxy, acme)["status"] == "active"


def test_an_operator_disable_and_enable_show_in_the_connection(
    bridge: Bridge, acme: Connected
) -> None:
    base = f"/admin/tenants/{acme.tenant_id}/slack-connections/{acme.connection['id']}"
    with bridge.proxy.admin() as admin:
        off = admin.patch(base, json={"status": "disabled"}).json()
        assert (off["status"], off["disabled_reason"]) == ("disabled", "operator")
        on = admin.patch(base, json={"status": "active"}).json()
        assert (on["status"], on["disabled_reason"], on["disabled_at"]) == ("active", None, None)
