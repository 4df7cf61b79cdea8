"""Channels by name: the proxy lists a connection's workspace channels from (fake) Slack with
that connection's own bot token, scoped to its tenant, with Slack's refusals in words."""

import uuid

import pytest

from tests.fakes.slack import SlackFake
from tests.stack import ProxyServer, TenantWorld

pytestmark = pytest.mark.e2e


def slack_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:9].upper()


def connect(proxy: ProxyServer, world: TenantWorld, slack: SlackFake) -> tuple[str, str, str]:
    """A workspace connected to `world` with a token the fake issued; (connection, team, token)."""
    team, token = slack_id("T"), "xoxb-7777-8888-" + uuid.uuid4().hex
    slack.install_workspace(team, token, "UBOTCH")
    with proxy.admin() as admin:
        made = admin.post(
            f"/admin/tenants/{world.id}/slack-connections",
            json={"workspace_id": team, "bot_token": token, "bot_user_id": "UBOTCH"},
        )
    assert made.status_code == 201, made.text
    return str(made.json()["id"]), team, token


def test_channels_come_back_by_name_across_pages_with_the_connections_token(
    proxy: ProxyServer, world_a: TenantWorld, world_b: TenantWorld
) -> None:
    slack = proxy.slack
    assert slack is not None
    connection, team, token = connect(proxy, world_a, slack)
    slack.add_channel("C0GENERAL" + team[1:6], "general", team)
    slack.add_channel("G0SECRET" + team[1:6], "leadership", team, is_member=False)
    slack.add_channel("C0OLD" + team[1:6], "old-project", team, is_archived=True)
    # More than one page of the proxy's 200, so it must follow next_cursor.
    for n in range(205):
        slack.add_channel(f"C1{n:04d}{team[1:6]}", f"team-{n:04d}", team)
    slack.add_channel(slack_id("C"), "someone-elses", slack_id("T"))  # another workspace's
    before = len(slack.calls("conversations.list"))
    with proxy.admin() as admin:
        listed = admin.get(f"/admin/tenants/{world_a.id}/slack-connections/{connection}/channels")
        assert listed.status_code == 200, listed.text
        # Another tenant's connection is not there at all for tenant B's path.
        other = admin.get(f"/admin/tenants/{world_b.id}/slack-connections/{connection}/channels")
        assert other.status_code == 404, other.text
    body = listed.json()
    assert body["truncated"] is False
    by_name = {c["name"]: c for c in body["items"]}
    assert len(by_name) == 207
    assert by_name["general"] == {
        "id": "C0GENERAL" + team[1:6],
        "name": "general",
        "is_private": False,
        "is_member": True,
    }
    assert by_name["leadership"]["is_private"] is True
    assert by_name["leadership"]["is_member"] is False
    assert "old-project" not in by_name
    assert "someone-elses" not in by_name
    assert [c["name"] for c in body["items"]] == sorted(by_name)
    assert token not in listed.text
    calls = slack.calls("conversations.list")[before:]
    assert [c.token for c in calls] == [token, token]
    assert calls[0].params["types"] == "public_channel,private_channel"
    assert not calls[0].params.get("cursor")
    assert calls[1].params["cursor"]
    assert all(c.ok for c in calls)


def test_a_refused_token_is_a_clear_error_without_the_token(
    proxy: ProxyServer, world_a: TenantWorld
) -> None:
    slack = proxy.slack
    assert slack is not None
    connection, team, token = connect(proxy, world_a, slack)
    slack.uninstall_workspace(team)  # every token Slack issued for it is invalid_auth now
    before = len(slack.calls("conversations.list"))
    with proxy.admin() as admin:
        refused = admin.get(f"/admin/tenants/{world_a.id}/slack-connections/{connection}/channels")
        missing = admin.get(
            f"/admin/tenants/{world_a.id}/slack-connections/{uuid.uuid4()}/channels"
        )
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert "invalid_auth" in error["message"]
    assert "bot token" in error["message"]
    assert token not in refused.text
    calls = slack.calls("conversations.list")[before:]
    assert [(c.token, c.response.get("error")) for c in calls] == [(token, "invalid_auth")]
    assert missing.status_code == 404


def test_slack_rate_limiting_is_a_429_with_retry_after(
    proxy: ProxyServer, world_a: TenantWorld
) -> None:
    slack = proxy.slack
    assert slack is not None
    connection, _, _ = connect(proxy, world_a, slack)
    slack.configure(rate_limit={"conversations.list": 1}, retry_after=7)
    try:
        with proxy.admin() as admin:
            limited = admin.get(
                f"/admin/tenants/{world_a.id}/slack-connections/{connection}/channels"
            )
    finally:
        slack.configure(rate_limit={}, retry_after=1)
    assert limited.status_code == 429, limited.text
    assert limited.headers["retry-after"] == "7"
    assert "7 seconds" in limited.json()["error"]["message"]
